"""Properties over arbitrary Unicode (hypothesis), and the clean-article property on dev gold."""
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from classifier.paragraphs import split_paragraphs

ALPHABET = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
            "。，、：；？！“”（）《》 \n\u3000•|_>-0123456789abcXYZ數據發展無碼體育")
LINES = st.lists(st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.sampled_from(list(ALPHABET)), max_size=80),
    st.just("國產精品無碼一區二區| 免费人妻无码| 伊宁县| 永和县|"),
    st.just("數(shù)字政府建設(shè)"),
), max_size=12).map("\n".join)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.text())
def test_never_raises_on_any_unicode(cleaner, text):
    page = cleaner.clean(text)
    for p in page.paragraphs:
        assert p.reason is not None and abs(sum(p.probs.values()) - 1) < 1e-2
    page.text


@SETTINGS
@given(LINES)
@example("正文第一句，写的是本地消息。\n滨江新城\n是\n本省\n省级新区\n，也是首个由省委批复的新区。")
def test_kept_paragraphs_are_an_ordered_subsequence_of_the_input(cleaner, text):
    page = cleaner.clean(text)
    spans = split_paragraphs(text)
    pieces = [text[s:e] for s, e in spans]
    starts = [p.start for p in page.paragraphs]
    assert starts == sorted(starts)
    for p in page.paragraphs:
        original = text[p.start:p.end]
        assert any(p.start >= s and p.end <= e for s, e in spans)  # inside one input paragraph
        if "repaired" not in p.reason:
            assert p.text == original
        else:  # repairs only remove pinyin annotations or re-decode mojibake
            assert len(p.text) <= len(original) or "mojibake" in p.reason
    # page.text is the kept paragraphs in order; a joined paragraph (hard wrap, inline split)
    # comes out with its line breaks removed, so compare without whitespace.
    kept = [p.text for p in page.paragraphs if p.kept]
    assert re.sub(r"\s", "", page.text) == re.sub(r"\s", "", "".join(kept))
    assert page.text.count("\n") == max(len(kept) - 1, 0)
    assert len(pieces) >= len([p for p in page.paragraphs if p.start in [s for s, _ in spans]])


@SETTINGS
@given(st.lists(LINES, min_size=1, max_size=4))
def test_labels_do_not_depend_on_the_batch(cleaner, texts):
    alone = [[p.label for p in cleaner.clean(t).paragraphs] for t in texts]
    together = [[p.label for p in page.paragraphs] for page in cleaner.clean_many(texts)]
    assert alone == together


def test_an_already_clean_article_stays_whole(shared, cleaner):
    """issue 4: `clean` of an already clean article keeps at least 95% of its characters,
    over the dev set's gold texts (all characters of all pages, whitespace excluded)."""
    import eval_clean_article

    assert eval_clean_article.measure(cleaner)["all"] >= CLEAN_ARTICLE_FLOOR


CLEAN_ARTICLE_FLOOR = 0.95  # issue 4; measured 0.958 with the shipped model (python scripts/eval_clean_article.py; per-page mean 0.963, 131 of 148 pages keep 95%); 0.840 before inline-split lines were joined, code and markdown blocks, numbered lists and enclosed sentences kept and labeled/longform_notes.jsonl was written
