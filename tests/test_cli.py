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
    labels = [line.split()[1] for line in out.splitlines() if line[:1].isdigit() and len(line.split()) >= 3]
    assert labels[0] == "spam/promo"  # a spam paragraph shows its kind (the example's injected brand)
    assert "spam" not in labels and all(x.split("/")[0] != "spam" or "/" in x for x in labels)


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


# --- usage errors: typer's usage and one clear line, exit 2, never a traceback ----------------

@pytest.mark.parametrize("args, words", [
    ((), ["Usage: webspam"]),
    (("clean",), ["Missing argument"]),
    (("score", EXAMPLE, "--bogus"), ["No such option", "--bogus"]),
    (("frobnicate",), ["No such command"]),
    (("score", EXAMPLE, "--format"), ["requires an argument"]),
])
def test_usage_errors_exit_2_without_traceback(args, words):
    code, out, err = run(*args)
    assert code == 2, (out, err)
    assert "Traceback" not in err + out and "ModuleNotFoundError" not in err
    assert all(w in err + out for w in words), err


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help(flag):
    code, out, err = run(flag)
    assert code == 0 and "Usage: webspam" in out and "clean" in out and "Traceback" not in err
    code, out, _ = run("clean", flag)
    assert code == 0 and "Usage: webspam clean" in out


def test_version_names_the_model_in_use():
    import classifier

    code, out, err = run("--version")
    assert code == 0, err
    assert out.splitlines()[0] == f"webspam {classifier.__version__}"
    assert "model:" in out and "shipped model" in out and "sha256" in out


# --- which model: --model, $WEBSPAM_MODEL, the user model `train` writes, the shipped one ------

def run_env(env: dict, *args):
    import os
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "classifier.cli", *map(str, args)], capture_output=True,
                          cwd=ROOT, timeout=600, env={**os.environ, **env})
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def write_labeled(path: Path, n_pages: int) -> Path:
    """A small labeled file written here: news pages with a site name, menus, a story, a footer."""
    towns = ["东湖", "西岭", "南溪", "北塘", "青石", "柳岸", "白沙", "云台"]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n_pages):
            t = towns[i % len(towns)]
            paras = [("鹭湾在线", "spam"), ("首页 | 新闻 | 社区 | 视频", "navigation"),
                     (f"{t}镇今年新修乡村公路{12 + i}公里", "article"),
                     (f"记者从{t}镇获悉，今年全镇新修和改造乡村公路{12 + i}公里，沿线{3 + i}个村的村民出行时间明显缩短。", "article"),
                     ("镇交通办负责人表示，明年还将继续推进道路养护和安全设施建设，让群众走得更安心。", "article"),
                     ("责任编辑：李明", "navigation"), ("扫码关注公众号，获取更多本地资讯", "ad"),
                     ("版权所有 © 鹭湾在线", "navigation")]
            fh.write(json.dumps({"id": f"cli_{i}", "source": "written for test_cli",
                                 "paragraphs": [{"text": x, "label": y} for x, y in paras]}, ensure_ascii=False) + "\n")
    return path


def test_train_writes_the_user_model_that_clean_then_uses(tmp_path):
    home = tmp_path / "home"
    env = {"WEBSPAM_HOME": str(home)}
    data = write_labeled(tmp_path / "mine.jsonl", 12)
    code, out, err = run_env(env, "train", data, "--holdout", "0")
    assert code == 0, err
    user_model = home / "webspam.npz"
    assert user_model.is_file() and str(user_model) in out
    code, out, err = run_env(env, "--version")
    assert code == 0 and str(user_model) in out and "user model" in out
    code, out, err = run_env(env, "score", EXAMPLE)
    assert code == 0 and f"model: {user_model} (user model" in out
    # $WEBSPAM_MODEL wins over the user model, and --model over both
    shipped = ROOT / "models" / "webspam.npz"
    code, out, _ = run_env({**env, "WEBSPAM_MODEL": str(shipped)}, "--version")
    assert "$WEBSPAM_MODEL" in out and str(shipped) in out
    code, out, _ = run_env({**env, "WEBSPAM_MODEL": str(user_model)}, "score", EXAMPLE, "--model", shipped)
    assert f"model: {shipped} (--model" in out


def test_a_missing_webspam_model_is_one_line(tmp_path):
    code, out, err = run_env({"WEBSPAM_MODEL": str(tmp_path / "nope.npz")}, "clean", EXAMPLE)
    assert_one_line_error(code, err, "WEBSPAM_MODEL", "nope.npz")


# --- score's table: a label a rule set shows "rule", not its classifier probability -------------

def test_table_never_shows_a_near_zero_probability_for_the_label():
    code, out, err = run("score", EXAMPLE)
    assert code == 0, err
    rows = [line.split() for line in out.splitlines()[1:] if line[:1].isdigit() and len(line.split()) >= 3
            and line.split()[1].split("/")[0] in ("article", "navigation", "ad", "spam")]
    assert len(rows) >= 20
    for row in rows:
        assert row[2] == "rule" or float(row[2]) >= 0.25, row


# --- evaluate measures what clean does -------------------------------------------------------

def test_evaluate_measures_the_full_pipeline(tmp_path):
    """A portal's own lottery menu is navigation (LABELING rule 3): a page rule of `clean` makes
    it so, the classifier alone calls it spam. evaluate's main report must be clean's."""
    from classifier import Cleaner
    from classifier.labeled import LabeledPage
    from classifier.metrics import format_report, labels_by_overlap, report
    from classifier.train import predict_pages

    paras = [("临江新闻网", "navigation"), ("• 首页 • 新闻 • 体育 • 财经 • 彩票", "navigation"),
             ("• 双色球 3D 大乐透 七乐彩 时时彩 足彩", "navigation"),
             ("临江市今年新建城市口袋公园二十个", "article"),
             ("临江市今年新建城市口袋公园二十个，让居民出门五分钟就能走进绿地，附近居民纷纷表示欢迎。", "article"),
             ("市园林局负责人介绍，口袋公园选址优先考虑老旧小区周边和学校附近的闲置地块。", "article"),
             ("责任编辑：周文", "navigation")]
    texts, gold = [t for t, _ in paras], [lab for _, lab in paras]
    f = tmp_path / "portal.jsonl"
    f.write_text(json.dumps({"id": "portal", "paragraphs": [{"text": t, "label": lab} for t, lab in paras]},
                            ensure_ascii=False) + "\n", encoding="utf-8")
    cleaner = Cleaner.load()
    full = labels_by_overlap(texts, cleaner.clean("\n".join(texts)).paragraphs)
    alone = predict_pages(cleaner.model, [LabeledPage("portal", texts, gold)], cleaner.options)[1]
    assert full == gold and alone != gold  # the page discriminates the two
    code, out, err = run("evaluate", f)
    assert code == 0, err
    assert format_report(report(gold, full)) in out.split("the full pipeline")[1]


# --- label ------------------------------------------------------------------------------------

def test_label_ids_are_unique_and_texts_are_the_pages_own(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    page_a = "鹭湾在线\n首页 | 新闻 | 社区\n鹭湾在线:多地出台新规 规范电动自行车停放\n數(shù)字政府建設(shè)持續推進，各地政務服務效率明顯提升。\n"
    (tmp_path / "a" / "page.txt").write_text(page_a, encoding="utf-8")
    (tmp_path / "b" / "page.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    out_file = tmp_path / "new.jsonl"
    code, out, err = run("label", tmp_path / "a" / "page.txt", tmp_path / "b" / "page.txt", "-o", out_file)
    assert code == 0, err
    pages = [json.loads(l) for l in out_file.read_text(encoding="utf-8").splitlines()]
    assert len({p["id"] for p in pages}) == 2
    texts = [p["text"] for p in pages[0]["paragraphs"]]
    assert "數(shù)字政府建設(shè)持續推進，各地政務服務效率明顯提升。" in texts  # unrepaired
    code, out, err = run("check", out_file)
    assert "duplicate page id" not in out + err
    # the site name and every paragraph that repeats it (a headline prefix) are marked
    marked = [p["text"] for p in pages[0]["paragraphs"] if p.get("check")]
    assert "鹭湾在线" in marked and any(t.startswith("鹭湾在线:") for t in marked)


def test_guide_prints_the_labeling_guide():
    code, out, err = run("guide")
    assert code == 0, err
    assert out.startswith("# Labeling pages for webspam") and "`promo`" in out and "Spam wins" in out
