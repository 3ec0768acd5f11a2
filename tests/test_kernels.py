"""The compiled kernels (`classifier._kernels`) give exactly what the numpy code gives:
the same feature arrays, bit-identical scores, the same labels and text. The numpy code is
the reference: it runs when the package was built without a C compiler."""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier import kernels
from classifier.features import batches
from classifier.labeled import read_labeled
from conftest import ROOT
from test_properties import LINES

if kernels.compiled is None:
    reason = ("the compiled kernels are not built in this checkout (pip install -e . builds them where a C "
              "compiler is); the numpy code runs")
    if os.environ.get("WEBSPAM_REQUIRE_KERNELS"):
        pytest.fail(reason + ", and WEBSPAM_REQUIRE_KERNELS asks for them", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

BATCH_FIELDS = ("first", "stats", "ngram_hash", "group_sizes", "short_groups", "paragraph_scale", "fingerprint",
                "char_pid", "char_pos")


def _run(cleaner, text, compiled):
    saved = kernels.compiled
    kernels.compiled = compiled
    try:
        model = cleaner.model
        page = cleaner.clean(text)
        starts, ends = page._starts, page._ends
        found = list(batches(page._text, starts, ends, model.matcher)) if page._parts == [] else []
        scores = model.score_page(page._text, starts, ends)[0] if page._parts == [] else None
        return page, found, scores
    finally:
        kernels.compiled = saved


def _texts(shared_ok: bool) -> list[str]:
    texts = ["\n".join(page.texts) for page in read_labeled([ROOT / "labeled"])][::5]
    texts += ["", " ", "\n\n", "a", "一", "  一二\n\n  \n", "\u3000\u3000正文。\n\n\n", "𠀀𠀁 x\n\t\n",
              "1、第一\n2、第二\n  \n", "x" * 5, "y\n" * 3 + " \n"]
    if shared_ok:
        import _shared
        texts += [p["text"] for p in _shared.dev_pages()]
        texts += [p["text"] for p in _shared.seed_pages()]
    return texts


def test_compiled_kernels_match_numpy(cleaner):
    import _shared
    texts = _texts(_shared.available())
    assert len(texts) > 100
    for text in texts:
        fast, fast_batches, fast_scores = _run(cleaner, text, kernels.compiled)
        slow, slow_batches, slow_scores = _run(cleaner, text, None)
        assert fast.text == slow.text
        assert [p.to_dict() for p in fast.paragraphs] == [p.to_dict() for p in slow.paragraphs]
        assert len(fast_batches) == len(slow_batches)
        for a, b in zip(fast_batches, slow_batches):
            for name in BATCH_FIELDS:
                x, y = np.asarray(getattr(a, name)), np.asarray(getattr(b, name))
                assert x.shape == y.shape and x.dtype == y.dtype and np.array_equal(x, y), (name, text[:40])
            for x, y in zip(a.keywords, b.keywords):
                assert np.array_equal(x, y) and x.dtype == y.dtype
        if fast_scores is not None:
            assert np.array_equal(fast_scores, slow_scores), text[:40]


def test_page_rule_candidates_match_numpy(cleaner):
    """The candidate masks feed rules that only test them, so a wrong mask may leave a page's
    labels alone on these pages: compare the masks themselves."""
    import _shared
    from classifier.normalize import codes_of
    from classifier.paragraphs import paragraph_bounds
    from classifier import repair
    from classifier.cleaner import _TONED, _page_pass
    from classifier.segmenter import page_candidates

    def masks(text):
        codes = codes_of(text)
        starts, ends, scan, counts = _page_pass(text, codes)
        alone = paragraph_bounds(text, codes)  # (by `_kernels.lines` when compiled)
        assert np.array_equal(starts, alone[0]) and np.array_equal(ends, alone[1])
        lengths = page_candidates(codes, starts, ends).lengths
        assert lengths.tolist() == [len(text[a:z].strip()) for a, z in zip(starts.tolist(), ends.tolist())]
        counted, plain = (repair.mojibake_report(text, codes, c) for c in (counts, None))
        assert (counted["status"], counted["lines"]) == (plain["status"], plain["lines"]), text[:40]
        rare = np.count_nonzero(repair.char_classes().take(codes, mode="clip") == repair.RARE)
        toned = bool(_TONED.take(codes, mode="clip").any())
        checks = [counts is None or counts[0] == rare, scan.toned in (toned, False)]
        return [starts, ends, scan.heads, np.array(checks)] + list(page_candidates(codes, starts, ends))

    texts = _texts(_shared.available()) + ["x\r\ny\u2028z\x0bw\x1c v\x85 \n\u3000\n", "3 天前\n12 :30\n刚刚\n前 3",
                                          "鏁板瓧鏀垮簻 (shù) 数字\n正文。- 上一篇：标题",
                                          "本地新闻正文第一行，写的是市里的消息。\n" * 12 + "浜哄伐鏅鸿兘鏂伴椈锛屽彂甯冧細\n结尾。",
                                          "  ３、一项\n\u3000# 注释\n> 引用 ** x\n\x85 12、\u2003旺财 \n\n"]
    for text in texts:
        saved = kernels.compiled
        fast = masks(text)
        kernels.compiled = None
        try:
            slow = masks(text)
        finally:
            kernels.compiled = saved
        for x, y in zip(fast, slow):  # bool arrays byte for byte: a byte 2 is True but 2 & 1 is not
            assert x.dtype == y.dtype and np.array_equal(x.view(np.uint8) if x.dtype == bool else x,
                                                         y.view(np.uint8) if y.dtype == bool else y), text[:40]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(LINES, st.text()))
def test_kernels_match_numpy_on_generated_pages(cleaner, text):
    fast, fast_batches, fast_scores = _run(cleaner, text, kernels.compiled)
    slow, slow_batches, slow_scores = _run(cleaner, text, None)
    assert [p.to_dict() for p in fast.paragraphs] == [p.to_dict() for p in slow.paragraphs]
    for a, b in zip(fast_batches, slow_batches):
        for name in BATCH_FIELDS:
            assert np.array_equal(np.asarray(getattr(a, name)), np.asarray(getattr(b, name))), name
    if fast_scores is not None:
        assert np.array_equal(fast_scores, slow_scores)


@pytest.mark.parametrize("seed", range(20))
def test_decode_of_several_pages_matches_numpy(cleaner, seed):
    """`segment` of pages laid one after the other (`page_starts`, as `clean_many` segments a
    chunk): `_kernels.decode_page` over all of them at once gives the numpy code's labels and
    changes, windows never crossing a page (sure and unsure paragraphs, pages of one paragraph)."""
    from classifier.segmenter import segment

    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 12, size=rng.integers(1, 8))
    n = int(sizes.sum())
    probs = rng.dirichlet(np.full(4, 0.6), size=n)
    page_starts = np.cumsum(np.concatenate(([0], sizes[:-1]))).astype(np.int64)
    model = cleaner.model
    args = (probs, np.asarray(model.priors, dtype=np.float64), model.transitions, model.start)
    fast = segment(*args, page_starts=page_starts)
    saved = kernels.compiled
    kernels.compiled = None
    try:
        slow = segment(*args, page_starts=page_starts)
        alone = [segment(probs[a:a + k], *args[1:]) for a, k in zip(page_starts.tolist(), sizes.tolist())]
    finally:
        kernels.compiled = saved
    assert np.array_equal(fast.labels, slow.labels) and np.array_equal(fast.changed, slow.changed)
    assert np.array_equal(fast.labels, np.concatenate([s.labels for s in alone]))
