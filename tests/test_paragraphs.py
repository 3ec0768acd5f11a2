import json
from pathlib import Path

import pytest

from classifier.paragraphs import MAX_PARAGRAPH_CHARS, split_paragraphs

CASES = json.loads((Path(__file__).parent / "cases" / "paragraphs.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_split_cases(case):
    spans = split_paragraphs(case["input"])
    assert [case["input"][s:e] for s, e in spans] == case["expect"]


def test_spans_are_ordered_and_exact():
    text = "甲\r\n\r\n  乙 丙\n\u3000丁。"
    spans = split_paragraphs(text)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    assert [text[s:e] for s, e in spans] == ["甲", "  乙 丙", "\u3000丁。"]


def test_very_long_line_is_cut_into_bounded_exact_pieces():
    sentence = "这是一个很长的句子，用来测试超长行的切分。"
    text = sentence * 2000
    spans = split_paragraphs(text)
    assert len(spans) > 1
    assert all(e - s <= MAX_PARAGRAPH_CHARS for s, e in spans)
    assert "".join(text[s:e] for s, e in spans) == text  # nothing lost, nothing invented
    assert all(text[s:e].endswith("。") for s, e in spans[:-1])  # cut at sentence ends


def test_long_line_without_boundaries_is_cut_hard():
    text = "字" * (MAX_PARAGRAPH_CHARS * 3 + 7)
    spans = split_paragraphs(text)
    assert [e - s for s, e in spans] == [MAX_PARAGRAPH_CHARS] * 3 + [7]


def test_a_long_run_of_short_lines_is_a_list_not_one_sentence():
    """A seam joins a sentence broken at its links, but not a list of 40 short titles that
    happens to hold one (a line starting with a comma)."""
    from classifier.paragraphs import INLINE_MAX_CHARS

    titles = [f"第{i}集 山城往事高清在线" for i in range(40)]
    titles[7] = "，续集更新"
    text = "\n".join(titles)
    assert len(text) > INLINE_MAX_CHARS
    assert len(split_paragraphs(text)) == 40
    broken = "雄安新区\n是\n中国\n第一个\n，也是首个由国家规划的新区。"
    assert len(split_paragraphs(broken)) == 1
