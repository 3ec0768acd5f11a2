"""Hostile and broken input: a clear one-line error or a clean result, never a traceback or hang.

The 50 MB single-line file is measured by scripts/bench_hostile.py (time and peak memory);
here a 5 MB one checks the same code path."""
from pathlib import Path

import pytest
from conftest import one_line_error, run_cli

from classifier import InputError
from classifier.paragraphs import MAX_PARAGRAPH_CHARS
from classifier.textio import decode, read_input

ROOT = Path(__file__).resolve().parent.parent


def run(*args, stdin=b""):
    return run_cli(*args, stdin=stdin)


@pytest.mark.parametrize("content", [b"", b"   \n\t\n\xe3\x80\x80\n"])
def test_empty_and_whitespace_files(tmp_path, content):
    f = tmp_path / "x.txt"
    f.write_bytes(content)
    assert run("clean", f) == (0, "", "")


def test_binary_file(tmp_path):
    f = tmp_path / "x.png"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100)
    code, _, err = run("score", f)
    assert one_line_error(code, err) and "binary" in err


def test_a_few_nul_bytes_are_dropped_not_fatal():
    text, _ = decode("正文\x00第一段。\n第二段。".encode("utf-8"))
    assert "\x00" not in text and "第一段" in text


def test_invalid_utf8_inside_a_gbk_file(tmp_path):
    good = "　　市政府召开常务会议，研究部署下一阶段重点工作。".encode("gb18030")
    f = tmp_path / "x.txt"
    f.write_bytes(good * 20 + b"\xff\xfe\xfd" + good * 20)
    code, out, err = run("clean", f)
    assert code in (0, 2) and "Traceback" not in err
    if code == 2:
        assert one_line_error(code, err)


def test_huge_single_line_is_cut_and_cleaned(cleaner):
    sentence = "这是一个没有换行的超长页面中的一句话，用来检查内存和时间是否有界。"
    text = sentence * (5_000_000 // len(sentence.encode("utf-8")))
    page = cleaner.clean(text)
    assert len(page.paragraphs) >= len(text) // MAX_PARAGRAPH_CHARS
    assert all(len(p.text) <= MAX_PARAGRAPH_CHARS for p in page.paragraphs)
    assert sum(len(p.text) for p in page.paragraphs) == len(text)


def test_one_megabyte_paragraph(cleaner):
    text = "标题\n" + "长段落内容，" * 170_000 + "\n结尾。"
    page = cleaner.clean(text)
    assert page.paragraphs[0].text == "标题" and page.paragraphs[-1].text == "结尾。"


def test_millions_of_tiny_lines(cleaner):
    text = "甲\n" * 1_000_000
    page = cleaner.clean(text)
    assert len(page.paragraphs) == 1_000_000
    assert page.paragraphs[-1].reason  # explanations work on a page of many batches


def test_equal_lines_of_wrap_width_take_linear_work(cleaner, monkeypatch):
    """100,000 copies of one headline as wide as a hard-wrapped line: each line is tried as the
    start of a wrapped paragraph once, not once per line after it (quadratic: 100 s for 5,000)."""
    from classifier import paragraphs

    widths = []
    real = paragraphs._width
    monkeypatch.setattr(paragraphs, "_width", lambda line: widths.append(1) or real(line))
    line = "某某城市启动老旧小区加装电梯试点工作 记者走访了三个社区"
    page = cleaner.clean("\n".join([line] * 5_000))
    assert len(page.paragraphs) == 5_000
    assert len(widths) <= 3 * 5_000


def test_directory_and_missing_path(tmp_path):
    assert one_line_error(*run("clean", tmp_path)[::2])
    assert one_line_error(*run("clean", tmp_path / "nope.txt")[::2])


def test_unreadable_file_is_one_clear_error(tmp_path, monkeypatch):
    f = tmp_path / "secret.txt"
    f.write_text("正文")

    def deny(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(InputError, match="permission denied"):
        read_input(str(f))


def test_garbage_model_paths(tmp_path):
    bad = tmp_path / "m.npz"
    bad.write_bytes(b"\x00" * 100)
    assert one_line_error(*run("clean", ROOT / "examples" / "page.txt", "--model", bad)[::2])


def test_html_in_text_stays_text(cleaner):
    page = cleaner.clean("<script>alert(1)</script>\n　　正文第一段，讲述本市新建的公园和绿道。")
    assert any("<script>" in p.text for p in page.paragraphs)


@pytest.mark.parametrize("text", ["甲\n" * 120_000, "字" * 2_500_000, "句子。" * 900_000, "短\n" * 10])
def test_large_pages_are_cut_into_bounded_exact_parts(text):
    from classifier.cleaner import PART_CHARS, PART_LINES, _parts

    parts = list(_parts(text))
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))  # contiguous: nothing lost
    for lo, hi in parts:
        assert hi - lo <= PART_CHARS and text.count("\n", lo, hi) <= PART_LINES
    if "\n" in text:
        assert all(text[hi - 1] == "\n" for _, hi in parts[:-1])


def test_thousands_of_distinct_operator_names(cleaner):
    """Every line names another operator: each is found (one automaton of the names, where a
    search per name in each paragraph was quadratic)."""
    page = cleaner.clean("\n".join(f"abc{i}体育 网页版登录" for i in range(2_000)))
    assert all(p.label == "spam" and p.kind == "promo" for p in page.paragraphs)
    assert page.verdict.kind == "gambling"
