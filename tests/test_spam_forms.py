"""Forms of real-web spam, page by page: tests/cases/spam_forms.jsonl, one page a line, written
for these tests. Fields: `name`, `lines` (the page's paragraphs), `spam` (the indexes that must be
spam, exactly), optional `kind` (index -> promo/seo), `verdict_kind` (the page verdict's kind),
`verdict_form` (site, injected or seo), `flagged` (whether the page verdict flags it),
`known_failure` (xfail with this reason)."""
import json
from pathlib import Path

import pytest

CASES = [json.loads(line) for line in (Path(__file__).parent / "cases" / "spam_forms.jsonl")
         .read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_spam_form_cases(cleaner, case):
    if case.get("known_failure"):
        pytest.xfail(case["known_failure"])
    page = cleaner.clean("\n".join(case["lines"]))
    paras = page.paragraphs
    assert [p.text for p in paras] == case["lines"]
    spam = [i for i, p in enumerate(paras) if p.label == "spam"]
    assert spam == case["spam"], [(i, paras[i].label, paras[i].reason) for i in set(spam) ^ set(case["spam"])]
    for i, kind in case.get("kind", {}).items():
        assert paras[int(i)].kind == kind, paras[int(i)].reason
    if "verdict_kind" in case:
        assert page.verdict.kind == case["verdict_kind"], page.verdict
    if "verdict_form" in case:
        assert page.verdict.form == case["verdict_form"], page.verdict
    if "flagged" in case:
        assert page.verdict.is_spam == case["flagged"], page.verdict


def test_cases_cover_each_mechanism():
    names = " ".join(c["name"] for c in CASES)
    assert "operator" in names and "keyword" in names
    assert sum(1 for c in CASES if not c["spam"]) >= 3  # hard negatives


def test_operator_names():
    from classifier.lexicon import operator_names
    assert operator_names("来源：koko体育app下载") == ["koko体育"]
    assert operator_names("版權所有 mx真人 ky棋牌") == ["mx真人", "ky棋牌"]
    assert operator_names("CCTV体育 转播 NBA体育") == []  # sports media
    assert operator_names("体育新闻 足球 篮球") == []       # no Latin name
    assert operator_names("ABCkoko体育") == ["ABCkoko体育"]  # the whole Latin run is the name
    assert operator_names("乐动体育网页版登录(中国)有限公司") == ["乐动体育"]  # Chinese name + the doorway's search words
    assert operator_names("腾讯体育登录 中国体育彩票网址") == []  # media and the state lottery
    assert operator_names("开云体育官网 乐动体育app") == []  # without the search words: a sports app's ad can read so


def test_sure_keyword_lists():
    from classifier.segmenter import stuffing_like
    assert stuffing_like("液压接头_不锈钢接头_气动接头_卡套接头_接头厂家", sure=True)
    assert stuffing_like("南宁搬家公司|柳州搬家公司|桂林搬家公司|梧州搬家公司|北海搬家公司", sure=True)
    assert not stuffing_like("关于我们 | 免责声明 | 隐私声明 | 版权声明 | 网站动态", sure=True)  # 3 of 5 share
    assert not stuffing_like("许可证123 | 许可证B2-2020 | 许可证2021号 | 许可证 88", sure=True)  # numbers
    assert not stuffing_like("螺丝刀批发_电动螺丝刀_螺丝刀厂家", sure=True)  # loosely stuffed: 3 items
    assert stuffing_like("螺丝刀批发_电动螺丝刀_螺丝刀厂家")
    # a menu of one subject is not sure, unless it sells; a region selector never is
    assert not stuffing_like("目的地：青岚 | 青岚酒店 | 青岚美食 | 青岚交通 | 青岚景点", sure=True)
    assert stuffing_like("扶正器厂家_扶正器价格_扶正器批发_扶正器型号", sure=True)
    assert not stuffing_like("临江区 | 云城区 | 青石县 | 安河县 | 松林县 | 白水县", sure=True)
    assert stuffing_like("临江区 | 云城区 | 青石县 | 安河县 | 松林县 | 白水县")  # loose: evidence still


def test_operator_names_equal_the_patterns_run_over_the_whole_text():
    """`operator_names` looks only where a betting word stands; it must find exactly what the
    two patterns find run over the whole text (random strings of the characters that matter)."""
    import random

    from classifier import lexicon as lx

    def by_patterns(text):
        names = [(m.start(), m.group(0)) for m in lx._OPERATOR_RE.finditer(text)
                 if m.group(1).lower() not in lx._MEDIA_NAMES]
        names += [(m.start(), m.group(1) + m.group(2)) for m in lx._OPERATOR_HAN_RE.finditer(text)
                  if not any(m.group(1).endswith(w) for w in lx._MEDIA_HAN)]
        return [n for _, n in sorted(names)]
    alphabet = list("abkoKO1Z9体育體真人棋牌电竞電娱乐娛樂官网官網方app网页版入口登录錄陆乐动开云腾讯中国 ，_")
    rng = random.Random(7)
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert lx.operator_names(text) == by_patterns(text), text


def test_operator_lines_scan_only_the_paragraphs_that_may_hold_a_betting_word():
    """`operator_lines` given `page_candidates`' betting mask scans only those paragraphs (each
    from the character before it): the same names and lines as a scan of the whole page, with
    the kernel's mask and the numpy one (random pages of the characters that matter, glued
    footer markers among them, which split a line without a line end)."""
    import random

    import numpy as np

    from classifier import Cleaner, kernels
    from classifier.cleaner import _Texts
    from classifier.segmenter import NAVIGATION, operator_lines, page_candidates

    cleaner = Cleaner.load()
    alphabet = list("体育體真人棋牌电竞娱乐娛樂网页版入口登录注册官方乐动开云中国 \n") + ["koko", "ky", "app", "- 上一篇：", "责任编辑："]
    rng = random.Random(11)
    found = 0
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        p = cleaner._prepare(text)
        if p is None:
            continue
        texts = _Texts(p.text, p.starts.tolist(), p.ends.tolist())
        sizes = p.ends - p.starts
        whole = operator_lines(texts, np.full(len(texts), NAVIGATION), sizes)
        found += bool(whole[1])
        saved = kernels.compiled
        for compiled in (saved, None):
            kernels.compiled = compiled
            try:
                betting = page_candidates(p.codes, p.starts, p.ends).betting
            finally:
                kernels.compiled = saved
            assert operator_lines(texts, np.full(len(texts), NAVIGATION), sizes, betting) == whole, text
    assert found >= 10  # pages with a name (15 with this seed)


def test_keyword_variant_reason_names_the_phrase_and_its_search_words(cleaner):
    page = cleaner.clean("\n".join(["方形不锈钢水箱价格", "方形不锈钢水箱多少钱", "方形不锈钢水箱厂家", "关于我们"]))
    assert "方形不锈钢水箱 + 价格, 厂家, 多少钱" in page.paragraphs[0].reason
