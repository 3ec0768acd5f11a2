"""The command line: outputs, and one-line errors with exit status 2 for user mistakes."""
import hashlib
import json
from pathlib import Path

import pytest
from conftest import one_line_error, run_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "page.txt"


def run(*args, stdin=b""):
    return run_cli(*args, stdin=stdin)


def assert_one_line_error(code, err, *words):
    assert one_line_error(code, err, *words), err


def test_clean_example_keeps_article_and_drops_chrome():
    code, out, err = run("clean", EXAMPLE)
    assert code == 0, err
    assert "临江市老旧小区加装电梯提速" in out and "居民意见统一" in out
    assert "汇盈体育" not in out and "责任编辑" not in out and "扫码关注" not in out and "ICP" not in out


def test_score_jsonl_fields(tmp_path):
    code, out, err = run("score", EXAMPLE, "--format", "jsonl")
    assert code == 0, err
    rows = [json.loads(l) for l in out.splitlines()]
    assert {"index", "text", "label", "probs", "kept", "reason"} <= set(rows[0])
    assert [r["index"] for r in rows] == list(range(len(rows)))
    assert all(abs(sum(r["probs"].values()) - 1) < 1e-3 and r["reason"] for r in rows)
    assert rows[0]["label"] == "spam"


def test_score_table_and_stdin():
    code, out, err = run("score", "-", stdin=EXAMPLE.read_bytes())
    assert code == 0, err
    assert "label" in out and "paragraphs:" in out


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-8-sig"])
def test_legacy_encodings_are_detected(tmp_path, encoding):
    text = "數字政府建設再提速，國務院發布指導意見。\n" if encoding == "big5" else EXAMPLE.read_text(encoding="utf-8")
    f = tmp_path / "page.txt"
    f.write_bytes(text.encode(encoding))
    code, out, err = run("clean", f)
    assert code == 0, err
    first = text.splitlines()[0]
    assert first[:4] in out or encoding != "big5"


def test_empty_input_gives_empty_output(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    code, out, err = run("clean", f)
    assert (code, out, err) == (0, "", "")
    code, out, err = run("score", f, "--format", "jsonl")
    assert (code, out) == (0, "")


def test_input_is_never_modified(tmp_path):
    f = tmp_path / "page.txt"
    f.write_bytes(EXAMPLE.read_bytes())
    before = hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns
    code, out, err = run("clean", f, "-o", f)
    assert_one_line_error(code, err, str(f), "input")
    assert (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns) == before


def test_output_file(tmp_path):
    out_file = tmp_path / "article.txt"
    code, out, err = run("clean", EXAMPLE, "-o", out_file)
    assert code == 0 and out == ""
    assert "居民意见统一" in out_file.read_text(encoding="utf-8")


def test_missing_file():
    assert_one_line_error(*run("clean", "no/such/file.txt")[::2], "no/such/file.txt", "no such file")


def test_directory(tmp_path):
    assert_one_line_error(*run("score", tmp_path)[::2], str(tmp_path), "directory")


def test_binary_file(tmp_path):
    f = tmp_path / "x.bin"
    f.write_bytes(bytes(range(256)) * 64)
    assert_one_line_error(*run("clean", f)[::2], str(f), "binary")


def test_unknown_format():
    assert_one_line_error(*run("score", EXAMPLE, "--format", "xml")[::2], "--format xml")


@pytest.mark.parametrize("content", [b"", b"garbage", b"\x80\x04K\x01."])
def test_corrupt_or_missing_model(tmp_path, content):
    m = tmp_path / "model.npz"
    if content:
        m.write_bytes(content)
    assert_one_line_error(*run("clean", EXAMPLE, "--model", m)[::2], str(m))
