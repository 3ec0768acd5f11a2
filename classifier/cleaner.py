"""The public pipeline: split, score, segment, explain.

``Cleaner.load().clean(text)`` returns a `Page` whose `paragraphs` carry the label, the
calibrated probabilities, whether the paragraph is kept, and a short `reason`: the
strongest keywords and n-grams behind the label and what the segmenter changed. Reasons
are computed when first read, so batch runs that only want `page.text` do not pay for them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from .features import BATCH_CHARS, _batch
from .model import ARTICLE, LABELS, Model
from .paragraphs import split_paragraphs
from .segmenter import CONFIDENT, TRANSITION_WEIGHT, segment

MODEL_NAME = "webspam.npz"
REASON_NGRAMS = 3
REASON_KEYWORDS = 3


def default_model_path() -> Path:
    """The shipped model: inside the installed package, else ``models/`` of a source checkout."""
    packaged = Path(str(resources.files("classifier"))) / "models" / MODEL_NAME
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent / "models" / MODEL_NAME


@dataclass(frozen=True)
class Options:
    """Every knob of the cleaner; keyword arguments of `Cleaner.load` override these.

    confident:          the segmenter leaves paragraphs at least this sure alone and decodes
                        the uncertain ones between them (`segmenter.CONFIDENT`).
    transition_weight:  weight of learned label transitions against the classifier's
                        evidence; 0 keeps the classifier's labels.
    keep_labels:        labels whose paragraphs are kept in `Page.text`.
    """

    confident: float = CONFIDENT
    transition_weight: float = TRANSITION_WEIGHT
    keep_labels: tuple[str, ...] = ("article",)


class _Explainer:
    """Builds reasons on demand from the page's features (recomputed per batch if needed)."""

    def __init__(self, model: Model, texts: list[str], batch, probs, labels, changed, top):
        self.model, self.texts, self.batch = model, texts, batch
        self.probs, self.labels, self.changed, self.top = probs, labels, changed, top

    def _batch_for(self, i: int):
        b = self.batch
        if b is not None and b.first <= i < b.first + len(b.stats):
            return b
        # Recompute the batch holding paragraph i (only pages larger than BATCH_CHARS get here).
        first = size = 0
        for j, t in enumerate(self.texts):
            size += len(t) + 1
            if size >= BATCH_CHARS or j == len(self.texts) - 1:
                if first <= i <= j:
                    self.batch = _batch(first, self.texts[first:j + 1], self.model.matcher)
                    return self.batch
                first, size = j + 1, 0
        raise IndexError(i)

    def reason(self, i: int) -> str:
        b = self._batch_for(i)
        local = i - b.first
        label = int(self.labels[i])
        parts = [f"{LABELS[label]} {self.probs[i, label]:.2f}"]
        kw_pid, kw_start, kw_end, kw_cat = b.keywords
        sel = np.flatnonzero(kw_pid == local)
        words: list[str] = []
        for k in sel:
            cat = self.model.matcher.categories[kw_cat[k]]
            if cat.startswith("pattern:"):
                continue
            w = f"{b.joined[kw_start[k]:kw_end[k]]}({cat})"
            if w not in words:
                words.append(w)
        if words:
            parts.append("keywords " + ", ".join(words[:REASON_KEYWORDS]))
        rows = np.flatnonzero(b.ngram_pid == local)
        if len(rows):
            w = self.model.ngram_weights[b.ngram_hash[rows]]
            contrib = (w[:, label] - w.mean(axis=1)) * b.ngram_val[rows]
            grams: list[str] = []
            for k in np.argsort(-contrib, kind="stable"):
                if len(grams) >= REASON_NGRAMS or contrib[k] <= 0:
                    break
                r = rows[k]
                g = b.joined[b.ngram_pos[r]:b.ngram_pos[r] + b.ngram_len[r]]
                if g.strip() and not any(g in o or o in g for o in grams):
                    grams.append(g)
            if grams:
                parts.append("n-grams " + ", ".join(f"「{g}」" for g in grams))
        if self.changed[i]:
            top = int(self.top[i])
            parts.append(f"segmenter: {LABELS[top]} {self.probs[i, top]:.2f} -> {LABELS[label]} from its neighbours")
        return "; ".join(parts)


@dataclass(eq=False)
class Paragraph:
    """One paragraph of the page: its exact text and place, label, probabilities, decision."""

    text: str
    label: str
    probs: dict[str, float]
    kept: bool
    index: int
    start: int
    end: int
    _explainer: _Explainer | None = field(default=None, repr=False)
    _reason: str | None = field(default=None, repr=False)

    @property
    def reason(self) -> str:
        """Why: the label's probability, strongest keywords and n-grams, segmenter changes."""
        if self._reason is None:
            self._reason = self._explainer.reason(self.index) if self._explainer else ""
        return self._reason

    def to_dict(self) -> dict:
        return {"index": self.index, "start": self.start, "end": self.end, "text": self.text,
                "label": self.label, "probs": {k: round(v, 4) for k, v in self.probs.items()},
                "kept": self.kept, "reason": self.reason}


_WRAP_RE = re.compile(r"[ \t]*(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])[ \t\u3000]*")


def _unwrap(text: str) -> str:
    """Join a hard-wrapped paragraph's lines (no space between CJK characters)."""
    def join(m: re.Match) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        return "" if (before > "\u2e80" or after > "\u2e80") else " "
    return _WRAP_RE.sub(join, text)


@dataclass(eq=False)
class Page:
    """The result of `Cleaner.clean`: every paragraph, and the kept article text."""

    paragraphs: list[Paragraph]

    @property
    def text(self) -> str:
        """The kept paragraphs, stripped, joined by newlines."""
        return "\n".join(_unwrap(p.text.strip()) if "\n" in p.text.strip() or "\r" in p.text.strip()
                         else p.text.strip() for p in self.paragraphs if p.kept)

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(LABELS, 0)
        for p in self.paragraphs:
            out[p.label] += 1
        return out

    @property
    def is_spam(self) -> bool:
        """True when any paragraph is labeled spam: the page carries injected promotion."""
        return any(p.label == "spam" for p in self.paragraphs)


@lru_cache(maxsize=4)
def _load_model(path: str) -> Model:
    return Model.load(path)


class Cleaner:
    """Cleans pages with one model. Thread-safe for reading; cheap to share."""

    def __init__(self, model: Model, options: Options | None = None):
        self.model = model
        self.options = options or Options()
        self._priors = np.asarray(model.priors, dtype=np.float64)
        self._keep = np.array([lab in self.options.keep_labels for lab in LABELS])

    @classmethod
    def load(cls, path: str | Path | None = None, **options) -> "Cleaner":
        """The shipped model, or the model file at `path`; `options` override `Options` fields."""
        model = _load_model(str(Path(path) if path else default_model_path()))
        return cls(model, replace(Options(), **options))

    def clean(self, text: str) -> Page:
        spans = split_paragraphs(text)
        texts = [text[s:e] for s, e in spans]
        if not texts:
            return Page([])
        scores, kept_batches, _ = self.model.score_page(texts)
        probs = self.model.probabilities(scores)
        seg = segment(probs, self._priors, self.model.transitions, self.model.start,
                      self.options.confident, self.options.transition_weight)
        labels = seg.labels
        top = probs.argmax(axis=1)
        explainer = _Explainer(self.model, texts, kept_batches[0] if kept_batches else None,
                               probs, labels, seg.changed, top)
        keep = self._keep[labels]
        rows = probs.round(4).tolist()
        paragraphs = [
            Paragraph(t, LABELS[lab], dict(zip(LABELS, row)), bool(k), i, s, e, explainer)
            for i, (t, (s, e), lab, row, k) in enumerate(zip(texts, spans, labels.tolist(), rows, keep.tolist()))
        ]
        return Page(paragraphs)

    def clean_many(self, texts: Iterable[str]) -> Iterator[Page]:
        for t in texts:
            yield self.clean(t)
