"""Reading input: encoding detection (strict, then with a few bad bytes replaced) and refusing
JSONL or HTML given as page text. Cases are data; the sentences are written here."""
import json
import random
import re

import pytest
from conftest import one_line_error, run_cli

from classifier import InputError
from classifier import textio

# (id, text) pages written for these tests: simplified and traditional, with 裏/恒/着/么.
SIMPLIFIED = [
    ("park", "　　临江市新建的滨江公园今天正式开放，市民可以沿着绿道散步、骑行。\n"
             "　　公园管理处介绍，园内设有儿童游乐区和健身步道，开放时间为每天六点至二十二点。\n"
             "　　不少居民说，这里的环境比以前好多了，周末一定会带着家人来走走。\n"),
    ("school", "学校食堂为什么这么受欢迎？记者走访了几所中学。\n"
               "校长说，学生们吃得好、吃得饱，家长也放心，这件事要持之以恒地做下去。\n"
               "责任编辑：王明  2024-05-06 10:30\n"),
    ("mixed", "第3季度营收同比增长12.5%，达到8.6亿元（约1.2亿美元）。\n"
              "公司表示，AI业务仍是重点——明年将继续加大投入。\n"),
]
TRADITIONAL = [
    ("park_t", "　　臨江市新建的濱江公園今天正式開放，市民可以沿著綠道散步、騎行。\n"
               "　　公園管理處介紹，園裏設有兒童遊樂區和健身步道，開放時間為每天六點至二十二點。\n"
               "　　不少居民說，這裏的環境比以前好多了，週末一定會帶家人來走走，持之以恒。\n"),
    ("temple", "這座廟裏供奉的神像已有三百多年歷史，香火一直很旺。\n"
               "廟方表示，修繕工程需要持之以恒，預計明年完工，屆時歡迎大家再來參觀。\n"
               "為什麼這麼多人來？住在附近的老人說，心裏踏實。\n"),
]
# Python's plain big5 codec lacks 裏 and 恒 (cp950 has them) and 着 (Big5-HKSCS has it).
HKSCS = [("hkscs", "今日天氣很好，我們沿着海邊散步，談談這一年的生活與工作，大家都很開心。\n"
                   "晚上在餐廳吃飯，點了好幾道菜，服務員說這裏的魚最新鮮。\n")]

CASES = ([(pid, text, enc, "gb") for pid, text in SIMPLIFIED for enc in ("gbk", "gb18030")]
         + [(pid, text, "gb18030", "gb") for pid, text in TRADITIONAL]  # traditional in GBK exists too
         + [(pid, text, "cp950", "big5") for pid, text in TRADITIONAL]
         + [(pid, text, "big5hkscs", "big5") for pid, text in HKSCS]
         + [(pid, text, enc, "utf-8") for pid, text in SIMPLIFIED + TRADITIONAL for enc in ("utf-8", "utf-8-sig")]
         + [(pid, text, enc, "utf-16") for pid, text in SIMPLIFIED + TRADITIONAL
            for enc in ("utf-16", "utf-16-le", "utf-16-be")])


def decoded(data: bytes):
    """(text, family, replaced) through the richer API when present, else through decode()."""
    if hasattr(textio, "decode_bytes"):
        d = textio.decode_bytes(data, "page")
        return d.text, textio.encoding_family(d.encoding), d.replaced
    text, enc = textio.decode(data, "page")
    return text, enc, None


def damage(data: bytes, positions: list[int], byte: int = 0xFF) -> bytes:
    out = bytearray(data)
    for p in positions:
        out[p] = byte
    return bytes(out)


@pytest.mark.parametrize("pid,text,encoding,family", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_clean_bytes_decode_exactly(pid, text, encoding, family):
    got, fam, replaced = decoded(text.encode(encoding))
    assert (got, fam, replaced) == (text, family, 0)


@pytest.mark.parametrize("pid,text", TRADITIONAL, ids=[p for p, _ in TRADITIONAL])
def test_big5_page_with_cp950_characters_is_not_read_as_gbk(pid, text):
    """The reported bug: one character outside plain Big5 made the page fail as Big5 and read as
    GB18030 mojibake."""
    assert "裏" in text and "恒" in text
    got, enc = textio.decode(text.encode("cp950"))
    assert got == text and enc in ("cp950", "big5hkscs")


@pytest.mark.parametrize("pid,text,encoding,family",
                         [(p, t, "gbk", "gb") for p, t in SIMPLIFIED[:2]]
                         + [(p, t, "cp950", "big5") for p, t in TRADITIONAL]
                         + [(p, t, "utf-8", "utf-8") for p, t in SIMPLIFIED[:2] + TRADITIONAL],
                         ids=lambda v: v if isinstance(v, str) and len(v) < 12 else "")
def test_a_few_bad_bytes_are_replaced_and_counted(pid, text, encoding, family):
    data = (text * 3).encode(encoding)
    bad = damage(data, [len(data) // 3, len(data) // 2 + 1, 2 * len(data) // 3])
    got, fam, replaced = decoded(bad)
    assert fam == family
    assert 3 <= replaced <= 12
    assert got.count("\ufffd") >= 1
    # everything but a few characters around each bad byte is intact
    lines = (text * 3).splitlines()
    assert sum(line in got for line in lines) >= len(lines) - 3


def test_bad_bytes_in_a_short_gbk_page_still_decode():
    data = damage(SIMPLIFIED[0][1].encode("gbk"), [60])
    got, fam, replaced = decoded(data)
    assert fam == "gb" and replaced in (1, 2) and got.endswith("周末一定会带着家人来走走。\n")


@pytest.mark.parametrize("encoding,family", [("utf-8", "utf-8"), ("gbk", "gb"), ("cp950", "big5")])
def test_bad_bytes_allowed_scale_with_the_non_ascii_bytes(encoding, family):
    """A long Chinese page (few ASCII bytes) with 15 bad bytes, up to 45 broken sequences in
    UTF-8, is still read, with every bad byte counted."""
    text = (TRADITIONAL[1][1] if family == "big5" else SIMPLIFIED[1][1]) * 30
    data = text.encode(encoding)
    got, fam, replaced = decoded(damage(data, list(range(100, len(data) - 100, (len(data) - 200) // 15))[:15]))
    assert fam == family and replaced >= 15


def test_implausible_reading_is_refused_but_a_short_one_is_kept():
    shift_jis = ("日本語のテキストです。ひらがなとカタカナが多いです。\n" * 5).encode("shift_jis")
    with pytest.raises(InputError, match="cannot detect the text encoding"):
        textio.decode(shift_jis, "ja.txt")
    assert textio.decode("堃喆犇".encode("gbk")) == ("堃喆犇", "gb18030")  # rare names, too short to judge


def test_hkscs_page_prefers_hkscs_over_cp950_replacements():
    pid, text = HKSCS[0]
    d = textio.decode_bytes(text.encode("big5hkscs"))
    assert (d.text, d.encoding, d.replaced) == (text, "big5hkscs", 0)


def test_plain_big5_page_is_cp950():
    text = "數字政府建設再提速，國務院發布指導意見。\n"
    assert textio.decode(text.encode("big5")) == (text, "cp950")


@pytest.mark.parametrize("data,word", [
    (bytes(range(256)) * 64, "binary"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100, "binary"),
    (random.Random(3).randbytes(20_000).translate(bytes(range(128, 256)) * 2), "encoding"),  # 0x80-0xFF
    (random.Random(4).randbytes(20_000).replace(b"\x00", b"\x01"), "binary"),  # no NUL bytes
], ids=["all-bytes", "png", "random-high", "random-no-nul"])
def test_binary_and_random_bytes_are_refused(data, word):
    with pytest.raises(InputError, match=word):
        textio.decode(data, "blob")


def test_nul_bytes_in_utf8_are_dropped():
    text, enc = textio.decode("正文\x00第一段。\n第二段。".encode("utf-8"))
    assert (text, enc) == ("正文第一段。\n第二段。", "utf-8")


def test_utf16_without_bom_and_hanzi_with_zero_low_byte():
    text = "一二三，一心一意。\n" * 3 + "第1页\n"  # 一 is U+4E00: a NUL on the other parity
    for enc in ("utf-16-le", "utf-16-be"):
        assert textio.decode(text.encode(enc)) == (text, enc)


def test_decoded_warning_line():
    d = textio.Decoded("x", "gb18030", 3)
    assert d.warning("a.txt") == "a.txt: 3 undecodable bytes replaced (gb18030)"
    assert textio.Decoded("x", "utf-8").warning("a.txt") is None


def test_decode_is_backward_compatible():
    text, enc = textio.decode("简体中文页面。".encode("gbk"), "x.txt")
    assert (text, enc) == ("简体中文页面。", "gb18030")
    assert textio.decode(b"") == ("", "utf-8")


# ---------------------------------------------------------------------------------------------
# Kind of input
# ---------------------------------------------------------------------------------------------

PAGE = SIMPLIFIED[0][1]
HTML_DOC = ("<!DOCTYPE html>\n<html lang=\"zh\">\n<head><meta charset=\"utf-8\"><title>滨江公园开放</title>\n"
            "<style>body{font-size:14px}</style><script>var a=1;</script></head>\n<body><div class=\"nav\">"
            "<a href=\"/\">首页</a></div><div class=\"content\"><p>临江市新建的滨江公园今天正式开放。</p></div>"
            "</body></html>\n")
KIND_CASES = [
    ("doctype", HTML_DOC, "html"),
    ("html-tag", "\n  <html><body><p>正文</p></body></html>", "html"),
    ("head-first", "<head><meta charset=\"utf-8\"><title>标题</title></head><body>正文</body>", "html"),
    ("bom-comment", "\ufeff<!-- saved page -->\n<!doctype html><p>正文</p>", "html"),
    ("fragment", "".join(f"<div class=\"item\"><a href=\"/n/{i}.html\">新闻标题{i}</a><span>05-0{i}</span></div>\n"
                         for i in range(1, 9)), "html"),
    ("jsonl", "".join(f'{{"id": {i}, "text": "第{i}页的正文。"}}\n' for i in range(5)), "jsonl"),
    ("jsonl-one", '{"id": "a", "text": "只有一条记录。"}\n', "jsonl"),
    ("jsonl-blank-lines", '\n{"a": 1}\n\n{"a": 2}\n', "jsonl"),
    ("text", PAGE, "text"),
    ("text-json-line", PAGE + '{"note": "一行 JSON 不是 JSONL"}\n' + PAGE, "text"),
    ("text-brace", "{\n" + PAGE + "}\n", "text"),
    ("text-math", "已知 a<b 且 b>c，求证 a<c。若 x < 3 则 y > 5。\n" + PAGE, "text"),
    ("text-stray-tag", "<b>滨江公园开放</b>\n" + PAGE, "text"),
    ("text-script-line", "<script>alert(1)</script>\n" + PAGE, "text"),
    ("text-quoting-html", "教程：网页由标签组成。\n" + "".join(f"第{i}步：写 <p>段落</p> 和 <div>区块</div>。\n"
                                                          for i in range(8)) + PAGE * 3, "text"),
    ("text-title-marks", "<<三体>>读后感\n" + PAGE, "text"),
    ("empty", "", "text"),
]


@pytest.mark.parametrize("pid,text,kind", KIND_CASES, ids=[c[0] for c in KIND_CASES])
def test_sniff_kind(pid, text, kind):
    assert textio.sniff_kind(text) == kind


@pytest.mark.parametrize("name,content,words", [
    ("page.html", HTML_DOC, ("page.html", "looks like HTML", "convert it to text")),
    ("pages.jsonl", "".join(f'{{"id": {i}, "text": "正文{i}"}}\n' for i in range(3)),
     ("pages.jsonl", "looks like JSONL", "one page's text")),
], ids=["html", "jsonl"])
def test_read_input_refuses_html_and_jsonl(tmp_path, name, content, words):
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        textio.read_input(str(f))
    msg = str(err.value)
    assert "\n" not in msg and all(w in msg for w in words)


def test_read_input_accepts_text_with_braces_and_brackets(tmp_path):
    f = tmp_path / "page.txt"
    text = "{\n已知 a<b，<b>粗体</b>。\n" + PAGE
    f.write_text(text, encoding="utf-8")
    assert textio.read_input(str(f)) == (text, "utf-8")


def test_read_input_warns_about_replaced_bytes(tmp_path):
    f = tmp_path / "page.txt"
    f.write_bytes(damage((PAGE * 3).encode("gbk"), [50, 200]))
    warnings = []
    text, enc = textio.read_input(str(f), warn=warnings.append)
    assert enc == "gb18030" and len(warnings) == 1
    assert re.fullmatch(rf"{re.escape(str(f))}: [2-4] undecodable bytes replaced \(gb18030\)", warnings[0])


# ---------------------------------------------------------------------------------------------
# End to end: the command line
# ---------------------------------------------------------------------------------------------

def cli_paragraphs(*args) -> tuple[int, list[str], str]:
    """(exit status, paragraph texts, stderr) of `webspam score --format jsonl ...`: what was
    read, whatever the model labels it."""
    code, out, err = run_cli("score", "--format", "jsonl", *args)
    return code, [json.loads(line)["text"] for line in out.splitlines() if line.strip()], err


def test_cli_reads_big5_page_with_li(tmp_path):
    f = tmp_path / "big5.txt"
    f.write_bytes(TRADITIONAL[0][1].encode("cp950"))
    code, paras, err = cli_paragraphs(f)
    assert code == 0 and "undecodable" not in err, err
    assert [p.strip() for p in paras] == [line.strip() for line in TRADITIONAL[0][1].splitlines()]


def test_cli_reads_gbk_page_with_bad_bytes_and_warns(tmp_path):
    f = tmp_path / "gbk.txt"
    data = (PAGE * 2).encode("gbk")
    f.write_bytes(damage(data, [len(data) - 20]))
    code, paras, err = cli_paragraphs(f)
    assert code == 0, err
    assert paras[:3] == PAGE.splitlines() and "\ufffd" in "".join(paras)
    lines = [line for line in err.splitlines() if "undecodable" in line]
    assert len(lines) == 1 and re.fullmatch(rf"webspam: {re.escape(str(f))}: [12] undecodable bytes? replaced "
                                            r"\(gb18030\)", lines[0]), err


@pytest.mark.parametrize("command", ["clean", "score"])
def test_cli_routes_html_to_its_text(tmp_path, command):
    """An HTML page is converted to its text (title first, no markup, no script or style) and
    cleaned as text; before HTML input existed it was refused, and before that kept as article."""
    f = tmp_path / "page.html"
    f.write_text(HTML_DOC, encoding="utf-8")
    code, out, err = run_cli(command, f, *(["--format", "jsonl"] if command == "score" else []))
    assert code == 0, err
    if command == "score":
        texts = [json.loads(line)["text"].strip() for line in out.splitlines() if line.strip()]
        assert texts[0] == "滨江公园开放" and "临江市新建的滨江公园今天正式开放。" in texts
    assert "<" not in out and "font-size" not in out and "var a" not in out


@pytest.mark.parametrize("command", ["clean", "score"])
def test_cli_routes_jsonl_to_one_record_per_page(tmp_path, command):
    f = tmp_path / "pages.jsonl"
    f.write_text("".join(f'{{"id": "p{i}", "text": "正文{i}"}}\n' for i in range(3)), encoding="utf-8")
    code, out, err = run_cli(command, f)
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert [r["id"] for r in records] == ["p0", "p1", "p2"] and all("spam_score" in r for r in records)


def test_cli_html_on_stdin(tmp_path):
    code, out, err = run_cli("clean", "-", stdin=HTML_DOC.encode("utf-8"))
    assert code == 0, err
    assert "<" not in out and "var a" not in out


# ---------------------------------------------------------------------------------------------
# Real pages, re-encoded (../shared, read at run time)
# ---------------------------------------------------------------------------------------------

def test_shared_pages_reencoded_with_bad_bytes():
    """A handful of seed and dev pages through scripts/eval_encoding.py's encode and damage."""
    import eval_encoding as ev

    pages = ev.load_pages()
    if not pages:
        pytest.skip("../shared data not found (set WEBSPAM_SHARED)")
    pages = pages[:3] + pages[-3:]
    for enc in ev.ENCODINGS:
        for nbad in (0, 1):
            for pid, text in pages:
                data = ev.encode(text, enc)
                ref = ev.reference(data, enc)
                damaged = ev.inject(data, nbad, random.Random(f"{pid}:{enc}:{nbad}"))
                got, fam, replaced = decoded(damaged)
                assert fam == ev.EXPECTED_FAMILY[enc], (pid, enc, nbad)
                if nbad == 0:
                    assert got == ref and replaced == 0, (pid, enc)
                else:
                    assert ev.matched_chars(ref, got) >= 0.98 * len(ref), (pid, enc)
