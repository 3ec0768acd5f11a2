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
