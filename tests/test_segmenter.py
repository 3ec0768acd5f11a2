"""The segmenter: exact Viterbi decoding, spam protection, and sequence cases on real layouts."""
import itertools

import numpy as np
import pytest

from classifier.model import AD, ARTICLE, NAVIGATION
from classifier.segmenter import (_viterbi_windows, code_blocks, code_like, drop_trailing_blocks, enclosed_prose, list_sections,
                                 dateline_headlines,
                                 spam_lists,
                                  cut_at_related_heading, marked_teasers_and_ads, maybe_code, numbered_lists,
                                  post_header, propagate_spam, segment, thread_replies)


def brute_force(emit, trans, start, first, last):
    n, k = emit.shape
    best = None
    for path in itertools.product(range(k), repeat=n):
        if (first >= 0 and path[0] != first) or (last >= 0 and path[-1] != last):
            continue
        score = start[path[0]] + sum(emit[i, p] for i, p in enumerate(path)) + sum(
            trans[a, b] for a, b in zip(path, path[1:]))
        if best is None or score > best[0] + 1e-12:
            best = (score, path)
    return best


@pytest.mark.parametrize("seed", range(40))
def test_viterbi_windows_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    k = 3
    sizes = rng.integers(1, 5, size=3)
    emit = np.log(rng.dirichlet(np.ones(k), size=int(sizes.sum())))
    trans = np.log(rng.dirichlet(np.ones(k), size=k))
    start = np.log(rng.dirichlet(np.ones(k)))
    lo = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    hi = lo + sizes - 1
    first = np.where(rng.random(3) < 0.5, rng.integers(0, k, 3), -1)
    last = np.where((rng.random(3) < 0.5) & (sizes > 1), rng.integers(0, k, 3), -1)
    got = _viterbi_windows(emit, lo, hi, first, last, trans, start)
    for w in range(3):
        seg = emit[lo[w]:hi[w] + 1]
        st = start if lo[w] == 0 else np.zeros(k)
        score, _ = brute_force(seg, trans, st, first[w], last[w])
        path = got[lo[w]:hi[w] + 1]
        mine = st[path[0]] + seg[np.arange(len(path)), path].sum() + sum(trans[a, b] for a, b in zip(path, path[1:]))
        assert mine == pytest.approx(score)


def test_spam_is_never_moved_nor_invented():
    probs = np.array([[0.05, 0.9, 0.0, 0.05], [0.3, 0.1, 0.0, 0.6], [0.5, 0.45, 0.0, 0.05], [0.95, 0.05, 0, 0]])
    trans = np.log(np.full((4, 4), 0.01) + np.eye(4))
    seg = segment(probs, np.full(4, 0.25), trans, np.log(np.full(4, 0.25)), confident=0.99, weight=10.0)
    assert seg.labels[1] == 3
    assert 3 not in seg.labels[[0, 2, 3]]


def test_uncertain_paragraph_between_articles_joins_them():
    probs = np.array([[0.97, 0.03, 0, 0], [0.4, 0.6, 0, 0], [0.97, 0.03, 0, 0]])
    trans = np.log(np.array([[0.9, 0.1, 0.0001, 0.0001], [0.1, 0.9, 0.0001, 0.0001],
                             [0.25] * 4, [0.25] * 4]))
    seg = segment(probs, np.array([0.3, 0.6, 0.05, 0.05]), trans, np.log(np.full(4, 0.25)))
    assert seg.labels.tolist() == [0, 0, 0] and seg.changed.tolist() == [False, True, False]


def test_brand_propagation_only_for_short_texts_found_in_spam():
    from classifier.segmenter import propagate_spam

    texts = ["旺财体育", "旺财体育:网 > 新闻", "正文讲述了旺财体育馆的建设。", "  • 旺财体育:注册送88元", "首页", "新闻"]
    labels = np.array([1, 3, 0, 3, 1, 1])
    assert propagate_spam(texts, labels) == []  # the brand also occurs in an article paragraph
    labels = np.array([1, 3, 1, 3, 1, 1])
    assert propagate_spam(["旺财体育", "旺财体育:网", "正文。", "旺财体育:注册送", "首页", "频道"], labels) == [0]
    assert labels.tolist() == [3, 3, 1, 3, 1, 1]


@pytest.mark.parametrize("article_probs, labels, rescued", [
    # a table of contents between menus: the run of likelier paragraphs becomes article
    ([0.0, 0.01, 0.2, 0.05, 0.3, 0.25, 0.4, 0.0], [1] * 8, [2, 3, 4, 5, 6]),
    # bare chrome: nothing gains enough, the page stays empty
    ([0.0, 0.05, 0.01, 0.04, 0.0], [1] * 5, []),
    # a page that already has an article is left alone
    ([0.9, 0.3, 0.3, 0.3], [0, 1, 1, 1], []),
    # ad and spam paragraphs break the run and are never rescued
    ([0.3, 0.3, 0.2, 0.3, 0.3, 0.3], [1, 1, 3, 1, 1, 1], [3, 4, 5]),
])
def test_rescue_empty_keeps_the_likeliest_run(article_probs, labels, rescued):
    from classifier.segmenter import rescue_empty

    a = np.array(article_probs)
    probs = np.column_stack([a, 1 - a, np.zeros_like(a), np.zeros_like(a)])
    labels = np.array(labels)
    before = labels.copy()
    got = rescue_empty(probs, labels)
    assert got.tolist() == rescued
    assert (labels[rescued] == 0).all() and (np.delete(labels, rescued) == np.delete(before, rescued)).all()


CODE_LINES = [
    ("export http_proxy=http://10.0.0.8:3128", True),
    ("docker run -p 8080:8080 \\", True),
    ("$ pip install requests", True),
    ("def main():", True),
    ("for (int i = 0; i < n; i++) {", True),
    ("# 开启代理", True),
    ("![架构图](https://img.example.org/a.png)", True),
    ("http://www.example.com/?from=link", False),  # a bare address is a link
    ("• {AddTime}", False),                        # a bulleted template field
    ("首页 | 新闻 | 体育", False),
    ("看过(11783)", False),
    ("记者从市商务局获悉，一季度外贸增长8.3%。", False),
    ("Copyright © 2024 Example Inc. All rights reserved.", False),
    ("## 项目架构", True),                        # markdown source
    ("> 作者的理念：只考虑业务，不考虑基础服务", True),
    ("1. 每次开发新项目都要写登录注册，**有点繁琐。**", True),
    ("首页 > 新闻 > 正文", False),                # a breadcrumb is not a quote
    ("【字体：大 中 小】【打印】", False),
]


@pytest.mark.parametrize("line,expected", CODE_LINES)
def test_code_like(line, expected):
    assert code_like(line) is expected


def test_code_blocks_keep_code_and_drop_page_scripts():
    A, N = ARTICLE, NAVIGATION
    texts = ["正文。", "export A=1", "export B=2", "curl -I https://example.org", "结尾。",
             "var _hmt = _hmt || [];", "(function() {", "})();", "two lines", "x = 1", "y = 2"]
    labels = np.array([A, N, A, N, A, A, A, N, N, N, N])
    to_article, to_navigation = code_blocks(texts.__getitem__, labels)
    assert to_article == [1, 3]        # the navigation lines of the shell block
    assert to_navigation == [5, 6]     # the article lines of the analytics script
    assert labels[9] == N and labels[10] == N  # two code lines are not a block


@pytest.mark.parametrize("block, expected", [
    (["{{for items}}", "{{:name}}", "{{:price}}", "{{/for}}"], NAVIGATION),     # jsrender
    (["{{# if(d.vip){ }}", "{{ d.nick }}", "{{# } }}"], NAVIGATION),            # layui/art-template
    (["<li>${item.title}</li>", "<span>${item.date}</span>", "</li>"], NAVIGATION),  # template strings
    (["const app = Vue.createApp({", "  data() { return { n: 1 } }", "}).mount('#app')",
      "<p>{{ n }}</p>"], ARTICLE),                                              # a sample with one tag
])
def test_a_client_side_template_is_the_pages_own_markup(block, expected):
    """A block that is half or more tags of a browser template is the page's machinery,
    navigation; a code sample in the text that shows one tag stays article."""
    texts = ["正文第一段。"] + block + ["正文结尾。"]
    labels = np.array([ARTICLE] + [ARTICLE] * len(block) + [ARTICLE])
    code_blocks(texts.__getitem__, labels)
    assert set(labels[1:-1].tolist()) == {expected}


def test_small_blocks_after_the_main_text_become_navigation():
    A, N = ARTICLE, NAVIGATION
    # 0-9 chrome, 10-12 the article, 13-14 chrome, 15 a teaser, 16-17 chrome, 18 a long block, 19-20 chrome
    labels = np.array([N] * 10 + [A, A, A] + [N, N] + [A] + [N, N] + [A] + [N, N])
    sizes = np.array([5] * 10 + [300, 20, 300] + [5, 5] + [80] + [5, 5] + [400] + [5, 5])
    assert drop_trailing_blocks(labels.copy(), sizes) == [15]  # 80 < 0.4 * 620; the long block stays
    # one paragraph between article paragraphs does not split a block (a caption)
    labels2 = labels.copy()
    labels2[11] = N
    assert drop_trailing_blocks(labels2.copy(), sizes) == [15]
    # a block before the main one (a title) stays
    labels3 = labels.copy()
    labels3[5] = A
    assert drop_trailing_blocks(labels3.copy(), sizes) == [15]
    # a page that is mostly article (an already clean text) is left alone
    assert drop_trailing_blocks(labels[7:], sizes[7:]) == []
    # a small block whose paragraphs end two sentences is more text (an afterword), not a teaser
    labels5 = np.array([N] * 10 + [A, A, A] + [N, N] + [A, A] + [N, N, N])
    sizes5 = np.array([5] * 10 + [300, 20, 300] + [5, 5] + [60, 60] + [5, 5, 5])
    texts = ["x"] * len(labels5)
    texts[15], texts[16] = "家人也说只是摇了一下，不要紧。", "比起九月那次小很多。"
    assert drop_trailing_blocks(labels5.copy(), sizes5, texts.__getitem__) == []
    texts[16] = "比起九月那次小很多。…"  # cut short: a teaser's lead
    assert drop_trailing_blocks(labels5.copy(), sizes5, texts.__getitem__) == [15, 16]
    assert drop_trailing_blocks(labels5.copy(), sizes5) == [15, 16]  # without texts: every small block


MARKED = [
    ("近日，多地小麦进入成熟期，陆续开镰收割...【详细】", NAVIGATION),
    ("本市新建口袋公园二十座，市民休闲更方便……阅读全文>>", NAVIGATION),
    ("展览昨日在美术馆新址开幕。[详情]", NAVIGATION),
    ("广告 夏日大促来袭！海鲜礼盒限时五折", AD),
    ("记者从市里获悉，今年将新建公园二十个。", ARTICLE),
    ("返回搜狐，查看更多", ARTICLE),             # a plain "more" without ellipsis or brackets
    ("广告法修订草案今天提请审议。", ARTICLE),   # the word, not the label
    ("他说详细方案还在讨论中……", ARTICLE),
]


@pytest.mark.parametrize("text,expected", MARKED)
def test_marked_teasers_and_ads(text, expected):
    labels = np.array([ARTICLE])
    marked_teasers_and_ads([text].__getitem__, labels)
    assert labels[0] == expected


def test_article_after_a_related_heading_followed_by_a_list_becomes_navigation():
    A, N = ARTICLE, NAVIGATION
    texts = ["首页", "正文第一段" * 30, "正文第二段" * 30, "你可能還想看", "• 財經新聞·", "一段预告" * 10,
             "• 地產·", "另一段预告" * 10]
    sizes = np.array([len(t) for t in texts])
    labels = np.array([N, A, A, N, N, A, N, A])
    assert cut_at_related_heading(texts.__getitem__, labels, sizes) == (3, [5, 7])
    assert (labels[[5, 7]] == N).all() and (labels[[1, 2]] == A).all()
    # a heading that opens a section of the text (a title, then prose) is left alone
    section = texts[:4] + ["中投加大新兴市场股票投资", "新京报讯 记者从公司年报获悉，去年境外资产净收益率有所提高。" * 2]
    labels = np.array([N, A, A, N, A, A])
    assert cut_at_related_heading(section.__getitem__, labels, np.array([len(t) for t in section])) == (-1, [])
    # ... but short click-bait headlines right after it are the list's
    teasers = texts[:4] + ["讲真！这身材，究竟谁顶得住嘛！", "广告 夏日大促", "二婚的他，三婚的她，没赢过八婚的他！"]
    labels = np.array([N, A, A, N, A, N, A])
    assert cut_at_related_heading(teasers.__getitem__, labels, np.array([len(t) for t in teasers])) == (3, [4, 6])
    # nor one above the article (a sidebar): less than RELATED_MIN_ARTICLE characters before it
    texts2 = ["相关新闻", "• 某条新闻", "正文" * 80]
    assert cut_at_related_heading(texts2.__getitem__, np.array([N, N, A]), np.array([4, 6, 160])) == (-1, [])


@pytest.mark.parametrize("heading", ["相关新闻", "  • 热门推荐", "猜你喜欢：", "你可能還想看", "其他人也在看", "延伸閱讀", "为你推荐"])
def test_related_headings(heading):
    texts = ["正文" * 60, heading, "• 一条列表", "一段预告" * 10]
    labels = np.array([ARTICLE, NAVIGATION, NAVIGATION, ARTICLE])
    assert cut_at_related_heading(texts.__getitem__, labels, np.array([len(t) for t in texts])) == (1, [3])


def test_maybe_code_does_not_overflow_on_long_texts():
    from classifier.normalize import codes_of
    text = "正" * (1 << 20) + "\nexport A=1"
    codes = codes_of(text)
    starts, ends = np.array([0, (1 << 20) + 1]), np.array([1 << 20, len(text)])
    assert maybe_code(codes, starts, ends)[1]
    short = codes_of("正文。\nexport A=1")
    assert maybe_code(short, np.array([0, 4]), np.array([3, 14])).tolist() == [False, True]


def test_a_brand_prefix_of_a_spam_paragraph_makes_other_lines_spam():
    from classifier.model import SPAM
    texts = ["  • 首页", "星河湾:网 > 社会 > 正文", "老旧小区改造惠及三千户居民", "　　今年以来全区共改造老旧小区二十个。",
             "  • 星河湾:会员专享 每日签到领好礼", "新华社:记者从市里获悉"]
    labels = np.array([NAVIGATION, SPAM, ARTICLE, ARTICLE, ARTICLE, ARTICLE])
    assert propagate_spam(texts, labels) == [4]      # the same prefix; 新华社: opens no spam paragraph
    assert labels[4] == SPAM and labels[5] == ARTICLE
    # a prefix that also occurs in another article paragraph is the page's own name: left alone
    texts2 = texts[:3] + ["　　星河湾小区今年完成改造。", texts[4]]
    labels2 = np.array([NAVIGATION, SPAM, ARTICLE, ARTICLE, ARTICLE])
    assert propagate_spam(texts2, labels2) == []


HEADERS = [
    ("发表于 2024-4-11 11:52:24 | 只看该作者 来自 - 湖北", True),
    ("2021-01-01 10:34:38", True),                         # a bare time
    ("24-5-13 17:08 来自福建", True),
    ("发布 #6 2023年12月7日星期四 09点56分", True),
    ("huacnlee #7 28 天前", True),
    ("IP属地:河南1楼2023-3-1 23:48", True),
    ("2024-05-13 12:03:10 作者：曹磊 来源:东方网", False),  # a news report's metadata line
    ("2016年05月25日10:10 新浪财经", False),
    ("发布时间：2024-05-13", False),                         # no time of day
    ("这是一段提到 12:30 的正文，很长很长很长" * 5, False),
]


@pytest.mark.parametrize("text,expected", HEADERS)
def test_post_header(text, expected):
    assert post_header(text) is expected


def _time_candidates(texts):
    from classifier.features import page_of
    from classifier.normalize import codes_of
    from classifier.segmenter import time_candidates
    text, starts, ends = page_of(texts)
    return time_candidates(codes_of(text), starts, ends)


def test_time_candidates_hold_every_time():
    texts = ["正文里没有时间。", "发表于 2024-4-11 11 : 52", "3 天前", "刚刚", "昨天 12:30", "时间：下午", "10时30分",
             "目前进展顺利", "2024年5月13日"]
    assert _time_candidates(texts).tolist() == [False, True, True, True, True, False, True, False, False]


def test_time_candidates_on_real_pages(shared):
    """Every paragraph of the dev dumps where the time pattern matches is a candidate."""
    from classifier.segmenter import _TIME_RE
    for page in shared.dev_pages():
        texts = [t for t in page["text"].split("\n") if t.strip()]
        got = _time_candidates(texts)
        assert all(got[i] for i, t in enumerate(texts) if _TIME_RE.search(t)), page["id"]


def _probs(labels, article=None):
    probs = np.zeros((len(labels), 4))
    probs[np.arange(len(labels)), labels] = 1.0
    if article:
        for i, p in article.items():
            probs[i] = [p, 1 - p, 0, 0]
    return probs


def test_thread_replies_follow_their_headers():
    A, N = ARTICLE, NAVIGATION
    texts = ["论坛首页", "楼主", "发表于 2024-4-5 23:20:45 | 只看该作者", "主帖的正文，说了一件很长的事情。" * 4, "回复 举报",
             "用户甲", "沙发", "发表于 2024-4-11 11:52:24 | 只看该作者", "顶你，说得太对了", "回复 | 引用 | 举报",
             "用户乙", "板凳", "发表于 2024-4-14 11:32:04 | 只看该作者", "同质化太严重了", "回复 举报",
             "返回列表", "© 2024 某某论坛 版权所有"]
    labels = np.array([N, N, N, A, N, N, N, N, N, N, N, N, N, N, N, N, N])
    sizes = np.array([len(t) for t in texts])
    thread, made = thread_replies(texts.__getitem__, labels.copy(), _probs(labels, {8: 0.2, 13: 0.1}), sizes)
    assert thread and made == [8, 13]           # the replies; user names, ranks and action bars stay
    # the cleaner's candidates (paragraphs holding a time mark and a digit) find the same headers
    timed = _time_candidates(texts)
    assert timed.nonzero()[0].tolist() == [2, 7, 12]
    assert thread_replies(texts.__getitem__, labels, _probs(labels, {8: 0.2, 13: 0.1}), sizes, timed) == (True, [8, 13])
    assert (labels[[8, 13]] == A).all() and labels[5] == N and labels[9] == N


def test_thread_replies_before_their_headers():
    A, N = ARTICLE, NAVIGATION
    # text, then time: the paragraph before each header reads more like text
    texts = ["主帖正文，讲了一个工具。" * 5, "发布于 2023-07-06 23:12", "0", "用户甲", "这个工具我也用过，挺好用的",
             "2023-07-06 23:19", "0", "用户乙", "端到端加密其实是小众需求吧，" * 6, "2023-07-07 03:56", "0"]
    labels = np.array([A, N, N, N, N, N, N, N, A, N, N])
    sizes = np.array([len(t) for t in texts])
    thread, made = thread_replies(texts.__getitem__, labels, _probs(labels, {4: 0.4}), sizes)
    assert thread and made == [4]
    # with most of the article before the first post header, the page is a report, not a thread
    labels[8] = N
    assert thread_replies(texts.__getitem__, labels, _probs(labels, {4: 0.4}), sizes) == (False, [])


def test_comments_under_a_news_report_are_not_a_thread():
    A, N = ARTICLE, NAVIGATION
    # the report comes before every post header: a comment widget, left alone
    texts = ["新闻标题", "正文第一段，记者从市里获悉。" * 6, "正文第二段。" * 6, "最新评论",
             "网友甲", "5月16日18:14 来自湖北", "说得好", "网友乙", "5月16日19:27 来自北京", "支持"]
    labels = np.array([A, A, A, N, N, N, N, N, N, N])
    sizes = np.array([len(t) for t in texts])
    assert thread_replies(texts.__getitem__, labels, _probs(labels), sizes) == (False, [])
    assert (labels[3:] == N).all()


def test_numbered_lists_in_the_text_are_kept():
    A, N = ARTICLE, NAVIGATION
    texts = ["首页", "本周末三十家景区门票半价，以下是名单。" * 3, "半价景点",
             "1、东湖公园", "成人票原价：60元", "咨询电话：12345678",
             "2、西山植物园", "成人票原价：40元", "咨询电话：87654321",
             "3、南岸海洋馆", "成人票原价：120元", "咨询电话：11223344",
             "热点搜索", "关于我们"]
    labels = np.array([N, A] + [N] * 12)
    assert numbered_lists(texts.__getitem__, labels) == list(range(3, 12))  # the last item: the median length
    assert labels[2] == N and labels[12] == N
    # one-line items are left to the classifier (a ranking list, or steps already kept)
    ranking = ["正文。" * 20, "1、第一条新闻标题", "2、第二条新闻标题", "3、第三条新闻标题"]
    assert numbered_lists(ranking.__getitem__, np.array([A, N, N, N])) == []
    # a list of links with their dates is not text
    dated = ["正文。" * 20, "1、第一条新闻标题", "2024-05-01", "2、第二条新闻标题", "2024-05-02", "3、第三条", "2024-05-03"]
    assert numbered_lists(dated.__getitem__, np.array([A] + [N] * 6)) == []
    # a skipped number does not end the list
    skipped = [t.replace("3、", "4、") for t in texts]
    labels = np.array([N, A] + [N] * 12)
    assert numbered_lists(skipped.__getitem__, labels) == list(range(3, 12))
    # nor a list far from any article paragraph (a sidebar)
    labels = np.array([N, N] + [N] * 12)
    assert numbered_lists(texts.__getitem__, labels) == []


ENCLOSED = [
    ("年年中秋，我都想写一点关于月亮的文字。", True),          # a sentence
    ("这个中秋，我们先讲故事，之后再去看大月亮", True),         # two commas
    ("[该故事由本文作者概括并翻译]", False),                    # too few Han characters
    ("© 本文版权归作者所有，任何形式转载请联系作者。", False),  # copyright
    ("作者：某某（某某大学文学院，湖南 长沙）", False),        # metadata
    ("图片来源网络 侵删", False),
    ("8. 山水有诗、林间有歌 | 国际森林日，诗意开启！", False),  # a list item with a separator bar
]


@pytest.mark.parametrize("text,expected", ENCLOSED)
def test_enclosed_prose(text, expected):
    A, N = ARTICLE, NAVIGATION
    texts = ["首页", "正文第一段。" * 10, text, "正文第二段。" * 10, text]
    labels = np.array([N, A, N, A, N])
    assert enclosed_prose(texts.__getitem__, labels) == ([2] if expected else [])
    assert labels[4] == N  # after the last article paragraph: never


@pytest.mark.parametrize("menu, official", [
    ("• 双色球 3D 大乐透 七乐彩 时时彩 足彩", True),
    ("雙色球 | 大樂透 | 七星彩 | 開獎", True),
    ("  • 竞彩足球 胜负彩 任选9 更多", True),
    ("• 六合彩 特码 三肖六码 必中", False),        # tip-site jargon: the offering
    ("双色球 大乐透 注册送88元 彩票平台", False),   # an operator's promotion
    ("双色球", False),                              # one name alone is not a menu
])
def test_a_portals_own_lottery_menu_is_navigation(menu, official):
    from classifier.segmenter import NAVIGATION, SPAM, official_lottery_menus

    labels = np.array([SPAM])
    out = official_lottery_menus(lambda i: menu, labels, np.array([len(menu)]))
    assert (out == [0]) == official and labels[0] == (NAVIGATION if official else SPAM)


# --- unsupported_spam: spam with no lexical evidence takes its next label -----------------------

def _rows(rows):
    """(n, 4) probabilities from rows of (article, navigation, ad, spam)."""
    return np.array(rows, dtype=float)


def test_stuffing_like():
    from classifier.segmenter import stuffing_like
    assert stuffing_like("螺丝刀批发_电动螺丝刀_螺丝刀厂家_进口螺丝刀_某某五金公司")
    assert stuffing_like("东山县| 西林县| 南平市| 北川县| 中江县| 上林县")  # a county-name run
    assert not stuffing_like("首页| 产品中心| 新闻动态| 联系我们")  # a menu of distinct names
    assert not stuffing_like("螺丝刀批发_某某五金公司")  # a title and its site
    assert not stuffing_like("电动螺丝刀手动螺丝刀螺丝刀配件")  # no separators: a glued menu


def test_unsupported_spam_takes_the_next_label():
    from classifier.model import SPAM
    from classifier.segmenter import unsupported_spam
    texts = ["价格：从低到高", "新款保温杯 500毫升 不锈钢内胆 送杯套", "螺丝刀批发_电动螺丝刀_螺丝刀厂家_进口螺丝刀",
             "澳门赌场在线开户 送彩金", "首页"]
    labels = np.array([SPAM, SPAM, SPAM, SPAM, NAVIGATION])
    probs = _rows([[0.1, 0.3, 0.0, 0.6], [0.35, 0.05, 0.0, 0.6], [0.0, 0.3, 0.0, 0.7], [0.0, 0.0, 0.0, 1.0],
                    [0.0, 1.0, 0.0, 0.0]])
    hits = [(3, "gambling", "赌场")]  # the lexicon's term in paragraph 3
    out = unsupported_spam(texts.__getitem__, labels, probs, hits)
    assert out == [0, 1]
    assert labels.tolist() == [NAVIGATION, ARTICLE, SPAM, SPAM, NAVIGATION]


def test_unsupported_spam_kept_on_a_page_of_promo_spam():
    from classifier.model import SPAM
    from classifier.segmenter import UNSUPPORTED_PAGE_PROMO, unsupported_spam
    n = UNSUPPORTED_PAGE_PROMO
    texts = ["某某娱乐城 真人荷官"] * n + ["永久免费 在线观看 每日更新", "会员中心"]
    labels = np.array([SPAM] * (n + 2))
    probs = _rows([[0, 0.1, 0, 0.9]] * n + [[0.05, 0.01, 0, 0.94], [0.1, 0.5, 0, 0.4]])
    hits = [(i, "gambling", "娱乐城") for i in range(n)]
    assert unsupported_spam(texts.__getitem__, labels, probs, lambda: hits) == []  # the page's other lines
    assert (labels == SPAM).all()
    texts, probs, hits = texts[1:], probs[1:], hits[:-1]  # one promo line fewer: no longer a page of promo spam
    labels = np.array([SPAM] * (n + 1))
    assert unsupported_spam(texts.__getitem__, labels, probs, hits) == [n - 1, n]
    assert labels.tolist() == [SPAM] * (n - 1) + [ARTICLE, NAVIGATION]  # the promo lines stay spam


def test_unsupported_spam_keeps_seo_terms_and_pinyin():
    from classifier.model import SPAM
    from classifier.segmenter import unsupported_spam
    texts = ["专业百度快排 三天上首页", "博(bo)彩(cai)网址大全"]
    labels = np.array([SPAM, SPAM])
    probs = _rows([[0.3, 0.1, 0, 0.6], [0.3, 0.1, 0, 0.6]])
    assert unsupported_spam(texts.__getitem__, labels, probs, []) == []
    assert (labels == SPAM).all()


def test_unsupported_spam_runs_first():
    """Before the rules that spread spam (brands, terms, sites) from the spam it leaves."""
    from classifier.segmenter import PAGE_RULES
    assert PAGE_RULES[0].name == "unsupported_spam"


def test_a_headline_opening_with_the_bare_site_name_of_a_spam_line_is_spam():
    """Issue: a headline that starts with the injected brand (翠鸟汇:多地出台…) was kept as
    article under every model. The site name alone is a spam line, so its name prefixes spam."""
    from classifier.segmenter import SPAM, propagate_spam

    texts = ["翠鸟汇", "首页 | 新闻 | 社区", "翠鸟汇:多地出台新规 规范电动自行车停放",
             "记者从多地获悉，电动自行车停放新规陆续出台，各地将划定集中停放区域。", "责任编辑：周文"]
    labels = np.array([SPAM, NAVIGATION, ARTICLE, ARTICLE, NAVIGATION])
    assert propagate_spam(texts, labels) == [2] and labels[2] == SPAM and labels[3] == ARTICLE


@pytest.mark.parametrize("head, line, expected", [
    ("临江精工机械有限公司", "销售热线：0571-88886666", AD),
    ("临江精工机械有限公司", "QQ：123456789", AD),
    ("临江精工机械有限公司", "E-mail: sales@example.com", AD),
    ("临江市第一中学", "联系电话：0571-88886666", NAVIGATION),      # an institution's contact line
    ("临江精工机械有限公司", "举报邮箱：report@example.com", NAVIGATION),  # a report address
    ("临江精工机械有限公司", "简历投递邮箱：hr@example.com", NAVIGATION),   # a job posting's address
    ("临江精工机械有限公司", "电话会议将于下周举行", NAVIGATION),          # no number: not a contact line
    ("临江精工机械有限公司", "總機：0571-88886666", AD),
    ("临江精工机械有限公司", "Q Q：123456789", AD),
    ("临江精工机械有限公司", "0571-88886666", AD),                     # a bare number in a contact block
    ("临江精工机械有限公司", "+86 571 8888 6666", AD),
    ("临江精工机械有限公司", "13912345678", AD),
    ("临江精工机械有限公司", "400 820 1234", AD),
    ("临江精工机械有限公司", "sales@example.com", AD),
    ("临江市第一中学", "0571-88886666", NAVIGATION),                  # an institution's
    ("临江精工机械有限公司", "2024-05-12", NAVIGATION),                # a date
    ("临江精工机械有限公司", "20240512", NAVIGATION),                  # a code
    ("临江精工机械有限公司", "1000×1650×3150", NAVIGATION),            # a size cell
    ("临江精工机械有限公司", "服务电话：400-6123-789", AD),              # a number written in groups
    ("临江精工机械有限公司", "手 機： 139-1234-5678", AD),               # a spaced contact word
    ("临江精工机械有限公司", "联系人：13912345678 王先生", AD),           # a sales contact person
    ("临江精工机械有限公司", "聯系方式：0571-8888666", AD),             # the common 聯系 spelling
    ("临江精工机械有限公司", "电话：2024 05 12", NAVIGATION),            # groups too short for a number
])
@pytest.mark.parametrize("compiled", [True, False])
def test_a_companys_contact_line_is_an_ad(head, line, expected, compiled, monkeypatch):
    from classifier import kernels
    from classifier.cleaner import _Texts
    from classifier.segmenter import contact_lines

    if not compiled:  # the candidates from the numpy code
        monkeypatch.setattr(kernels, "compiled", None)
    lines = [head, "首页 | 产品中心 | 联系我们", line]
    text = "\n".join(lines)
    starts = [sum(len(t) + 1 for t in lines[:k]) for k in range(3)]
    texts = _Texts(text, starts, [a + len(t) for a, t in zip(starts, lines)])
    labels = np.array([NAVIGATION, NAVIGATION, NAVIGATION])
    contact_lines(texts, labels, np.array([len(t) for t in lines]))
    assert labels[2] == expected


def test_title_headline_marks_the_headline_and_a_title_made_mostly_of_it():
    import numpy as np

    from classifier.segmenter import ARTICLE, NAVIGATION, SPAM, title_headline

    def run(lines, labels=None):
        labels = np.full(len(lines), NAVIGATION) if labels is None else np.array(labels)
        sizes = np.array([len(t) for t in lines])
        return title_headline(lines.__getitem__, labels, sizes), labels

    headline = "城西区启动老旧小区加装电梯试点工作"
    assert run([headline + "_城西新闻网", "首页", headline, "正文"])[0] == ([0, 2], [])
    # the headline is a small share of a title of a long site path: only the headline, and a
    # title the model called article goes by the rest of it, navigation
    path = "家用泡菜坛子的选购与开坛方法 - 厨房用品 - 生活百科 - 青柠居家网 - 居家生活从这里开始"
    assert run([path, "家用泡菜坛子的选购与开坛方法", "正文"])[0] == ([1], [])
    out, labels = run([path, "家用泡菜坛子的选购与开坛方法", "正文"], [ARTICLE, NAVIGATION, ARTICLE])
    assert out == ([1], [0]) and labels.tolist() == [NAVIGATION, ARTICLE, ARTICLE]
    # a menu item, a site name or a breadcrumb is no headline
    assert run(["产品中心 - 鸿达阀门制造有限公司", "产品中心", "正文"])[0] == ([], [])
    assert run(["首页 > 新闻中心 > 城西区启动老旧小区加装电梯", "首页 > 新闻中心 > 城西区启动老旧小区加装电梯"])[0] == ([], [])
    # Latin script counts words: two words are a menu item, a sentence is a headline
    assert run(["Weekly Devotionals - Lighthouse", "Weekly Devotionals"])[0] == ([], [])
    assert run(["Jetstar Asia opens a pilot cadet school - Aviation Daily", "Jetstar Asia opens a pilot cadet school"])[0] \
        == ([0, 1], [])
    # spam stays spam
    out, labels = run([headline + "_xx体育", headline], [SPAM, NAVIGATION])
    assert out == ([1], []) and labels.tolist() == [SPAM, ARTICLE]


POST = "本公司因业务扩展，现招聘机械设计工程师两名，欢迎有志之士加入我们的团队。"


@pytest.mark.parametrize("lines, expected", [
    # a job post's sections: heading, duties; heading, requirements (one item opens with a number)
    (["岗位职责：", "1、负责设备的结构设计", "2、编制技术文件", "任职要求：", "（1）机械类专业本科",
      "（2）3年以上设计经验"], [1, 2, 3, 4, 5, 6]),
    (["注意事项：", "① 先断电", "② 再拆外壳"], [1, 2, 3]),
    (["一、安装前检查零件；", "二、按图纸顺序装配。"], [1, 2]),            # items alone that end like sentences
    (["1. 公司新闻标题一", "2. 公司新闻标题二", "3. 公司新闻标题三"], []),    # a list of links, no heading
    (["相关阅读：", "1、另一篇文章", "2、第三篇文章"], []),                  # a related-list heading
    (["岗位职责：", "2、编制技术文件", "3、整理图纸"], []),                  # not numbered from 1
    (["联系我们：", "1、"], []),                                              # one item is not a list
])
def test_list_sections_after_the_text_are_article(lines, expected):
    texts = [POST] + lines + ["版权所有 © 临江精工"]
    labels = np.array([ARTICLE] + [NAVIGATION] * (len(lines) + 1))
    sizes = np.array([len(t) for t in texts])
    assert list_sections(texts.__getitem__, labels, sizes) == expected
    assert labels[-1] == NAVIGATION


@pytest.mark.parametrize("model_spam, expected", [
    ([3, 6, 9], [2, 3, 4, 5, 6, 7, 8, 9, 10]),  # three items the model calls spam: the list's goods
    ([3, 6], []),                                 # two odd items in a menu are not a spam list
])
def test_spam_lists_take_the_items_naming_the_same_goods(model_spam, expected):
    texts = ["Trip to the coast, with photos of the harbour and the old lighthouse on the cliff.", "Reply",
             "nike free run", "cheap nike free run", "puma suede classic", "mens puma suede",
             "wholesale puma suede", "nike air zoom", "womens nike air", "discount nike zoom",
             "puma rider", "Archive", "Contact"]
    labels = np.array([ARTICLE] + [NAVIGATION] * (len(texts) - 1))
    probs = np.tile([0.0, 1.0, 0.0, 0.0], (len(texts), 1))
    probs[0] = [1.0, 0.0, 0.0, 0.0]
    probs[model_spam] = [0.0, 0.0, 0.0, 1.0]
    sizes = np.array([len(t) for t in texts])
    assert spam_lists(texts, labels, sizes, probs) == expected
    assert labels[1] == NAVIGATION and labels[11] == NAVIGATION  # chrome shares no word


BODY = "记者从会上获悉，全市今年新建的三十个社区食堂已全部投入运营，日均服务老人超过五千人次。"


@pytest.mark.parametrize("lines, labels, expected", [
    (["-", "社区食堂全部投入运营", "2024/03/05 10:12 来源：临江日报", BODY], "NNNA", [1]),
    (["某某娱乐官网", "?", "社区食堂全部投入运营", "2024-03-05 作者：周文", "临江日报 第12期", BODY], "SNNNNA", [2]),
    (["临江县农业信息网", "2024-03-05 来源：县农业局", BODY], "NNA", []),         # a site's name
    (["社区食堂全部投入运营。", "2024-03-05 来源：临江日报", BODY], "NNA", []),   # a sentence
    (["社区食堂全部投入运营", "首页 > 民生 > 正文", BODY], "NNA", []),           # no dateline below
    (["首页 新闻 民生 体育", "社区食堂全部投入运营", "2024-03-05 来源：临江日报", BODY], "NNNA", []),  # chrome first
])
def test_a_text_opening_with_its_headline_above_a_dateline(lines, labels, expected):
    from classifier.model import SPAM

    codes = {"A": ARTICLE, "N": NAVIGATION, "S": SPAM}
    labels = np.array([codes[c] for c in labels])
    sizes = np.array([len(t) for t in lines])
    assert dateline_headlines(lines.__getitem__, labels, sizes) == expected
