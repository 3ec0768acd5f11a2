"""The public pipeline: split, repair, score, segment, explain.

``Cleaner.load().clean(text)`` returns a `Page` whose `paragraphs` carry the label, the
calibrated probabilities, whether the paragraph is kept, and a short `reason`: repairs made,
the strongest keywords and n-grams behind the label, and what the segmenter changed.
`Paragraph` objects and reasons are built when first read, so a batch run that only wants
`page.text` pays for neither.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from . import kernels, repair
from .features import CHUNK_CHARS, batches, page_of
from .model import LABELS, SPAM, Model
from .model_paths import ModelChoice, resolve_model
from .normalize import LUT_SIZE, char_set_table, codes_of, to_simplified
from .paragraphs import CUT_RE, LINE_ENDS, _line_table, paragraph_bounds
from .segmenter import (ARTICLE_CONFIDENT, BRAND_MAX_CHARS, CONFIDENT, TRANSITION_WEIGHT, PageState,
                        page_candidates, run_page_rules, segment)
from .verdict import PROMO, PageStats, Verdict, page_terms, stats_of, verdict

PART_CHARS = 1_000_000  # larger pages are cleaned in parts of at most this many characters
PART_LINES = 50_000     # ... and lines
REASON_NGRAMS = 3
REASON_KEYWORDS = 3
REASON_CANDIDATES = 16  # a paragraph's heaviest n-grams read for its reason (overlapping ones are skipped)
REASON_WEIGHT_CAP = 1024.0  # n-gram weights above this explain as much as this
_TONED = char_set_table(repair.TONED_VOWELS)  # code point -> a vowel with a pinyin tone mark
# code point -> may be the first / second character of a glued footer marker
_GLUE_FIRST, _GLUE_SECOND = (char_set_table("".join(h[k] for h in repair.GLUE_MARKER_HEADS)) for k in (0, 1))


@lru_cache(maxsize=1)
def _page_table() -> np.ndarray:
    """The character bits of `_kernels.page_pass` (uint8, one slot past the table): bits 0-1
    the line kind of `paragraphs._line_table`, 4 may open a glued footer marker, 8 may be its
    second character, 16 a toned pinyin vowel (see `_Scan`), bits 5-6 the class of
    `repair.char_classes`. A code point past a table has what that table gives it (each
    clips to its last entry)."""
    lines = _line_table()
    table = np.empty(LUT_SIZE + 1, dtype=np.uint8)
    table[:LUT_SIZE] = lines
    table[LUT_SIZE] = lines[-1]
    table |= (_GLUE_FIRST.view(np.uint8) << 2) | (_GLUE_SECOND.view(np.uint8) << 3) | (_TONED.view(np.uint8) << 4)
    classes = repair.char_classes()  # (the BMP and one slot past it)
    table[:len(classes)] |= classes << 5
    table[len(classes):] |= classes[-1] << 5
    return table


@dataclass
class _Scan:
    """What the repairs look for in a page's code points: where a glued footer marker may
    start (two consecutive characters of `repair.GLUE_MARKER_HEADS`) and whether a toned
    pinyin vowel occurs."""

    heads: np.ndarray
    toned: bool

    @classmethod
    def of(cls, text: str, codes: np.ndarray) -> "_Scan":
        heads = (_GLUE_FIRST.take(codes[:-1], mode="clip") & _GLUE_SECOND.take(codes[1:], mode="clip")).nonzero()[0]
        toned = ("(" in text or "（" in text) and bool(_TONED.take(codes, mode="clip").any())
        return cls(heads, toned)


def _page_pass(text: str, codes: np.ndarray) -> tuple:
    """A page's paragraphs (`paragraph_bounds`), its `_Scan` and `repair.mojibake_report`'s
    counts (None: the report counts them): by `_kernels.page_pass` in one pass over the code
    points (three passes cost 5% of `clean_many` on the dev pages), else with numpy."""
    if kernels.compiled is None:
        return (*paragraph_bounds(text, codes), _Scan.of(text, codes), None)
    lines, heads, toned, counts = kernels.compiled.page_pass(codes, _page_table(), repair.RARE, repair.COMMON,
                                                             repair.MIN_RARE_CHARS, repair.MIN_RARE_SHARE)
    return (*paragraph_bounds(text, codes, lines), _Scan(heads, toned), counts)


@dataclass(frozen=True)
class Options:
    """Every knob of the cleaner; keyword arguments of `Cleaner.load` override these.

    confident:          the segmenter leaves paragraphs at least this sure alone and decodes
                        the uncertain ones between them (`segmenter.CONFIDENT`).
    article_confident:  an article paragraph at least this sure is left alone too (a headline
                        between navigation lines keeps its label).
    transition_weight:  weight of learned label transitions against the classifier's
                        evidence; 0 keeps the classifier's labels.
    keep_labels:        labels whose paragraphs are kept in `Page.text`.
    repair_pinyin:      remove converter-site pinyin annotations (數(shù)字 -> 數字).
    repair_mojibake:    re-decode UTF-8 read as GBK where it round-trips exactly; paragraphs
                        that stay unreadable are labeled navigation and never kept.
    split_glued:        split lines where naive HTML-to-text glued a footer marker
                        ("- 上一篇：", "责任编辑：" ...) to the end of a sentence.
    to_simplified:      convert `Page.text` to simplified script (paragraphs keep the page's).
    rescue_empty:       when no paragraph is article, keep the run of paragraphs likeliest to
                        be content (`segmenter.rescue_empty`) instead of returning nothing.
    """

    confident: float = CONFIDENT
    article_confident: float = ARTICLE_CONFIDENT
    transition_weight: float = TRANSITION_WEIGHT
    keep_labels: tuple[str, ...] = ("article",)
    repair_pinyin: bool = True
    repair_mojibake: bool = True
    split_glued: bool = True
    to_simplified: bool = False
    rescue_empty: bool = False


def _index_batch(model: Model, b, labels: np.ndarray) -> tuple:
    """Batch `b` indexed for reasons (`labels`: the labels of its paragraphs from ``b.first``
    on): its keyword matches' starts, ends and categories as lists grouped by paragraph, and
    its n-grams of two characters or more as lists of positions, lengths and weights grouped
    by paragraph, each paragraph's sorted by how much they weigh for its label (weight for
    the label minus the mean weight: most first, ties in text order), with that weight. One
    pass over the batch's features, so that explaining every paragraph of a page costs about
    as much as scoring it."""
    n = len(b.stats) + 1
    kw_pid, kw_start, kw_end, kw_cat = b.keywords
    kw_order = np.argsort(kw_pid, kind="stable")
    kw_bounds = np.searchsorted(kw_pid, np.arange(n), sorter=kw_order).tolist()
    kws = (kw_start[kw_order].tolist(), kw_end[kw_order].tolist(), kw_cat[kw_order].tolist())
    rows = np.flatnonzero(b.ngram_len >= 2)  # single characters explain little
    pid = b.ngram_pid[rows]
    weights = model.ngram_rows(b.ngram_hash[rows])
    label = labels[b.first + pid]
    contrib = weights[np.arange(len(rows)), label] - weights.mean(axis=1)
    pos = contrib > 0  # only n-grams weighing for the label explain it
    rows, pid, contrib = rows[pos], pid[pos], contrib[pos]
    # by paragraph, then weight (most first), then place: one stable sort of one key (the
    # weights are float32 and kept below REASON_WEIGHT_CAP, so the key keeps their order)
    key = pid * (2.0 * REASON_WEIGHT_CAP) - np.minimum(contrib, REASON_WEIGHT_CAP)
    order = np.argsort(key, kind="stable")
    pid = pid[order]
    rank = np.arange(len(order)) - np.searchsorted(pid, pid)  # place within its paragraph
    order, pid = order[rank < REASON_CANDIDATES], pid[rank < REASON_CANDIDATES]
    bounds = np.searchsorted(pid, np.arange(n)).tolist()
    rows = rows[order]
    grams = (b.ngram_pos[rows].tolist(), b.ngram_len[rows].tolist(), contrib[order].tolist())
    return kws, kw_bounds, grams, bounds


class _Shared:
    """The one feature batch of pages scored together (`Cleaner.clean_many(explain=True)`) and
    their labels (after the page rules, which change them in place), indexed once for the
    reasons of all of them instead of each page recomputing and indexing its own features."""

    __slots__ = ("batch", "labels", "_indexed")

    def __init__(self, batch, labels: np.ndarray):
        self.batch, self.labels, self._indexed = batch, labels, None

    def index(self, model: Model) -> tuple:
        if self._indexed is None:
            self._indexed = _index_batch(model, self.batch, self.labels)
        return self._indexed


class _Explainer:
    """Builds reasons on demand from the page's features (recomputed per batch if needed)."""

    def __init__(self, model: Model, text, starts, ends, batch, probs, labels, changed, repairs,
                 shared: _Shared | None = None, row0: int = 0):
        self.model, self.text, self.starts, self.ends, self.batch = model, text, starts, ends, batch
        self.probs, self.labels, self.changed, self.repairs = probs, labels, changed, repairs
        self.shared, self.row0 = shared, row0  # the pages' batch, in which this page's rows start at row0
        self._index_of, self._indexed = None, None  # the batch `_index` indexed, and its index
        self._later = None  # the batches after `batch`, when the page has several
        self._rows = None  # labels, probabilities and changes as lists (`reason`)
        self._reasons_of, self._reasons = None, None  # the batch whose reasons are built, and them

    def _batch_for(self, i: int):
        b = self.batch
        if b is not None and b.first <= i < b.first + len(b.stats):
            return b
        # Only pages larger than one batch get here: recompute the batch holding paragraph i,
        # going on from the last one computed when i lies after it (paragraphs are usually
        # read in order), else from the page's start.
        if self._later is None or b is None or i < b.first:
            self._later = batches(self.text, self.starts, self.ends, self.model.matcher)
        for b in self._later:
            if b.first <= i < b.first + len(b.stats):
                self.batch = b
                return b
        self._later = None
        raise IndexError(i)

    def _index(self, b) -> tuple:
        """Batch `b` indexed for `reason` (`_index_batch`), once."""
        if self._index_of is not b:
            self._index_of, self._indexed = b, _index_batch(self.model, b, self.labels)
        return self._indexed

    def reason(self, i: int) -> str:
        """Paragraph i's reason. The reasons of every paragraph of its batch are built at the
        first request, in one loop (a batch run or `score` reads them all)."""
        if self.shared is not None:  # the page's rows of the pages' batch
            if self._reasons is None:
                self._reasons = self._reasons_in(self.shared.batch, self.shared.index(self.model), self.row0, 0,
                                                 len(self.labels))
            return self._reasons[i]
        b = self._batch_for(i)
        if self._reasons_of is not b:
            self._reasons, self._reasons_of = self._reasons_in(b, self._index(b), 0, b.first, len(b.stats)), b
        return self._reasons[i - b.first]

    def _reasons_in(self, b, index: tuple, row0: int, first: int, count: int) -> list[str]:
        """The reasons of the page's paragraphs first..first+count-1, rows row0.. of batch `b`
        (`index`: `_index_batch` of it): the label's probability, repairs and notes, the
        strongest keywords and n-grams, what the segmenter changed."""
        if self._rows is None:  # the page's labels, probabilities and changes as Python values, once
            self._rows = (self.labels.tolist(), self.probs.tolist(), self.changed.tolist())
        all_labels, all_probs, all_changed = self._rows
        (kw_start, kw_end, kw_cat), kw_bounds, (pos, length, weight), bounds = index
        categories = self.model.matcher.categories
        shown = [not c.startswith("pattern:") for c in categories]
        text, notes, out = b.text, self.repairs, []
        for local in range(row0, row0 + count):
            i = first + local - row0
            label, probs = all_labels[i], all_probs[i]
            parts = [f"{LABELS[label]} {probs[label]:.2f}"]
            if notes.get(i):
                parts.append(", ".join(notes[i]))
            words: list[str] = []
            for k in range(kw_bounds[local], kw_bounds[local + 1]):
                cat = kw_cat[k]
                if shown[cat]:
                    w = f"{text[kw_start[k]:kw_end[k]]}({categories[cat]})"
                    if w not in words:
                        words.append(w)
                        if len(words) == REASON_KEYWORDS:
                            break
            if words:
                parts.append("keywords " + ", ".join(words))
            grams: list[str] = []
            for k in range(bounds[local], bounds[local + 1]):
                if len(grams) >= REASON_NGRAMS or weight[k] <= 0:
                    break
                g = text[pos[k]:pos[k] + length[k]]
                if g.strip():
                    for o in grams:
                        if g in o or o in g:
                            break
                    else:
                        grams.append(g)
            if grams:
                parts.append("n-grams " + ", ".join(f"「{g}」" for g in grams))
            if all_changed[i]:
                top = probs.index(max(probs))  # the classifier's label
                parts.append(f"segmenter: {LABELS[top]} {probs[top]:.2f} -> {LABELS[label]} from its neighbours")
            out.append("; ".join(parts))
        return out


def _probs_dict(row) -> dict[str, float]:
    """A paragraph's probabilities (a row in LABELS' order) as label -> probability, 4 places."""
    a, n, d, s = row
    return {"article": round(float(a), 4), "navigation": round(float(n), 4), "ad": round(float(d), 4),
            "spam": round(float(s), 4)}


class Paragraph:
    """One paragraph of the page: its text and place, label, probabilities, decision.

    `text` is the page's text for this paragraph, after the repairs its `reason` reports
    (none, for most paragraphs); ``start:end`` is its place in the input. `probs` (label ->
    calibrated probability) and `reason` are computed when first read.
    """

    __slots__ = ("text", "label", "kept", "index", "start", "end", "kind", "_row", "_explainer", "_reason", "_local")

    def __init__(self, text: str, label: str, probs, kept: bool, index: int = 0, start: int = 0,
                 end: int = 0, explainer: _Explainer | None = None, reason: str | None = None,
                 kind: str | None = None):
        self.text, self.label, self.kept = text, label, kept
        self.kind = kind  # a spam paragraph's kind: "promo" or "seo" (LABELING.md); None otherwise
        self.index, self.start, self.end = index, start, end
        self._row, self._explainer, self._reason = probs, explainer, reason
        self._local = index  # the paragraph's index in the part of the page its explainer knows

    @property
    def probs(self) -> dict[str, float]:
        row = self._row
        return row if isinstance(row, dict) else _probs_dict(row)

    @property
    def reason(self) -> str:
        """Why: the label's probability, repairs, strongest keywords and n-grams, segmenter changes."""
        if self._reason is None:
            self._reason = self._explainer.reason(self._local) if self._explainer else ""
        return self._reason

    def __repr__(self) -> str:
        return (f"Paragraph(index={self.index}, label={self.label!r}, kept={self.kept}, "
                f"probs={self.probs}, text={self.text[:30]!r})")

    def to_dict(self) -> dict:
        out = {"index": self.index, "start": self.start, "end": self.end, "text": self.text,
               "label": self.label, "probs": self.probs, "kept": self.kept, "reason": self.reason}
        if self.kind is not None:
            out["kind"] = self.kind
        return out


_WRAP_RE = re.compile(rf"[ \t]*(?:\r\n|[{LINE_ENDS}])[ \t\u3000]*")


def _unwrap(text: str) -> str:
    """Join a hard-wrapped paragraph's lines (no space between CJK characters)."""
    def join(m: re.Match) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        return "" if (before > "\u2e80" or after > "\u2e80") else " "
    return _WRAP_RE.sub(join, text.strip())


class Page:
    """The result of `Cleaner.clean`: every paragraph, and the kept article text."""

    def __init__(self, text: str = "", starts=(), ends=(), spans=None, labels=(), probs=None, kept=(),
                 explainer: _Explainer | None = None, to_simplified: bool = False):
        self._text, self._starts, self._ends, self._spans = text, starts, ends, spans
        self._labels, self._probs, self._kept, self._explainer = labels, probs, kept, explainer
        self._to_simplified = to_simplified
        self._paragraphs: list[Paragraph] | None = None
        self._parts: list[tuple[int, Page]] = []
        self._kinds: dict[int, str] = {}        # spam paragraph -> "promo" | "seo"
        self._stats: PageStats | None = None    # what the verdict reads (`verdict.stats_of`)
        self._verdict: Verdict | None = None

    def _joined_paragraphs(self) -> list[Paragraph]:
        out: list[Paragraph] = []
        for offset, part in self._parts:
            for p in part.paragraphs:
                p.index, p.start, p.end = len(out), p.start + offset, p.end + offset
                out.append(p)
        return out

    @property
    def paragraphs(self) -> list[Paragraph]:
        if self._paragraphs is None and self._parts:
            self._paragraphs = self._joined_paragraphs()
        if self._paragraphs is None:
            t, ex = self._text, self._explainer
            self._paragraphs = [
                Paragraph(t[s:e], LABELS[lab], row, k, i, os, oe, ex, kind=self._kinds.get(i))
                for i, (s, e, os, oe, lab, row, k) in enumerate(zip(
                    self._starts.tolist(), self._ends.tolist(), *(a.tolist() for a in self._spans), self._labels.tolist(),
                    self._probs.tolist() if self._probs is not None else [], self._kept.tolist()))]
        return self._paragraphs

    def paragraph_records(self) -> list[dict]:
        """Each paragraph as a batch run writes it: label, probs (label -> probability, 4
        places), kept, kind, reason, start, end (its place in the input). The values of
        `paragraphs`, read straight from the page's arrays when it has not built them."""
        if self._parts or self._paragraphs is not None:
            return [{"label": p.label, "probs": p.probs, "kept": p.kept, "kind": p.kind, "reason": p.reason,
                     "start": p.start, "end": p.end} for p in self.paragraphs]
        ex, kinds = self._explainer, self._kinds
        rows = self._probs.tolist() if self._probs is not None else []
        return [{"label": LABELS[lab], "probs": _probs_dict(row), "kept": k, "kind": kinds.get(i),
                 "reason": ex.reason(i) if ex else "", "start": os, "end": oe}
                for i, (os, oe, lab, row, k) in enumerate(zip(
                    self._spans[0].tolist(), self._spans[1].tolist(), self._labels.tolist(), rows, self._kept.tolist()))]

    @property
    def text(self) -> str:
        """The kept paragraphs, stripped (hard wraps joined), one per line."""
        if self._parts:
            return "\n".join(t for t in (part.text for _, part in self._parts) if t)
        t = self._text
        kept = self._kept.nonzero()[0] if len(self._kept) else np.zeros(0, dtype=np.int64)
        parts = [t[s:e].strip() for s, e in zip(self._starts[kept].tolist(), self._ends[kept].tolist())]
        article = "\n".join(_unwrap(p) if "\n" in p or "\r" in p else p for p in parts)
        return to_simplified(article) if self._to_simplified else article

    @classmethod
    def join(cls, parts: list[tuple[int, "Page"]]) -> "Page":
        """One page from pages cleaned from consecutive parts of a text (part offset, page)."""
        page = cls(labels=np.concatenate([p._labels for _, p in parts]),
                   kept=np.concatenate([p._kept for _, p in parts]))
        page._parts = parts
        stats = [p._stats for _, p in parts if p._stats is not None]
        page._stats = sum(stats[1:], stats[0]) if stats else None
        return page

    @property
    def counts(self) -> dict[str, int]:
        counts = np.bincount(np.asarray(self._labels, dtype=np.int64), minlength=len(LABELS))
        return {lab: int(c) for lab, c in zip(LABELS, counts)}

    @property
    def verdict(self) -> Verdict:
        """The page's spam verdict (`verdict.Verdict`): calibrated score, kind, form, reason."""
        if self._verdict is None:
            self._verdict = verdict(self._stats) if self._stats is not None else Verdict(0.0, reason="no paragraph")
        return self._verdict

    @property
    def spam_score(self) -> float:
        return self.verdict.score

    @property
    def is_spam(self) -> bool:
        """The verdict: the page carries spam (its score is at least 0.5)."""
        return self.verdict.is_spam

    def to_dict(self, paragraphs: bool = True) -> dict:
        """The page as JSON: its verdict, label counts and (by default) its paragraphs."""
        out = {"verdict": self.verdict.to_dict(), "counts": self.counts}
        if paragraphs:
            out["paragraphs"] = [p.to_dict() for p in self.paragraphs]
        return out


def _whole(text: str) -> bool:
    """True when `clean` takes the page in one part."""
    return len(text) <= PART_CHARS and text.count("\n", 0, PART_CHARS) <= PART_LINES


def _parts(text: str) -> Iterator[tuple[int, int]]:
    """Consecutive (start, end) parts of `text` within PART_CHARS and PART_LINES, cut after a
    line end when there is one, else after a sentence end or space, else hard."""
    lo = 0
    while lo < len(text):
        hi = min(lo + PART_CHARS, len(text))
        cut, lines = lo, 0
        while lines < PART_LINES:  # the end of the PART_LINES-th line, or the last line end
            nxt = text.find("\n", cut, hi)
            if nxt < 0:
                break
            cut, lines = nxt + 1, lines + 1
        if lines >= PART_LINES:
            hi = cut
        elif hi < len(text):
            if cut == lo:  # no line end at all: a sentence end or a space, else a hard cut
                for m in CUT_RE.finditer(text, max(lo, hi - 2000), hi):
                    cut = m.end()
            hi = cut if cut > lo else hi
        yield lo, hi
        lo = hi


class _Texts(list):
    """A page's paragraph texts, sliced from the page once: a list, so that the page rules'
    many reads (``texts[i]``, `text_of`) are C-level indexing, not a Python call each (that
    cost 5% of `clean_many` on the dev pages when every read sliced the page anew). Also holds
    the page `text` and the paragraphs' `starts` and `ends` (lists), for the rules that search
    the whole page and map offsets back to paragraphs."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str, starts: list[int], ends: list[int]):
        super().__init__([text[s:e] for s, e in zip(starts, ends)])
        self.text, self.starts, self.ends = text, starts, ends


@dataclass
class _Prepared:
    """A page ready for scoring: its (repaired) text and paragraphs, and what the repairs did."""

    text: str
    codes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    spans: tuple[np.ndarray, np.ndarray]  # the paragraphs' places in the input
    notes: dict[int, list[str]]
    flagged: list[int]


_NEWLINE = np.array([10], dtype=np.intp)


@lru_cache(maxsize=4)
def _load_model(path: str) -> Model:
    return Model.load(path)


class Cleaner:
    """Cleans pages with one model. Safe to share between threads; cheap to copy to workers."""

    def __init__(self, model: Model, options: Options | None = None):
        self.model = model
        self.options = options or Options()
        self.choice: ModelChoice | None = None  # which model file, when loaded by `load`
        self._priors = np.asarray(model.priors, dtype=np.float64)
        self._keep = np.array([lab in self.options.keep_labels for lab in LABELS])

    @classmethod
    def load(cls, path: str | Path | None = None, **options) -> "Cleaner":
        """The model file at `path`, else the one `model_paths.resolve_model` names ($WEBSPAM_MODEL,
        the user model written by `webspam train`, the shipped model); `options` override
        `Options` fields."""
        choice = resolve_model(path)
        cleaner = cls(_load_model(str(choice.path)), replace(Options(), **options))
        cleaner.choice = choice
        return cleaner

    def warm(self) -> "Cleaner":
        """Build now what cleaning builds on first use: the model's keyword and brand automata,
        every table of the cleaning modules cached on first call (character classes, the
        repairs' codec tables, the page rules' and the spam lexicon's tables), and whatever a
        first page imports. A batch run calls it before it forks its workers, which then share
        all of it (copy-on-write) instead of each building its own, about 0.1-0.2 s of CPU per
        worker. Returns the cleaner."""
        import functools
        import inspect
        import sys

        from . import features, lexicon, normalize, paragraphs, segmenter, verdict

        self.model.matcher
        self.model._brand_automaton()
        # not: _t2s (OpenCC, --to-simplified only: below) and rare_char_re (mojibake_report's
        # test when it is given no code points, which the cleaner always gives)
        skip = ("_t2s", "rare_char_re") + (("_unigram_table",) if kernels.compiled is not None else ())  # (numpy path's)
        for module in (normalize, features, paragraphs, repair, segmenter, verdict, lexicon, sys.modules[__name__]):
            for name, f in list(vars(module).items()):
                if (isinstance(f, functools._lru_cache_wrapper) and f.__module__ == module.__name__ and name not in skip
                        and not any(p.default is p.empty for p in inspect.signature(f).parameters.values())):
                    f()
        if self.options.to_simplified:
            normalize.to_simplified("")
        self.clean("网站首页 | 新闻中心 | 联系我们\n这是一段用来预热的文字，它有句号。还有第二句话！\n"
                   "版权所有 © 2024 备案号：京ICP备00000000号\n")
        return self

    def _split_glued(self, text: str, heads: np.ndarray, starts: np.ndarray, ends: np.ndarray):
        """Cut paragraphs at `repair.glued_boundaries`. The candidates are the matches of
        `repair.GLUE_MARKER_RE` in the page (what its finditer finds): the regex is tried
        only where two consecutive characters may open a marker (`heads`, see `_Scan`), a
        few places per page, instead of scanning every character."""
        hits, end = [], 0
        for at in heads.tolist():
            if at >= end and (m := repair.GLUE_MARKER_RE.match(text, at)):
                hits.append(at)
                end = m.end()
        if not hits:
            return starts, ends
        # the paragraph starting before each hit (a handful per page: plain Python)
        owners = (starts.searchsorted(hits, side="right") - 1).tolist()
        inside = sorted({i for i, h in zip(owners, hits) if i >= 0 and h > starts[i]})
        cuts = {i: repair.glued_boundaries(text[starts[i]:ends[i]]) for i in inside}
        cuts = {i: c for i, c in cuts.items() if c}
        if not cuts:
            return starts, ends
        out_s, out_e = [], []
        for i, (s, e) in enumerate(zip(starts.tolist(), ends.tolist())):
            for a, b in zip([0, *cuts.get(i, [])], [*cuts.get(i, []), e - s]):
                piece = text[s + a:s + b]
                if piece.strip():  # later pieces lose the spaces around the cut
                    out_s.append(s + a + (len(piece) - len(piece.lstrip()) if a else 0))
                    out_e.append(s + a + len(piece.rstrip()))
        return np.array(out_s, dtype=np.int64), np.array(out_e, dtype=np.int64)

    def _repairs(self, text: str, codes: np.ndarray, scan: _Scan, counts: tuple | None, starts: np.ndarray,
                 ends: np.ndarray):
        """Repaired paragraph texts (or None when nothing changed) and per-paragraph notes
        (`counts`: `repair.mojibake_report`'s, or None)."""
        o = self.options
        pinyin = o.repair_pinyin and ("(" in text or "（" in text) and scan.toned
        moji = garbled = False
        if o.repair_mojibake:
            report = repair.mojibake_report(text, codes, counts)
            moji = report["status"] != repair.OK
            if report["rare"] >= repair.GARBLED_MIN_RARE:  # the paragraphs holding a garbled run
                runs = [a for a, _, _ in repair.garbled_runs(text, codes)]
                garbled = set((starts.searchsorted(runs, side="right") - 1).tolist())
        if not (pinyin or moji or garbled):
            return None, {}, []
        texts = [text[s:e] for s, e in zip(starts.tolist(), ends.tolist())]
        notes: dict[int, list[str]] = {}
        flagged = []
        changed = False
        for i, t in enumerate(texts):
            if pinyin and ("(" in t or "（" in t):
                fixed, count = repair.strip_pinyin(t)
                if count:
                    texts[i], changed = fixed, True
                    notes.setdefault(i, []).append(f"repaired: {count} pinyin annotation(s) removed")
            if moji:
                fixed, action = repair.fix_mojibake(texts[i])
                if action == repair.REPAIRED:
                    texts[i], changed = fixed, True
                    notes.setdefault(i, []).append("repaired: mojibake (UTF-8 read as GBK) re-decoded")
                elif action == repair.FLAGGED:
                    flagged.append(i)
                    notes.setdefault(i, []).append("flagged: unreadable mojibake, not kept")
            if garbled and i in garbled and i not in flagged:
                fixed, redecoded, removed = repair.fix_garbled_runs(texts[i])
                if redecoded:
                    notes.setdefault(i, []).append(f"repaired: {redecoded} garbled run(s) re-decoded (UTF-8 read as GBK)")
                if removed:
                    notes.setdefault(i, []).append(f"repaired: {removed} garbled character(s) removed (lost bytes)")
                if fixed != texts[i]:
                    texts[i], changed = fixed, True
        return (texts if changed else None), notes, flagged

    def clean(self, text: str) -> Page:
        """Clean one page. Very large pages are cleaned in parts of at most PART_CHARS
        characters and PART_LINES lines (cut at a line end, else a sentence end or space), so
        memory stays bounded; each part is cleaned as this method cleans a page."""
        if not isinstance(text, str):
            raise TypeError(f"clean: the page is {type(text).__name__}, not str; decode bytes first "
                            "(classifier.textio.decode)")
        if _whole(text):
            return self._clean_pages([text])[0]
        return Page.join([(lo, self._clean_pages([text[lo:hi]], keep_batch=False)[0]) for lo, hi in _parts(text)])

    def _prepare(self, text: str) -> _Prepared | None:
        """A page's paragraphs, split and repaired, ready for scoring (None: no paragraph)."""
        codes = codes_of(text)
        starts, ends, scan, counts = _page_pass(text, codes)
        if not len(starts):
            return None
        if self.options.split_glued:
            starts, ends = self._split_glued(text, scan.heads, starts, ends)
        spans = (starts, ends)  # places in the input, before any repair moves the text
        repaired, notes, flagged = self._repairs(text, codes, scan, counts, starts, ends)
        if repaired is not None:  # features and output use the repaired text
            text, starts, ends = page_of(repaired)
            codes = codes_of(text)
        return _Prepared(text, codes, starts, ends, spans, notes, flagged)

    def _clean_pages(self, texts: list[str], keep_batch: bool = True, explain: bool = False) -> list[Page]:
        """Clean pages that need no parts. Several pages are scored and segmented together,
        laid out one after the other; every page gets what it gets alone. `explain`: the
        pages keep their shared feature batch for their reasons (`_Shared`)."""
        prepared = [self._prepare(t) for t in texts]
        live = [p for p in prepared if p is not None]
        batch = None
        if len(live) == 1:
            p = live[0]
            scores, batch = self.model.score_page(p.text, p.starts, p.ends, p.codes, keep_batches=keep_batch)
            page_starts = None
        elif live:
            offsets = np.cumsum([0] + [len(p.text) + 1 for p in live[:-1]])  # pages joined by "\n"
            page_starts = np.cumsum([0] + [len(p.starts) for p in live[:-1]])
            scores = self.model.score_pages(
                "\n".join(p.text for p in live), np.concatenate([c for p in live for c in (p.codes, _NEWLINE)]),
                np.concatenate([p.starts + o for p, o in zip(live, offsets.tolist())]),
                np.concatenate([p.ends + o for p, o in zip(live, offsets.tolist())]), page_starts, keep_batch=explain)
            if explain:
                scores, batch = scores
        if live:
            probs = self.model.probabilities(scores)
            o = self.options
            seg = segment(probs, self._priors, self.model.transitions, self.model.start, o.confident,
                          o.transition_weight, o.article_confident, page_starts)
            rows = list(itertools.accumulate((len(p.starts) for p in live), initial=0))
            shared = _Shared(batch, seg.labels) if explain and page_starts is not None else None
        out, k = [], 0
        for text, p in zip(texts, prepared):
            if p is None:
                none = np.zeros(0, dtype=np.int64)
                out.append(Page(text, none, none, (none, none), none, np.zeros((0, 4)), np.zeros(0, dtype=bool)))
                continue
            a, z = rows[k], rows[k + 1]
            k += 1
            out.append(self._finish(p, probs[a:z], seg.labels[a:z], seg.changed[a:z], batch if shared is None else None,
                                    shared, a))
        return out

    def _finish(self, p: _Prepared, probs: np.ndarray, labels: np.ndarray, changed: np.ndarray, batch,
                shared: _Shared | None = None, row0: int = 0) -> Page:
        """A page from its paragraphs' probabilities and segmented labels (changed in place):
        the page rules of `segmenter.PAGE_RULES` run in order, each noting what it changed in
        the paragraphs' reasons; then every spam paragraph gets its kind (promo when it holds
        a gambling, lottery or adult term or sits on such a site, else seo) and the page the
        statistics its verdict reads (`verdict.stats_of`)."""
        notes = p.notes
        starts, ends, sizes = p.starts.tolist(), p.ends.tolist(), p.ends - p.starts
        texts = _Texts(p.text, starts, ends)
        found: list = []
        scanned = np.zeros(len(labels), dtype=bool)
        marks = page_candidates(p.codes, p.starts, p.ends)

        def hits() -> list:  # the spam lexicon's terms in the spam paragraphs, each scanned once
            new = (labels == SPAM) & ~scanned
            if new.any() or not found:
                found.extend(page_terms(p.text, p.codes, p.starts, p.ends, new.nonzero()[0], marks.betting))
                scanned[new] = True
            return found
        state = PageState(texts.__getitem__, texts, labels, probs, sizes, marks, hits, p.flagged,
                          self.options.rescue_empty, codes=p.codes)
        run_page_rules(state, notes)
        stats, terms = stats_of(texts, labels, probs, sizes, hits() if (labels == SPAM).any() else [], state.site,
                                state.sure_seo)
        kinds: dict[int, str] = {}
        promo = "\n".join(texts[i] for i in terms)  # the spam paragraphs with promo terms
        for i in (labels == SPAM).nonzero()[0].tolist():
            if i in terms:
                words = ", ".join(dict.fromkeys(t.split(":", 1)[1] for t in terms[i][:3]))
                kinds[i], note = "promo", f"kind promo: {words}"
            elif state.site in PROMO:
                kinds[i], note = "promo", "kind promo: on a whole spam site"
            elif promo and 2 <= len(t := texts[i].strip()) <= BRAND_MAX_CHARS and t in promo:
                kinds[i], note = "promo", "kind promo: the brand of a promo paragraph"
            else:
                kinds[i], note = "seo", "kind seo: no gambling, lottery or adult term"
            notes.setdefault(i, []).append(note)
        explainer = _Explainer(self.model, p.text, p.starts, p.ends, batch, probs, labels, changed, notes, shared, row0)
        page = Page(p.text, p.starts, p.ends, p.spans, labels, probs, self._keep[labels], explainer,
                    self.options.to_simplified)
        page._kinds, page._stats = kinds, stats
        return page

    def clean_many(self, texts: Iterable[str], explain: bool = False) -> Iterator[Page]:
        """Clean pages, in order: the same pages as `clean` of each, faster. An item that is not
        a str raises TypeError naming its index (pages before it have been yielded). Consecutive
        pages are cleaned together, CHUNK_CHARS characters at a time (fewer, larger numpy
        operations); a page is yielded when its chunk is done. `explain`: the reasons of every
        paragraph will be read; the pages of a chunk then keep the chunk's features (a few MB
        per CHUNK_CHARS characters, while any of its pages lives) and explain from them, instead
        of each page computing its features again at its first reason."""
        chunk: list[str] = []
        size = 0
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                yield from self._clean_pages(chunk, explain=explain) if chunk else ()
                raise TypeError(f"clean_many: item {i} is {type(text).__name__}, not str; decode bytes first "
                                "(classifier.textio.decode) and drop missing pages")
            if len(text) > CHUNK_CHARS or not _whole(text):
                yield from self._clean_pages(chunk, explain=explain) if chunk else ()
                chunk, size = [], 0
                yield self.clean(text)
                continue
            chunk.append(text)
            size += len(text)
            if size >= CHUNK_CHARS:
                yield from self._clean_pages(chunk, explain=explain)
                chunk, size = [], 0
        if chunk:
            yield from self._clean_pages(chunk, explain=explain)
