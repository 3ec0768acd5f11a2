"""Labeled data: the format checks with file:line, and the corpus itself."""
import json
from pathlib import Path

import pytest

from classifier import LabeledDataError
from classifier.labeled import check_labeled, read_labeled
from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
GOOD = {"id": "p1", "paragraphs": [{"text": "标题", "label": "article"}, {"text": "首页", "label": "navigation"}]}


def write(tmp_path, *lines):
    f = tmp_path / "x.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


@pytest.mark.parametrize("bad, message", [
    ('{"id": "p2", "paragraphs": [', "x.jsonl:2: invalid JSON"),
    (json.dumps({"id": "p2", "paragraphs": [{"text": "甲", "label": "junk"}]}), "x.jsonl:2: paragraph 0: unknown label 'junk'"),
    (json.dumps({"id": "p2", "paragraphs": [{"text": "  ", "label": "ad"}]}), "x.jsonl:2: paragraph 0: empty text"),
    (json.dumps({"id": "p1", "paragraphs": []}), "x.jsonl:2: duplicate page id 'p1'"),
    (json.dumps({"paragraphs": []}), 'x.jsonl:2: missing or empty "id"'),
    ("[1, 2]", "x.jsonl:2: not a JSON object"),
    (json.dumps({"id": "p2", "paragraphs": [{"text": "甲", "label": "spam", "kind": "casino"}]}),
     "x.jsonl:2: paragraph 0: unknown kind 'casino' (use promo, seo)"),
    (json.dumps({"id": "p2", "paragraphs": [{"text": "甲", "label": "spam", "kind": "seo"},
                                            {"text": "乙", "label": "ad", "kind": "promo"}]}),
     "x.jsonl:2: paragraph 1: \"kind\" 'promo' on a ad paragraph"),
])
def test_first_problem_is_reported_with_file_and_line(tmp_path, bad, message):
    f = write(tmp_path, json.dumps(GOOD), bad)
    with pytest.raises(LabeledDataError) as err:
        read_labeled([f])
    assert message in str(err.value) and "\n" not in str(err.value)


def test_weights_and_directories(tmp_path):
    write(tmp_path, json.dumps(GOOD))
    pages = read_labeled([tmp_path], {"x.jsonl": 5})
    assert [p.weight for p in pages] == [5] and pages[0].labels == ["article", "navigation"]


def test_kinds_of_spam_paragraphs_are_kept(tmp_path):
    page = {"id": "k1", "paragraphs": [{"text": "首页", "label": "navigation"},
                                       {"text": "某某体育 注册送彩金", "label": "spam", "kind": "promo"},
                                       {"text": "北京搬家公司_北京搬家电话", "label": "spam", "kind": "seo"},
                                       {"text": "无 kind 的垃圾段落", "label": "spam"},
                                       {"text": "正文", "label": "article", "kind": None}]}
    pages = read_labeled([write(tmp_path, json.dumps(GOOD), json.dumps(page, ensure_ascii=False))])
    assert pages[0].kinds is None and pages[0].kind_of(0) is None
    assert pages[1].kinds == [None, "promo", "seo", None, None] and pages[1].kind_of(2) == "seo"


def test_check_reports_a_bad_kind_with_file_and_line(tmp_path):
    bad = {"id": "k2", "paragraphs": [{"text": "正文", "label": "article", "kind": "seo"}]}
    f = write(tmp_path, json.dumps(GOOD), json.dumps(bad, ensure_ascii=False))
    code, out, _ = run_cli("check", f)
    assert code == 1 and f"{f}:2: paragraph 0: \"kind\" 'seo' on a article paragraph" in out


def test_check_collects_every_problem(tmp_path):
    dup = {"id": "p9", "paragraphs": [{"text": "这是一段足够长的重复段落，用来检查跨文件重复。", "label": "article"}]}
    (tmp_path / "a.jsonl").write_text(json.dumps(dup, ensure_ascii=False) + "\n{bad\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps(dup, ensure_ascii=False) + "\n", encoding="utf-8")
    counts, problems = check_labeled([tmp_path])
    assert counts["a.jsonl"]["pages"] == 1 and counts["b.jsonl"]["labels"]["article"] == 1
    assert any("a.jsonl:2: invalid JSON" in p for p in problems)
    assert any("b.jsonl:1" in p and "duplicates" in p for p in problems)


def test_the_corpus_is_clean_and_large_enough():
    counts, problems = check_labeled([ROOT / "labeled"])
    assert problems == []
    assert sum(c["pages"] for c in counts.values()) >= 400
    assert sum(c["paragraphs"] for c in counts.values()) >= 12000
    assert all(sum(c["labels"][lab] for c in counts.values()) > 300 for lab in ("article", "navigation", "ad", "spam"))
    assert sum(c["script"]["traditional"] for c in counts.values()) > 2000
