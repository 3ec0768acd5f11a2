"""The hand-written lexicons: they load, hold no duplicates, feed the existing feature
categories, and `spam_kind_hits` finds spam terms by kind without firing on ordinary text.
Every case below is written here (invented sentences and real brand names only)."""
import pytest

from classifier.features import DENSE_NAMES
from classifier.lexicon import (CATEGORIES, LEXICON_CATEGORY, LEXICON_FILES, SPAM_KINDS, KindMatcher, Matcher,
                                builtin_keywords, lexicon_list, spam_kind_hits)
from classifier.normalize import fold

# (text, kind that must be found)
POSITIVES = [
    ("必威体育官网", "betting"),
    ("开云体育·(中国)官方网站", "betting"),
    ("华体会app下载", "betting"),
    ("九游会J9真人游戏第一品牌", "betting"),
    ("亚博全站APP官网|亚博APP网页版", "betting"),
    ("乐鱼体育平台注册", "betting"),
    ("bet365体育在线投注", "betting"),
    ("188BET金宝博", "betting"),
    ("澳门新葡京娱乐城", "betting"),
    ("威尼斯人娱乐官网最新网址", "betting"),
    ("皇冠体育现金网", "betting"),
    ("沙巴体育滚球投注", "betting"),
    ("真人百家乐在线玩", "betting"),
    ("新注册送888，首存返100%", "betting"),
    ("XX体育app下载安装", "betting"),
    ("米乐M6官网", "betting"),
    ("某某体育:网 > 新闻中心 > 正文", "betting"),  # a brand injected in place of the site name
    ("六合彩开奖", "lottery"),
    ("澳門六合彩資料", "lottery"),
    ("今期一肖中特", "lottery"),
    ("本期特码已公开", "lottery"),
    ("三肖六码期期准", "lottery"),
    ("家禽野兽各几肖", "lottery"),
    ("曾道人玄机诗", "lottery"),
    ("白小姐跑狗图", "lottery"),
    ("管家婆一码一肖", "lottery"),
    ("北京賽車PK10计划", "lottery"),
    ("幸运飞艇开奖直播", "lottery"),
    ("重庆时时彩", "lottery"),
    ("江苏快3大发快三", "lottery"),
    ("PC蛋蛋加拿大28预测", "lottery"),
    ("亚洲无码中文字幕", "adult"),
    ("国产自拍偷拍视频", "adult"),
    ("久久精品国产", "adult"),
    ("欧美成人在线", "adult"),
    ("成人视频网站", "adult"),
    ("人妻熟女系列", "adult"),
    ("國產精品無碼一區二區", "adult"),
    ("东京热一本道", "adult"),
    ("男人的天堂", "adult"),
    ("香蕉视频安装下载", "adult"),
    ("午夜福利免费观看", "adult"),
    ("同城约炮", "adult"),
    ("本文关键词：某某体育app", "seo"),
    ("蜘蛛池出租 百度秒收录", "seo"),
    ("泛目录站群程序", "seo"),
]

# ordinary text, including words that hold a spam term's characters across a word seam
NEGATIVES = [
    "今年成人高考报名将于九月开始，考生须在网上确认。",
    "市成人教育中心开设了面向社区居民的计算机课程。",
    "老黄历上说今天宜出行，忌动土。",
    "这本画册用彩色印刷，收录了两百多幅插图。",
    "百色市的芒果今年丰收，销往全国各地。",
    "省彩票中心发布公告：本期双色球开奖结果已公布，一等奖空缺。",
    "体育新闻：国家队昨晚在主场二比零取胜。",
    "亚洲杯小组赛首轮，中国队将迎战卡塔尔队。",
    "整场比赛高潮迭起，观众掌声不断。",
    "新学期学校统一订购了校服，学生制服分夏装和冬装两款。",
    "出行前请在手机上出示一码通，扫码后进入。",
    "请根据衣服的大小选择合适的尺码。",
    "这家企业的出口交易额连续三年增长。",
    "中西文化在这座城市里水乳交融。",
    "她声音温柔，是一位成熟女性。",
    "这首诗带着强烈的感情色彩。",
    "其中特别值得一提的是当地的民俗活动。",
    "要加快三农领域的改革步伐。",
    "第一学期期中考试定于下周三举行。",
    "这位选手的技术水平特别高。",
    "扫描二维码报名参加志愿服务。",
    "部队番号在战后多次调整。",
    "邮轮将驶往加勒比海。",
    "五月天演唱会门票今天开售。",
    "开云集团旗下品牌公布了季度业绩。",
    "这种做法势必威胁到周边生态。",
    "入住豪华体会到的是不一样的服务。",
    "本市实行机动车单双号限行。",
    "用微信网页版登录后即可传文件。",
    "我们坚持质量至上、信誉第一。",
    "新建的室内射击馆对市民开放。",
    "这个港口只有码头和仓库。",
    "下载这款视频APP，高清不卡顿。",
    "新用户注册送7天免费会员。",
    "请从学生登录入口进入选课系统。",
    "省政府网站群统一改版上线。",
    "他做事干净利落，不留痕迹。",
    "公司财务使用管家婆软件记账。",
    "香港马会今年捐出善款数十亿元。",
    "查看今日生肖运势。",
    "这道题看似简单，其实暗藏玄机。",
    "四不像是一种珍稀的鹿科动物。",
    "精准扶贫工作取得了显著成效。",
    "本文件为内部资料，请妥善保管。",
    "高考复习资料大全免费下载。",
    "他把书桌收拾好，又在门口交代了几句。",
    "街道办在这一区二区的小区都设了核酸检测点。",
    "两支球队上演了一场龙虎斗。",
    "股市不是赌场，投资要理性。",
    "开奖结果以中国福利彩票发行管理中心公布的为准。",
]


@pytest.mark.parametrize("text,kind", POSITIVES)
def test_spam_terms_are_found_by_kind(text, kind):
    assert kind in spam_kind_hits(text), (text, spam_kind_hits(text))


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_text_holds_no_spam_terms(text):
    assert spam_kind_hits(text) == {}


def test_hits_are_the_terms_as_written_leftmost_longest():
    hits = spam_kind_hits("澳門新葡京 六合彩特碼 國產自拍")
    assert hits == {"betting": ["澳門新葡京"], "lottery": ["六合彩", "特碼"], "adult": ["國產自拍"]}
    spans = KindMatcher({"x": ["新葡京", "澳门新葡京"]}).spans("去澳门新葡京")
    assert spans == [(1, 6, "x", "澳门新葡京")]


def test_context_words_count_as_features_but_name_no_kind():
    assert ("在线观看", "adult") in set(builtin_keywords())
    assert ("登录入口", "gambling") in set(builtin_keywords())
    assert spam_kind_hits("高清在线观看，学生登录入口") == {}
    assert not set(SPAM_KINDS) & {n for n in LEXICON_FILES if n.endswith("_context")}


def test_lists_load_without_duplicates():
    for name in LEXICON_FILES:
        words = lexicon_list(name)
        assert words, name
        folded = [fold(w) for w in words]
        assert all(f.strip() for f in folded), name
        dups = sorted({f for f in folded if folded.count(f) > 1})
        assert not dups, (name, dups)
    owner: dict[str, str] = {}
    for kind in SPAM_KINDS:  # a term belongs to one kind only
        for f in map(fold, lexicon_list(kind)):
            assert owner.setdefault(f, kind) == kind, (f, owner[f], kind)
    assert sum(len(lexicon_list(k)) for k in SPAM_KINDS) >= 600


def test_lists_feed_the_existing_feature_categories():
    assert set(SPAM_KINDS) <= set(LEXICON_FILES)
    assert set(LEXICON_CATEGORY.values()) <= set(CATEGORIES)
    pairs = set(builtin_keywords())
    assert ("六合彩", "gambling") in pairs and ("必威体育", "gambling") in pairs
    assert ("东京热", "adult") in pairs and ("本文关键词", "spam") in pairs
    matcher = Matcher.build(builtin_keywords())
    assert matcher.categories[:len(CATEGORIES)] == CATEGORIES
    for cat in ("gambling", "adult", "spam"):
        assert f"kw_{cat}_log" in DENSE_NAMES and f"kw_{cat}_density" in DENSE_NAMES


@pytest.mark.parametrize("alphabet_size", [6, 300, 20000])  # codes of 1, 2 and 4 bytes per character
def test_forced_terms_finder_matches_the_automaton_over_the_text(alphabet_size):
    """`model._TermFinder` runs over a byte code of the folded text; it must report exactly
    the standard, non-overlapping matches of the automaton over the folded text itself,
    overlapping terms, unfolded forms and characters past the fold table included."""
    import random

    import ahocorasick_rs
    import numpy as np

    from classifier.model import _TermFinder
    from classifier.normalize import codes_of

    rnd = random.Random(alphabet_size)
    alpha = [chr(0x4E00 + i) for i in range(alphabet_size)] + list("Ab0９ 　") + ["\U00030001"]
    common = alpha[:5] + alpha[-8:]
    words = sorted({fold("".join(rnd.choice(common if rnd.random() < 0.7 else alpha) for _ in range(rnd.randint(1, 5))))
                    for _ in range(300)} - {""} | {fold(a + b) for a, b in zip(alpha, alpha[1:])})
    finder = _TermFinder(words)
    assert finder.width == {6: 1, 300: 2, 20000: 4}[alphabet_size]
    plain = ahocorasick_rs.AhoCorasick(words, implementation=ahocorasick_rs.Implementation.DFA)
    for _ in range(20):
        text = "".join(rnd.choice(common + ["\n", "x", "Ｂ", "龜"]) for _ in range(2000))
        for w in rnd.sample(words, 20):
            at = rnd.randint(0, len(text))
            text = text[:at] + w + text[at:]
        found = [tuple(m) for m in finder.find(codes_of(text)).tolist()]
        assert found and found == [tuple(m) for m in plain.find_matches_as_indexes(fold(text))]
