"""classifier/repair.py: data-driven cases plus properties that hold for any text.

Cases live in tests/cases/repair_cases.jsonl, one JSON object a line:
  kind      "pinyin" | "mojibake" | "glued"
  input     the text given to the function
  expect    pinyin: strip_pinyin's text; mojibake: fix_mojibake's text;
            glued: the pieces of the line cut at glued_boundaries (each stripped)
  status    mojibake only: fix_mojibake's action ("repaired" / "flagged" / "ok")
  detect    mojibake only: the mojibake_status values accepted
  known_failure  true: the case documents a limit; it must still fail (strict xfail), so
            a change that fixes it is noticed and the flag is removed
  note      why the case is there
"""
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier import repair
from classifier.repair import (FLAGGED, OK, PINYIN_RE, REPAIRED, REPLACEMENT, UTF8_AS_GBK, fix_mojibake,
                               glued_boundaries, mojibake_report, mojibake_status, split_glued, strip_pinyin)

CASES_FILE = Path(__file__).parent / "cases" / "repair_cases.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def _param(i, case):
    marks = [pytest.mark.xfail(strict=True, reason=case["note"])] if case["known_failure"] else []
    return pytest.param(case, id=f"{i:03d}-{case['kind']}", marks=marks)


def check(case):
    kind, text = case["kind"], case["input"]
    if kind == "pinyin":
        out, n = strip_pinyin(text)
        assert out == case["expect"]
        assert (n == 0) == (out == text)
    elif kind == "mojibake":
        assert mojibake_status(text) in case["detect"], mojibake_report(text)
        assert fix_mojibake(text) == (case["expect"], case["status"])
    elif kind == "glued":
        cuts = glued_boundaries(text)
        assert cuts == sorted(set(cuts)) and all(0 < c < len(text) for c in cuts)
        assert split_glued(text) == case["expect"]
    else:
        raise AssertionError(f"unknown kind {kind!r}")


@pytest.mark.parametrize("case", [_param(i, c) for i, c in enumerate(CASES)])
def test_case(case):
    check(case)


def test_cases_file_has_enough_of_each_kind():
    kinds = [c["kind"] for c in CASES]
    assert kinds.count("pinyin") >= 40 and kinds.count("mojibake") >= 30 and kinds.count("glued") >= 15
    pinyin = [c for c in CASES if c["kind"] == "pinyin"]
    assert any(c["input"] != c["expect"] for c in pinyin) and any(c["input"] == c["expect"] for c in pinyin)
    assert {c["status"] for c in CASES if c["kind"] == "mojibake"} == {REPAIRED, FLAGGED, OK}


# --- mojibake made here from sentences written for this test --------------------------------

SENTENCES = ["数字政府建设再提速", "人工智能", "这家书店周末营业到晚上十点", "他们明天早上出发去上海",
             "這座橋已經有一百年的歷史", "请把窗户关上，外面风很大。", "价格上涨了百分之五",
             "会议决定成立一个新的工作小组", "孩子们在操场上踢足球", "我们下周再讨论这个问题"]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_misdecoded_sentence_is_detected_and_repaired_exactly(sentence):
    for tail in ("", " ", "a", "1", "。"):  # the tail shifts the byte pairing
        original = sentence + tail
        try:
            bad = original.encode("utf-8").decode("gb18030")
        except UnicodeDecodeError:
            bad = original.encode("utf-8").decode("gb18030", errors="replace")
            assert mojibake_status(bad) in (UTF8_AS_GBK, REPLACEMENT)
            assert fix_mojibake(bad) == (bad, FLAGGED)
            continue
        assert mojibake_status(bad) == UTF8_AS_GBK
        assert fix_mojibake(bad) == (original, REPAIRED)
        assert mojibake_status(original) == OK and fix_mojibake(original) == (original, OK)


def test_mojibake_report_explains_as_data():
    report = mojibake_report("人工智能".encode("utf-8").decode("gb18030"))
    assert report["status"] == UTF8_AS_GBK and report["rare"] >= 2 and report["utf8_coverage"] == 1.0
    assert mojibake_report("普通的句子")["status"] == OK


# --- properties ------------------------------------------------------------------------------

COMMON_TEXT = st.text(alphabet=st.sampled_from(list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严，。！？：；“”（）《》、 0123456789abcXYZ\n")))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_strip_pinyin_only_removes_annotations(text):
    out, n = strip_pinyin(text)
    if not any(ch in text for ch in "(（") or n == 0:
        assert out == text
    assert len(PINYIN_RE.findall(text)) == n
    assert strip_pinyin(out)[0] == out or PINYIN_RE.search(out)  # removing one may expose another


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fix_mojibake_changes_text_only_by_an_exact_round_trip(text):
    out, action = fix_mojibake(text)
    assert action in (OK, REPAIRED, FLAGGED)
    if action == OK:
        assert out == text
    if out != text:
        assert action in (REPAIRED, FLAGGED)
        for old, new in zip(text.split("\n"), out.split("\n")):
            assert old == new or new.encode("utf-8") == old.encode("gb18030")


@settings(max_examples=300, deadline=None)
@given(COMMON_TEXT)
def test_normal_chinese_is_never_changed(text):
    assert strip_pinyin(text) == (text, 0)
    assert mojibake_status(text) == OK
    assert fix_mojibake(text) == (text, OK)
    assert "".join(split_glued(text)) == "".join(text.split()) or glued_boundaries(text) == []


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_glued_boundaries_are_inside_the_line(text):
    cuts = glued_boundaries(text)
    assert cuts == sorted(set(cuts)) and all(0 < c < len(text) for c in cuts)


def test_one_megabyte_without_annotations_is_returned_unchanged():
    paragraph = "数字政府建设再提速（记者 王小明）2021年(第十五届)论坛在北京举行。Zverev（Alexander Zverev）\n"
    text = paragraph * (1_000_000 // len(paragraph.encode("utf-8")) + 1)
    assert len(text.encode("utf-8")) >= 1_000_000
    assert strip_pinyin(text) == (text, 0)
    assert mojibake_status(text) == OK
    assert fix_mojibake(text) == (text, OK)
    assert all(glued_boundaries(line) == [] for line in text.splitlines())


# --- garbled runs: a few characters' UTF-8 read as GBK inside a readable line, bytes lost ------

GARBLED_LINES = [
    "国有企业是数字政府建设的重要参与者。“数字政府建设是一项长期性工程。”中国移动董事长表示。",
    "專家們普遍認為，各地的探索積累了寶貴經驗。“數字政府建設是一項系統工程。”他說。",
]


def mangle(line: str, a: int, z: int) -> str:
    """line with line[a:z] encoded as UTF-8 and read back as GBK, lost bytes as '?'."""
    return line[:a] + line[a:z].encode("utf-8").decode("gbk", "replace").replace("\ufffd", "?") + line[z:]


def test_garbled_run_is_re_decoded_exactly():
    line = GARBLED_LINES[0]
    a = line.index("。") + 1
    bad = mangle(line, a, a + 8)  # 24 bytes: nothing lost
    assert bad != line and repair.fix_garbled_runs(bad) == (line, 1, 0)


@pytest.mark.parametrize("line", GARBLED_LINES)
def test_garbled_run_with_lost_bytes_is_removed_and_the_rest_kept(line):
    a = line.index("。") + 1
    z = a + 7
    bad = mangle(line, a, z)
    assert "?" in bad  # an odd number of bytes: the last one lost
    fixed, redecoded, removed = repair.fix_garbled_runs(bad)
    assert removed > 0 and line[:a] in fixed and line[z:] in fixed


@pytest.mark.parametrize("text", ["路经滟滪双蓬鬓，天入沧浪一钓舟。", "从二〇二〇年到二〇三五年基本实现现代化。",
                                  "佢喺度食緊嘢，嘅確好開心。", "王喆和李堃都是好朋友。", "plain ascii text?!"])
def test_real_text_has_no_garbled_run(text):
    assert repair.garbled_runs(text) == [] and repair.fix_garbled_runs(text) == (text, 0, 0)


def test_cleaner_removes_a_garbled_run_and_keeps_the_paragraph(cleaner):
    line = GARBLED_LINES[0]
    a = line.index("。") + 1
    page = cleaner.clean("临江新闻网\n" + mangle(line, a, a + 7) + "\n责任编辑：周文")
    p = page.paragraphs[1]
    assert "garbled" in p.reason and line[:a] in p.text and line[a + 7:] in p.text
    assert not any(0xE000 <= ord(c) < 0xF900 for c in page.text)


def test_seed_articles_keep_no_garbled_text(shared, cleaner):
    """Seed 002 holds a quote whose bytes were lost mid-line: its paragraph is kept, the garbage
    is not (no private-use character, no run of rare characters left in the article)."""
    for page in shared.seed_pages():
        text = cleaner.clean(page["text"]).text
        assert not any(0xE000 <= ord(c) < 0xF900 for c in text), page["id"]
        assert repair.garbled_runs(text) == [], page["id"]


@pytest.mark.parametrize("leads, trails, codec", [
    (range(0x81, 0xFF), repair._TRAILS, "gbk"),
    (range(0xA1, 0xAA), range(0xA1, 0xFF), "gb2312"),
    (range(0xB0, 0xF8), range(0xA1, 0xFF), "gb2312"),
    (range(0xA1, 0xFA), repair._TRAILS, "big5"),
    (range(0xA1, 0xA4), repair._TRAILS, "cp950"),
    ([0xF9], range(0xD6, 0xDD), "cp950"),
    (range(0x80, 0x100), range(0x00, 0x100), "shift_jis"),  # mostly invalid codes, ASCII trails
    (range(0xC0, 0x100), range(0x00, 0x100), "utf-8"),
    ([], range(0x40, 0x80), "gbk"),
])
def test_decode_pairs_in_one_call_is_each_code_decoded_alone(leads, trails, codec):
    assert repair._decode_pairs(leads, trails, codec) == repair._decode_pairs_one_by_one(leads, trails, codec)
