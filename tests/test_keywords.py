"""Keyword mining: the words of a paragraph are those of jieba's cut of its whole text."""
import jieba

from classifier.keywords import _WORD_RE, _words
from classifier.normalize import fold

TEXTS = [
    "汇盈体育:网 > 新闻中心 > 本地新闻 > 正文",
    "  • 汇盈体育:春季赏花路线推荐 汇盈体育:注册送88元",
    "市住建局相关负责人介绍，加装电梯最难的一步往往是同一单元居民意见的统一。",
    "版权所有 © 临江日报社　未经授权禁止转载 浙ICP备20240318号-2 www.example.com",
    "國產精品無碼一區二區| 免费人妻无码| 伊宁县| 永和县|",
    "數(shù)字政府建設(shè) abc123def C++ 与 .NET、50% 的_下划线-连字符#标签&符号",
    "\r\n\t 　 ",
    "",
]


def test_words_are_those_of_the_whole_text_cut():
    expected = [{w for w in jieba.cut(fold(t.strip()), HMM=False) if _WORD_RE.fullmatch(w)} for t in TEXTS]
    assert _words(TEXTS) == expected
    assert _words(TEXTS[1:2] * 3) == expected[1:2] * 3  # a run cut once serves every text holding it


def _brands(rows, exclude=()):
    from classifier.keywords import mine_brands

    return [b for b, _ in mine_brands([t for t, _ in rows], [lab for _, lab in rows], exclude)]


BIRDS = [("湿地公园迎来翠鸟安家", "article"), ("图为一只翠鸟站在湖边的枯枝上。", "article")]


def test_a_brand_is_the_maximal_distinctive_string_of_spam_paragraphs():
    spam = [("翠鸟汇", "spam"), ("翠鸟汇:网 > 旅游 > 正文", "spam"), ("  • 翠鸟汇:周末狂欢 注册即送好礼", "spam"),
            ("首页", "navigation"), ("版权所有 © 本站", "navigation")]
    assert _brands(spam) == ["翠鸟汇"]  # not 翠鸟 (a common word) nor 鸟汇 (inside it, as often)
    assert _brands(spam[:2]) == []  # two paragraphs are not enough
    # traditional script and full-width letters fold: the same brand
    assert _brands(spam[:2] + [("翠鳥匯｜註冊送禮", "spam")]) == ["翠鸟汇"]
    # a string found in a non-spam paragraph is no brand
    assert _brands(spam + [("本站与翠鸟汇达成合作", "article")]) == []
    assert _brands(spam, exclude=["翠鸟汇"]) == []  # already in a shipped lexicon


def test_common_words_places_and_chapters_are_no_brands():
    tails = iter(["秋季活动", "会员专享", "每日签到", "周末狂欢", "新人有礼", "限时优惠", "好礼相送", "火热进行", "精彩不停"])
    rows = [(f"{w}:{next(tails)}", "spam") for w in ("翠鸟", "伊宁县", "第12章") for _ in range(3)]
    assert _brands(rows) == []


def test_dictionary_words_and_sections_are_no_brands():
    """Spam pages name their sections too (合作伙伴, 开奖记录, 高手论坛): words and phrases of
    common words are not brands unless named like an operator (盛世娱乐)."""
    from classifier.keywords import mine_brands

    names = ["合作伙伴", "开奖记录", "高手论坛", "盛世娱乐"]
    texts, labels = [], []
    for name in names:
        texts += [name, f"{name}:网 > 新闻 > 正文", f"{name} 注册送彩金 首存优惠"]
        labels += ["spam"] * 3
    texts += ["临江市今年新建口袋公园二十个。"]
    labels += ["article"]
    assert [b for b, _ in mine_brands(texts, labels)] == ["盛世娱乐"]
