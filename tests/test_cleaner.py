"""The public API and cleaning behaviour on page cases written for these tests."""
import json
from pathlib import Path

import pytest

from classifier import LABELS, Cleaner, Page, Paragraph

CASES = [json.loads(l) for l in (Path(__file__).parent / "cases" / "pages.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_page_cases(cleaner, case):
    if case.get("known_failure"):
        pytest.xfail(case["known_failure"])
    page = cleaner.clean("\n".join(case["lines"]))
    assert [p.text for p in page.paragraphs] == case["lines"]
    kept = [i for i, p in enumerate(page.paragraphs) if p.kept]
    for i in case.get("kept", []):
        assert i in kept, (case["lines"][i], page.paragraphs[i].reason)
    for i in case.get("dropped", []):
        assert i not in kept, (case["lines"][i], page.paragraphs[i].reason)
    spam = [i for i, p in enumerate(page.paragraphs) if p.label == "spam"]
    if "spam" in case:
        assert spam == case["spam"], [(i, page.paragraphs[i].reason) for i in set(spam) ^ set(case["spam"])]
    for i, label in case.get("labels", {}).items():
        assert page.paragraphs[int(i)].label == label, page.paragraphs[int(i)].reason


def test_api_shape(cleaner):
    text = (Path(__file__).parent.parent / "examples" / "page.txt").read_text(encoding="utf-8")
    page = cleaner.clean(text)
    assert isinstance(page, Page) and all(isinstance(p, Paragraph) for p in page.paragraphs)
    p = page.paragraphs[11]
    assert set(p.probs) == set(LABELS) and abs(sum(p.probs.values()) - 1) < 1e-3
    assert p.label in LABELS and isinstance(p.kept, bool)
    assert p.reason.startswith(f"{p.label} ")
    assert text[p.start:p.end] == p.text
    assert page.text == "\n".join(q.text.strip() for q in page.paragraphs if q.kept)
    assert page.is_spam and page.counts["spam"] >= 1


def test_reason_names_keywords_and_segmenter(cleaner):
    page = cleaner.clean("\n".join(CASES[2]["lines"]))
    assert "注册送" in page.paragraphs[5].reason and "gambling" in page.paragraphs[5].reason


def test_empty_and_blank_input(cleaner):
    for text in ("", "\n\n", " \u3000\t\r\n"):
        page = cleaner.clean(text)
        assert page.paragraphs == [] and page.text == "" and not page.is_spam


def test_same_labels_alone_or_in_batch(cleaner):
    pages = ["\n".join(c["lines"]) for c in CASES]
    alone = [[p.label for p in cleaner.clean(t).paragraphs] for t in pages]
    together = [[p.label for p in page.paragraphs] for page in cleaner.clean_many(pages)]
    assert alone == together


def test_options_are_used():
    text = "\n".join(CASES[0]["lines"])
    everything = Cleaner.load(keep_labels=LABELS).clean(text)
    assert all(p.kept for p in everything.paragraphs)
    with pytest.raises(TypeError):
        Cleaner.load(no_such_option=1)


@pytest.mark.parametrize("bad", [None, b"\xe4\xbd\xa0\xe5\xa5\xbd", 42])
def test_clean_many_names_the_item_that_is_not_text(cleaner, bad):
    pages = []
    with pytest.raises(TypeError, match=r"item 1 is (NoneType|bytes|int), not str"):
        for page in cleaner.clean_many(["临江市新建口袋公园二十个。", bad, "不会读到这里。"]):
            pages.append(page)
    assert len(pages) == 1 and pages[0].text  # the pages before it were yielded
    with pytest.raises(TypeError, match="not str"):
        cleaner.clean(bad)


def _paragraph_dicts(page):
    return [{"label": p.label, "probs": p.probs, "kept": p.kept, "kind": p.kind, "reason": p.reason,
             "start": p.start, "end": p.end} for p in page.paragraphs]


def test_paragraph_records_are_the_paragraphs_values(cleaner, monkeypatch):
    from classifier import cleaner as cleaner_module

    text = ("首页 | 新闻 | 体育 | 联系我们\n本市今年启动老旧小区改造工程，计划在年底前完成三十个小区的外墙保温和管网更新。\n"
            "澳门新葡京娱乐城 注册即送888元彩金 百家乐 在线投注\n版权所有 © 2024\n")
    pages = list(cleaner.clean_many([text, "", text * 3]))  # several pages cleaned together
    records = [p.paragraph_records() for p in pages]  # from the arrays, before `paragraphs` is read
    assert records == [_paragraph_dicts(p) for p in pages] and records[0] and records[1] == []
    assert pages[0].paragraph_records() == records[0]  # and from the Paragraph objects, once built
    monkeypatch.setattr(cleaner_module, "PART_CHARS", 60)  # a page cleaned in parts
    joined = cleaner.clean(text * 2)
    assert joined._parts and joined.paragraph_records() == _paragraph_dicts(joined)


def test_reasons_from_the_pages_shared_batch_are_each_pages_own(cleaner):
    texts = [("首页 | 新闻 | 体育 | 联系我们\n本市今年启动老旧小区改造工程，计划在年底前完成三十个小区的外墙保温。\n"
              f"第{i}期 澳门新葡京娱乐城 注册即送888元彩金 百家乐 在线投注\n责任编辑：王明\n") for i in range(5)]
    shared = list(cleaner.clean_many(texts, explain=True))
    assert shared[0]._explainer.shared is not None
    for page, text in zip(shared, texts):
        assert page.paragraph_records() == _paragraph_dicts(cleaner.clean(text))
    assert [p.paragraph_records() for p in cleaner.clean_many(texts)] == [p.paragraph_records() for p in shared]
