"""Labeled data: the format checks with file:line, and the corpus itself."""
import json
from pathlib import Path

import pytest

from classifier import LabeledDataError
from classifier.labeled import check_labeled, read_labeled

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
