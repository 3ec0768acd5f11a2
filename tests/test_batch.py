"""Batch runs of `webspam clean|score`: many inputs, record formats, workers, accounting of
every record (written + dropped + skipped = read), bad inputs. Inputs are generated here from
text written here."""
import gzip
import hashlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import ROOT, one_line_error, run_cli

pytest.importorskip("fastwarc")
pytest.importorskip("resiliparse")

ARTICLE = ("本市今年启动老旧小区改造工程，计划在年底前完成三十个小区的外墙保温、管网更新和无障碍设施建设。"
           "住建部门负责人介绍，改造方案经过居民议事会多轮讨论，施工期间将尽量减少对居民出行的影响。")
ARTICLE2 = ("图书馆新馆将于下月开放，馆内设有少儿阅读区、古籍修复展示室和24小时自助借还书机。"
            "开放首周每天限流三千人，读者可通过官方小程序预约入馆时段。")
NAV = "首页 | 新闻 | 财经 | 体育 | 娱乐 | 联系我们"
SPAM = "澳门新葡京娱乐城 注册即送888元彩金 百家乐 真人视讯 在线投注 日出千万 官方网址 点击进入"


def page(i: int, spam: bool = False) -> str:
    body = ARTICLE if i % 2 else ARTICLE2
    lines = [NAV, f"第{i}期 社区新闻", body, body[::-1] if i % 3 == 0 else body]
    if spam:
        lines.insert(1, SPAM)
        lines.append(SPAM)
    return "\n".join(lines)


def run(*args, stdin=b""):
    return run_cli(*args, stdin=stdin, timeout=60)


def records(out: str) -> list:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# --- WARC / WET files written here ----------------------------------------------------------

def warc_record(rtype: str, url: str, block: bytes, ctype: str) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {rtype}\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"WARC-Target-URI: {url}\r\nWARC-Date: 2024-05-01T00:00:00Z\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def http_response(body: bytes, ctype: str = "text/html; charset=utf-8") -> bytes:
    return (f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def html_page(i: int) -> str:
    items = "".join(f"<li>{w}</li>" for w in NAV.split(" | "))
    return (f"<!DOCTYPE html><html><head><title>社区新闻 第{i}期</title><style>p{{color:red}}</style>"
            f"<script>var a = 1;</script></head><body><ul>{items}</ul><h1>第{i}期</h1>"
            f"<p>{ARTICLE}</p><p>{ARTICLE2}</p><div>版权所有</div></body></html>")


def make_warc(n: int, gz: bool = False, extra: bool = True) -> bytes:
    recs = []
    for i in range(n):
        url = f"http://news.example.cn/{i}.html"
        recs.append(warc_record("request", url, b"GET / HTTP/1.1\r\n\r\n", "application/http; msgtype=request"))
        recs.append(warc_record("response", url, http_response(html_page(i).encode()), "application/http; msgtype=response"))
    if extra:  # an image: a response that is not a page
        recs.append(warc_record("response", "http://news.example.cn/a.png", http_response(b"\x89PNG....", "image/png"),
                                "application/http; msgtype=response"))
    return b"".join(gzip.compress(r) if gz else r for r in recs)


def make_wet(n: int) -> bytes:
    recs = [warc_record("warcinfo", "", b"software: test\r\n", "application/warc-fields")]
    for i in range(n):
        recs.append(warc_record("conversion", f"http://news.example.cn/{i}", page(i).encode(), "text/plain"))
    return b"".join(recs)


# --- formats ---------------------------------------------------------------------------------

def test_jsonl_fields_and_passthrough(tmp_path):
    f = write_jsonl(tmp_path / "pages.jsonl", [{"id": f"p{i}", "url": f"http://a.cn/{i}", "text": page(i), "lang": "zh"}
                                               for i in range(4)])
    code, out, err = run("clean", f, "-j", "1")
    assert code == 0, err
    rows = records(out)
    assert [r["id"] for r in rows] == ["p0", "p1", "p2", "p3"]
    r = rows[1]
    assert {"id", "url", "article", "spam_score", "spam_kind", "counts", "lang"} <= set(r) and "text" not in r
    assert r["url"] == "http://a.cn/1" and r["lang"] == "zh" and ARTICLE[:20] in r["article"]
    assert "paragraphs" not in r and 0 <= r["spam_score"] <= 1
    assert "4 pages" in err and "0 records skipped" in err


def test_paragraphs_and_other_fields(tmp_path):
    f = write_jsonl(tmp_path / "p.jsonl", [{"key": "a", "body": page(1), "html": "<p>x</p>"}])
    code, out, err = run("clean", f, "--field", "body", "--id-field", "key", "--paragraphs", "--drop-field", "html")
    assert code == 0, err
    (r,) = records(out)
    assert r["id"] == "a" and "html" not in r and "body" not in r
    p = r["paragraphs"][0]
    assert {"label", "probs", "kept", "kind", "reason"} <= set(p)
    code, out, err = run("score", f, "--field", "body", "--id-field", "key")  # score: paragraphs by default
    assert code == 0 and "paragraphs" in records(out)[0]


def test_jobs_keep_order_and_unordered_keeps_all(tmp_path):
    rows = [{"id": f"r{i}", "text": page(i)} for i in range(60)]
    f = write_jsonl(tmp_path / "many.jsonl", rows)
    code, out, err = run("clean", f, "-j", "2", "--chunk-pages", "3")
    assert code == 0, err
    assert [r["id"] for r in records(out)] == [r["id"] for r in rows]
    code, out2, err = run("clean", f, "-j", "2", "--chunk-pages", "3", "--unordered")
    assert code == 0, err
    assert sorted(r["id"] for r in records(out2)) == sorted(r["id"] for r in rows)
    one = {r["id"]: r["article"] for r in records(run("clean", f, "-j", "1")[1])}
    assert one == {r["id"]: r["article"] for r in records(out)}


def test_warc_responses_plain_and_gzipped(tmp_path):
    for gz in (False, True):
        f = tmp_path / ("c.warc.gz" if gz else "c.warc")
        f.write_bytes(make_warc(3, gz))
        code, out, err = run("clean", f, "-j", "1")
        assert code == 0, err
        rows = records(out)
        assert [r["url"] for r in rows] == [f"http://news.example.cn/{i}.html" for i in range(3)]
        assert all(r["id"].startswith("urn:uuid:") for r in rows)
        assert ARTICLE[:20] in rows[0]["article"] and "var a" not in out
        assert "1 records skipped (not HTML 1)" in err, err


def test_wet_conversion_records(tmp_path):
    f = tmp_path / "c.warc.wet.gz"
    f.write_bytes(gzip.compress(make_wet(4)))
    code, out, err = run("clean", f)
    assert code == 0, err
    rows = records(out)
    assert len(rows) == 4 and rows[2]["url"] == "http://news.example.cn/2"
    assert ARTICLE2[:15] in rows[0]["article"]


def test_html_to_text_title_first_bullets_lines():
    from classifier.html import html_to_text

    text = html_to_text(html_page(7))
    lines = text.splitlines()
    assert lines[0] == "社区新闻 第7期"
    assert any(line.strip().startswith("•") and "首页" in line for line in lines)
    assert ARTICLE in lines and "var a" not in text and "color" not in text


def test_directory_glob_html_and_unreadable(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.html").write_text(html_page(1), encoding="utf-8")
    (d / "sub" / "b.txt").write_text(page(2), encoding="gb18030")
    write_jsonl(d / "sub" / "c.jsonl", [{"id": "c1", "text": page(3)}, {"id": "c2", "text": page(4)}])
    (d / "sub" / "gone.txt").symlink_to(d / "nowhere")  # unreadable: a dangling link
    code, out, err = run("clean", d, "-j", "2")
    assert code == 0, err
    rows = records(out)
    assert [r["id"] for r in rows] == [str(d / "a.html"), str(d / "sub" / "b.txt"), "c1", "c2"]
    assert ARTICLE[:20] in rows[0]["article"] and ARTICLE2[:15] in rows[1]["article"]  # b.txt is GB18030
    assert "unreadable" in err and "gone.txt" in err
    code, out, err = run("clean", str(tmp_path / "in" / "**" / "*.jsonl"))
    assert code == 0, err
    assert [r["id"] for r in records(out)] == ["c1", "c2"]


def test_stdin_jsonl_and_single_html(tmp_path):
    data = "".join(json.dumps({"id": f"s{i}", "text": page(i)}, ensure_ascii=False) + "\n" for i in range(3))
    code, out, err = run("clean", "-", stdin=data.encode())
    assert code == 0, err
    assert [r["id"] for r in records(out)] == ["s0", "s1", "s2"]
    f = tmp_path / "one.html"
    f.write_text(html_page(2), encoding="utf-8")
    code, out, err = run("clean", f)  # one page: the article as text, as for a text file
    assert code == 0 and err == "" and ARTICLE[:20] in out and not out.startswith("{")


# --- accounting: nothing is lost ---------------------------------------------------------------

def test_one_percent_corrupt_records_are_counted(tmp_path):
    n, lines, bad = 400, [], {}
    causes = ["bad JSON", "no text field", "text field not a string", "empty line"]
    for i in range(n):
        line = json.dumps({"id": f"r{i}", "text": page(i)}, ensure_ascii=False).encode()
        if i in (13, 113, 213, 313):  # 1%: 4 of 400
            cause = causes[(i // 100) % len(causes)]
            bad[i] = cause
            line = {"bad JSON": b'{"id": "x", "text": "unterminated',
                    "no text field": b'{"id": "x", "body": "no text here"}',
                    "text field not a string": b'{"id": "x", "text": 42}',
                    "empty line": b"   "}[cause]
        lines.append(line)
    # two more kinds (1.5% in all): an undecodable and an oversized record
    lines[250] = b'{"id": "y", "text": "' + bytes(c for c in range(32) if c not in b"\r\n") * 4 + b'\xff\xfe"}'
    lines[260] = json.dumps({"id": "z", "text": "长" * 3000}, ensure_ascii=False).encode()
    f = tmp_path / "mixed.jsonl"
    f.write_bytes(b"\n".join(lines) + b"\n")
    rej = tmp_path / "rejects.jsonl"
    code, out, err = run("clean", f, "-j", "2", "--chunk-pages", "16", "--rejects", rej, "--max-record-bytes", "8000")
    assert code == 0, err
    rows = records(out)
    rejected = [json.loads(line) for line in rej.read_text(encoding="utf-8").splitlines()]
    assert len(rows) + len(rejected) == n, (len(rows), len(rejected))
    got = {int(r["loc"].split()[-1]) - 1: r["cause"] for r in rejected}
    assert got == {**bad, 250: "undecodable bytes", 260: "too large"}
    assert all(r["source"] == str(f) for r in rejected)
    assert f"{len(rejected)} records skipped" in err
    ids = [r["id"] for r in rows]
    assert ids == [f"r{i}" for i in range(n) if i not in got]


def test_drop_spam_pages(tmp_path):
    rows = [{"id": f"d{i}", "text": page(i, spam=i % 4 == 0)} for i in range(12)]
    f = write_jsonl(tmp_path / "d.jsonl", rows)
    code, out, err = run("clean", f, "-j", "1")
    assert code == 0, err
    scores = {r["id"]: r["spam_score"] for r in records(out)}
    threshold = sorted(set(scores.values()))[len(set(scores.values())) // 2]
    code, out, err = run("clean", f, "-j", "1", "--drop-spam-pages", str(threshold))
    assert code == 0, err
    kept = [r["id"] for r in records(out)]
    assert kept == [i for i, s in scores.items() if s < threshold]
    dropped = sum(s >= threshold for s in scores.values())
    assert f"{dropped} dropped as spam" in err


# --- bad inputs ----------------------------------------------------------------------------------

def test_bad_inputs_are_skipped_and_counted(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    empty_jsonl = tmp_path / "none.jsonl"
    empty_jsonl.write_bytes(b"")
    notgz = tmp_path / "fake.jsonl.gz"
    notgz.write_bytes(b"this is not gzip\n")
    whole = make_warc(4, gz=True, extra=False)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: len(whole) - 200])  # the last member is cut
    plain = make_warc(4, extra=False)
    cut2 = tmp_path / "cut2.warc"
    cut2.write_bytes(plain[: len(plain) - 300])
    zipped = gzip.compress("".join(json.dumps({"id": f"z{i}", "text": page(i)}, ensure_ascii=False) + "\n"
                                   for i in range(50)).encode(), 1)
    cutgz = tmp_path / "cut.jsonl.gz"
    cutgz.write_bytes(zipped[: len(zipped) * 2 // 3])
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    code, out, err = run("clean", empty, empty_jsonl, notgz, cut, cut2, cutgz, "-j", "1", "--rejects", tmp_path / "r.jsonl")
    assert code == 0, err
    rows = records(out)
    rejected = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["cause"] for r in rejected) == ["bad gzip", "empty", "truncated WARC record",
                                                    "truncated WARC record", "truncated gzip"], rejected
    zs = [r["id"] for r in rows if r["id"].startswith("z")]
    assert 0 < len(zs) < 50 and zs == [f"z{i}" for i in range(len(zs))]
    assert len(rows) == 6 + len(zs), err  # 3 whole pages in each WARC
    assert "5 records skipped" in err
    (tmp_path / "r.jsonl").unlink()
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}


def test_output_inside_input_directory_is_refused(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    write_jsonl(d / "a.jsonl", [{"id": "a", "text": page(1)}])
    code, out, err = run("clean", d, "-o", d / "out.jsonl")
    assert one_line_error(code, err, "inside the input directory"), err
    assert not (d / "out.jsonl").exists()
    code, out, err = run("clean", d / "a.jsonl", "-o", d / "a.jsonl", "--paragraphs")
    assert one_line_error(code, err, "input"), err
    code, out, err = run("clean", tmp_path / "no" / "such.jsonl", d / "a.jsonl")
    assert one_line_error(code, err, "no such file"), err


def test_output_file_and_broken_pipe(tmp_path):
    f = write_jsonl(tmp_path / "p.jsonl", [{"id": f"b{i}", "text": page(i)} for i in range(80)])
    o = tmp_path / "out" / "o.jsonl"
    o.parent.mkdir()
    code, out, err = run("clean", f, "-o", o, "-j", "2", "--chunk-pages", "4")
    assert code == 0 and out == "" and len(records(o.read_text(encoding="utf-8"))) == 80
    proc = subprocess.run(f"{sys.executable} -m classifier.cli clean {f} -j 2 --chunk-pages 2 | head -1",
                          shell=True, capture_output=True, cwd=ROOT, timeout=60)
    assert proc.stderr == b"" and len(proc.stdout.splitlines()) == 1, proc.stderr


def test_sniff_format():
    from classifier.records import format_by_name, sniff_format

    assert format_by_name("a.warc.wet.gz") == "wet" and format_by_name("x/b.WARC.GZ") == "warc"
    assert format_by_name("c.jsonl.gz") == "jsonl" and format_by_name("d.htm") == "html"
    assert format_by_name("e.txt") is None
    assert sniff_format(make_warc(1)) == "warc" and sniff_format(gzip.compress(make_wet(1))) == "wet"
    assert sniff_format(b'{"text": "' + "字".encode() * 40000 + b'"}') == "jsonl"  # one line longer than the head
    assert sniff_format(html_page(1).encode()) == "html"
    assert sniff_format(page(1).encode()) == "text"


def test_ctrl_c_stops_cleanly_and_says_where(tmp_path):
    import os
    import signal
    import time

    f = write_jsonl(tmp_path / "long.jsonl", [{"id": f"k{i}", "text": page(i)} for i in range(20000)])
    o = tmp_path / "o.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "classifier.cli", "clean", str(f), "-j", "2", "--chunk-pages", "8",
                             "-o", str(o)], cwd=ROOT, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline and (not o.exists() or o.stat().st_size < 5000):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    _, err = proc.communicate(timeout=30)
    err = err.decode()
    assert proc.returncode == 130, err
    rows = records(o.read_text(encoding="utf-8"))  # every line whole
    assert 0 < len(rows) < 20000 and [r["id"] for r in rows] == [f"k{i}" for i in range(len(rows))]
    assert "interrupted" in err and f"line {len(rows)}" in err and "Traceback" not in err, err


@pytest.mark.parametrize("gz", [False, True])
def test_corrupt_warc_record_mid_file_is_skipped_and_reading_goes_on(tmp_path, gz):
    from classifier.records import Item, Reject, iter_file

    recs = [warc_record("response", f"http://m.cn/{i}", http_response(html_page(i).encode()),
                        "application/http; msgtype=response") for i in range(6)]
    broken = bytearray(gzip.compress(recs[2]) if gz else recs[2])
    broken[10:30] = b"\x00" * 20 if gz else b"XXXXXXXXXXXXXXXXXXXX"
    parts = [gzip.compress(r) if gz else r for r in recs]
    parts[2] = bytes(broken)
    f = tmp_path / ("m.warc.gz" if gz else "m.warc")
    f.write_bytes(b"".join(parts))
    got = list(iter_file(str(f), "auto", 10**8))
    items = [g for g in got if isinstance(g, Item)]
    rejects = [g for g in got if isinstance(g, Reject)]
    assert [i.url for i in items] == [f"http://m.cn/{i}" for i in (0, 1, 3, 4, 5)]
    assert [r.cause for r in rejects] == ["corrupt WARC"], rejects


def test_workers_forked_from_a_warmed_cleaner_write_what_one_job_writes(tmp_path):
    rows = [{"id": f"r{i}", "text": page(i, spam=i % 4 == 0)} for i in range(24)]
    f = write_jsonl(tmp_path / "w.jsonl", rows)
    code, one, err = run("clean", f, "-j", "1", "--paragraphs")
    assert code == 0, err
    code, two, err = run("clean", f, "-j", "2", "--chunk-pages", "2", "--paragraphs")
    assert code == 0, err
    assert one == two


def test_warm_builds_what_cleaning_builds_and_changes_nothing():
    from classifier import Cleaner, features, repair as rep

    text = "\n".join(page(i, spam=True) for i in range(3))
    cleaner = Cleaner.load()
    before = [p.to_dict() for p in cleaner.clean(text).paragraphs]
    assert cleaner.warm() is cleaner
    assert features.class_index.cache_info().currsize == 1 and rep.char_classes.cache_info().currsize == 1
    assert [p.to_dict() for p in cleaner.clean(text).paragraphs] == before
