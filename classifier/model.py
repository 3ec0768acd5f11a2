"""The paragraph model: weights, scoring, and a file format that never executes code.

A model file is a NumPy ``.npz`` archive of plain arrays plus one JSON document (stored as
a uint8 array) with the metadata; it is read with ``allow_pickle=False``, so loading a file
cannot run code. ``FORMAT_VERSION`` changes whenever the features or arrays change meaning;
a file of another version is refused with one clear error.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import ModelError
from .features import NGRAM_BITS, STAT_NAMES, Batch, batches, dense_features, pattern_keywords
from .lexicon import Matcher, builtin_keywords

FORMAT = "webspam-model"
FORMAT_VERSION = 1
LABELS = ("article", "navigation", "ad", "spam")
ARTICLE, NAVIGATION, AD, SPAM = range(4)
_ARRAYS = ("ngram_weights", "dense_weights", "bias", "dense_mean", "dense_scale", "transitions", "start")


@dataclass
class Model:
    ngram_weights: np.ndarray      # (2**NGRAM_BITS, 4) float32
    dense_weights: np.ndarray      # (n_dense, 4) float32
    bias: np.ndarray               # (4,)
    dense_mean: np.ndarray         # (n_dense,) standardization of dense features
    dense_scale: np.ndarray
    transitions: np.ndarray        # (4, 4) log P(label_t | label_t-1) for the segmenter
    start: np.ndarray              # (4,) log P(first label)
    dense_names: list[str]
    temperature: float = 1.0
    priors: list[float] = field(default_factory=lambda: [0.25] * 4)
    keywords: list[tuple] = field(default_factory=list)  # mined (word, category, z) and user (word, category)
    meta: dict = field(default_factory=dict)
    _matcher: Matcher | None = field(default=None, repr=False, compare=False)

    # ------------------------------------------------------------------ scoring
    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            self._matcher = Matcher.build(list(builtin_keywords()) + [(k[0], k[1]) for k in self.keywords]
                                          + pattern_keywords())
        return self._matcher

    def ngram_scores(self, batch: Batch) -> np.ndarray:
        """(n, 4) summed n-gram weights of the batch's paragraphs."""
        n = len(batch.stats)
        w = self.ngram_weights[batch.ngram_hash]
        w *= batch.ngram_val[:, None]
        return np.stack([np.bincount(batch.ngram_pid, weights=w[:, k], minlength=n)[:n] for k in range(4)], axis=1)

    def dense_matrix(self, stats: np.ndarray, stripped: list[str]) -> np.ndarray:
        dense, names = dense_features(stats, stripped)
        if names != self.dense_names:
            raise ModelError("model features do not match this version of webspam; retrain with `webspam train`")
        return (dense - self.dense_mean) / self.dense_scale

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        z = scores / self.temperature
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    def score_page(self, texts: list[str], keep_batches: bool = True):
        """Logit scores (n, 4) for a page's paragraphs, the batches (when the page fit in
        one batch and `keep_batches`), and the per-paragraph stats."""
        n = len(texts)
        scores = np.zeros((n, 4), dtype=np.float64)
        stats, stripped, kept = [], [], []
        for b in batches(texts, self.matcher):
            scores[b.first:b.first + len(b.stats)] = self.ngram_scores(b)
            stats.append(b.stats)
            stripped.extend(b.stripped)
            kept.append(b)
        stats_all = np.concatenate(stats) if stats else np.zeros((0, len(STAT_NAMES)), np.float32)
        if n:
            scores += self.dense_matrix(stats_all, stripped) @ self.dense_weights + self.bias
        return scores, (kept if keep_batches and len(kept) == 1 else None), stats_all

    # ------------------------------------------------------------------ files
    def save(self, path: str | os.PathLike) -> None:
        """Write atomically: a temporary file in the same directory, then a rename."""
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "labels": list(LABELS),
                "ngram_bits": NGRAM_BITS, "dense_names": self.dense_names, "temperature": self.temperature,
                "priors": self.priors, "keywords": [list(k) for k in self.keywords], "meta": self.meta}
        blob = np.frombuffer(json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8"), dtype=np.uint8)
        path = Path(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez_compressed(fh, meta=blob, **{k: getattr(self, k) for k in _ARRAYS})
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Model":
        path = Path(path)
        if not path.exists():
            raise ModelError(f"{path}: model file not found; pass --model PATH or run `webspam train labeled/ -o {path}`")
        if path.is_dir():
            raise ModelError(f"{path}: is a directory, not a model file")
        try:
            with np.load(path, allow_pickle=False) as npz:
                meta = json.loads(bytes(npz["meta"]).decode("utf-8"))
                arrays = {k: npz[k] for k in _ARRAYS}
        except (zipfile.BadZipFile, ValueError, OSError, KeyError, EOFError, UnicodeDecodeError) as exc:
            kind = "a pickle, which webspam never loads" if _looks_like_pickle(path) else "not a webspam model or damaged"
            raise ModelError(f"{path}: cannot read model file ({kind}: {exc.__class__.__name__}); "
                             "use the shipped model or retrain with `webspam train`") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ModelError(f"{path}: not a webspam model file")
        version = meta.get("format_version")
        if version != FORMAT_VERSION:
            raise ModelError(f"{path}: model format version {version} is not supported by this webspam "
                             f"(which reads version {FORMAT_VERSION}); retrain with `webspam train` or upgrade webspam")
        shapes_ok = (arrays["ngram_weights"].shape == (1 << NGRAM_BITS, 4)
                     and arrays["dense_weights"].shape == (len(meta["dense_names"]), 4)
                     and arrays["transitions"].shape == (4, 4))
        if not shapes_ok:
            raise ModelError(f"{path}: model arrays have unexpected shapes; the file is damaged, retrain it")
        return cls(**{k: arrays[k].astype(np.float32 if k != "transitions" and k != "start" else np.float64)
                      for k in _ARRAYS},
                   dense_names=list(meta["dense_names"]), temperature=float(meta["temperature"]),
                   priors=list(meta["priors"]), keywords=[tuple(k) for k in meta["keywords"]], meta=meta["meta"])


def _looks_like_pickle(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
    except OSError:
        return False
    return len(head) == 2 and head[0] == 0x80 and head[1] <= 5
