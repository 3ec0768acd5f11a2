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

from . import kernels
from .errors import ModelError
from .features import NGRAM_BITS, Batch, batches, dense_features, page_of, pages_batch, pattern_keywords
from .lexicon import Matcher, builtin_keywords, sure_seo_terms
from .normalize import LUT_SIZE, codes_of, fold, fold_table

FORMAT = "webspam-model"
FORMAT_VERSION = 1
LABELS = ("article", "navigation", "ad", "spam")
ARTICLE, NAVIGATION, AD, SPAM = range(4)
# added to the spam score of a paragraph holding one of the model's brands (`Model.brands`): it
# ends up spam whatever else it holds (LABELING.md rule 1, spam wins)
BRAND_LOGIT = 30.0
# added for a term of the hand-written seo list: more than the model's margin against spam on
# every cc100 paragraph holding one (at most 1.2 logits), less than that of an article about
# fakes that names "replica watches" (3.3; tests/cases/spam_forms.jsonl)
SEO_TERM_LOGIT = 2.0
_ONE_PAGE = np.zeros(1, dtype=np.int64)  # `page_starts` of a single page
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
    # brands learned from the labeled spam (`keywords.mine_brands`): matched exactly, folded, as
    # category "spam" keywords, and a paragraph holding one gets BRAND_LOGIT on its spam score
    brands: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    _matcher: Matcher | None = field(default=None, repr=False, compare=False)
    _rows: np.ndarray | None = field(default=None, repr=False, compare=False)
    _table: np.ndarray | None = field(default=None, repr=False, compare=False)
    _brands: object = field(default=None, repr=False, compare=False)
    _brand_logits: np.ndarray | None = field(default=None, repr=False, compare=False)

    # ------------------------------------------------------------------ scoring
    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            self._matcher = Matcher.build(list(builtin_keywords()) + [(k[0], k[1]) for k in self.keywords]
                                          + [(b, "spam") for b in self.brands] + pattern_keywords())
        return self._matcher

    def _weights(self) -> np.ndarray:
        """The n-gram weights as one C-contiguous float32 table."""
        if self._table is None:
            self._table = np.ascontiguousarray(self.ngram_weights, dtype=np.float32)
        return self._table

    def ngram_rows(self, hashes: np.ndarray) -> np.ndarray:
        """(m, 4) weight rows of the hashed n-grams. Each row (4 float32, 16 bytes) is viewed
        as one complex128 so that the gather is a 1-D take: several times faster than
        2-D fancy indexing on a table this size."""
        if self._rows is None:
            self._rows = self._weights().view(np.complex128).ravel()
        return self._rows.take(hashes).view(np.float32).reshape(-1, 4)

    def ngram_scores(self, batch: Batch) -> np.ndarray:
        """(n, 4) summed n-gram weights of the batch's paragraphs.

        The occurrences are grouped by order, then paragraph, so one `reduceat` over the
        gathered weight rows (as float64, with a zero row after them so that every group's
        bound is a valid index) sums every (order, paragraph) group; every occurrence of a
        paragraph has the same weight (1/sqrt of its n-gram count), applied once at the end."""
        n = len(batch.stats)
        if not len(batch.ngram_hash):
            return np.zeros((n, 4), dtype=np.float64)
        if kernels.compiled is not None:
            short = np.zeros(batch.group_sizes.size, dtype=np.uint8)
            short[batch.short_groups] = 1
            return kernels.compiled.ngram_scores(batch.ngram_hash, batch.group_sizes, short, self._weights(),
                                                 batch.paragraph_scale)
        w = np.empty((len(batch.ngram_hash) + 1, 4))
        w[:-1], w[-1] = self.ngram_rows(batch.ngram_hash), 0.0
        sizes = batch.group_sizes.ravel()
        bounds = sizes.cumsum() - sizes  # the first row of each group
        short = batch.short_groups
        if len(short):  # these groups end one row early: an extra bound there, its sum dropped
            bounds = np.insert(bounds, short + 1, bounds[short] + sizes[short] - 1)
        sums = np.add.reduceat(w, bounds, axis=0)
        if len(short):
            sums = np.delete(sums, short + 1 + np.arange(len(short)), axis=0)
        sums[sizes == 0] = 0.0  # empty groups: reduceat returns the row at the index instead
        return sums.reshape(len(batch.group_sizes), n, 4).sum(axis=0) * batch.paragraph_scale[:, None]

    def dense_matrix(self, stats: np.ndarray, fingerprint: np.ndarray,
                     page_starts: np.ndarray | None = None) -> np.ndarray:
        dense, names = dense_features(stats, fingerprint, page_starts)
        if names != self.dense_names:
            raise ModelError("model features do not match this version of webspam; retrain with `webspam train`")
        dense -= self.dense_mean
        dense /= self.dense_scale
        return dense

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        z = scores / self.temperature
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    def score_page(self, text: str, starts: np.ndarray, ends: np.ndarray, codes: np.ndarray | None = None,
                   keep_batches: bool = True):
        """Logit scores (n, 4) of the paragraphs ``text[starts[i]:ends[i]]``, and the feature
        batch when the page fit in one batch and `keep_batches` (for explanations)."""
        kept = list(batches(text, starts, ends, self.matcher, codes))
        if len(kept) == 1:  # most pages: no copies
            b = kept[0]
            scores, stats, prints = self.ngram_scores(b), b.stats, b.fingerprint
        else:
            scores = np.concatenate([self.ngram_scores(b) for b in kept])
            stats, prints = np.concatenate([b.stats for b in kept]), np.concatenate([b.fingerprint for b in kept])
        if len(starts):
            self._add_dense(scores, stats, prints, _ONE_PAGE)
            held, logits = self.forced_logits(text, starts, ends, codes)
            scores[held, SPAM] += logits
        return scores, (kept[0] if keep_batches and len(kept) == 1 else None)

    def score_pages(self, text: str, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                    page_starts: np.ndarray, keep_batch: bool = False):
        """Logit scores of the paragraphs of several pages laid out in one `text` (the
        paragraphs of page p from ``page_starts[p]`` on), in one feature batch: the same
        scores as `score_page` of each page alone, with fewer and larger numpy operations.
        `keep_batch`: (scores, the feature batch) (for explanations)."""
        b = pages_batch(text, codes, starts, ends, page_starts, self.matcher)
        scores = self.ngram_scores(b)
        self._add_dense(scores, b.stats, b.fingerprint, page_starts)
        held, logits = self.forced_logits(text, starts, ends, codes[:len(text)])  # (codes may run on)
        scores[held, SPAM] += logits
        return (scores, b) if keep_batch else scores

    def _add_dense(self, scores: np.ndarray, stats: np.ndarray, fingerprint: np.ndarray,
                   page_starts: np.ndarray) -> None:
        """Add the dense features' contribution and the bias to `scores`. The product is taken
        page by page: BLAS may sum in another order for another number of rows, and a page's
        scores must not depend on the pages cleaned with it."""
        dense = self.dense_matrix(stats, fingerprint, page_starts if len(page_starts) > 1 else None)
        bounds = page_starts.tolist() + [len(stats)]
        for a, z in zip(bounds, bounds[1:]):
            scores[a:z] += dense[a:z] @ self.dense_weights + self.bias

    def score_texts(self, texts: list[str]) -> np.ndarray:
        """Logit scores of given paragraph texts, as one page in this order."""
        return self.score_page(*page_of(texts), keep_batches=False)[0]

    @property
    def forced_terms(self) -> dict[str, float]:
        """The strings that push a paragraph to spam, folded, with the logit each adds to its
        spam score: the model's brands BRAND_LOGIT (spam whatever else it holds), the seo
        list's terms (`lexicon.sure_seo_terms`) SEO_TERM_LOGIT (spam unless the model is
        sure of another label: an article about spotting fake watches says "replica watches")."""
        terms = {fold(t): SEO_TERM_LOGIT for t in sure_seo_terms()}
        terms.update((fold(b), BRAND_LOGIT) for b in self.brands)
        terms.pop("", None)
        return terms

    def _brand_automaton(self) -> "_TermFinder":
        if self._brands is None:
            terms = self.forced_terms
            words = sorted(terms)
            self._brand_logits = np.array([terms[w] for w in words])
            self._brands = _TermFinder(words)
        return self._brands

    def forced_logits(self, text: str, starts: np.ndarray, ends: np.ndarray,
                      codes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The paragraphs ``text[starts[i]:ends[i]]`` holding one of the `forced_terms` (folded
        text, exact match; indexes sorted, distinct) and the logit each gets (its strongest
        term's). `codes`: the text's code points, when already computed."""
        none = np.zeros(0, dtype=np.int64), np.zeros(0)
        if not len(starts) or not (self.brands or sure_seo_terms()):
            return none
        m = self._brand_automaton().find(codes_of(text) if codes is None else codes)
        if not len(m):
            return none
        pid = np.searchsorted(starts, m[:, 1], side="right") - 1
        ok = (pid >= 0) & (m[:, 2] <= np.asarray(ends)[np.maximum(pid, 0)])
        best = np.zeros(len(starts))
        np.maximum.at(best, pid[ok], self._brand_logits[m[ok, 0]])
        held = best.nonzero()[0]
        return held, best[held]

    def brand_hits(self, text: str, starts: np.ndarray, ends: np.ndarray, codes: np.ndarray | None = None) -> np.ndarray:
        """Indexes (sorted, distinct) of the paragraphs holding one of the `forced_terms`."""
        return self.forced_logits(text, starts, ends, codes)[0]

    def brand_paragraphs(self, texts: list[str]) -> list[int]:
        """Indexes of the given paragraph texts holding one of the `forced_terms` (a brand or a
        term of the seo list)."""
        return self.brand_hits(*page_of(texts)).tolist()

    # ------------------------------------------------------------------ files
    def save(self, path: str | os.PathLike) -> None:
        """Write atomically: a temporary file in the same directory, then a rename."""
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "labels": list(LABELS),
                "ngram_bits": NGRAM_BITS, "dense_names": self.dense_names, "temperature": self.temperature,
                "priors": self.priors, "keywords": [list(k) for k in self.keywords], "meta": self.meta}
        if self.brands:  # an optional key: files without brands stay as they were
            meta["brands"] = list(self.brands)
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
                   priors=list(meta["priors"]), keywords=[tuple(k) for k in meta["keywords"]], meta=meta["meta"],
                   brands=[str(b) for b in meta.get("brands", [])])


class _TermFinder:
    """The `Model.forced_terms` (folded) in a text: the standard, non-overlapping matches of
    a DFA Aho-Corasick automaton, as the automaton over the folded text itself finds them.

    It runs over a byte code of the text instead: every character of some term gets a code of
    `width` bytes (one byte when the terms use at most 255 characters, as the shipped model's
    do; else a first byte 1..127 and further bytes 128..255, so that a match can only start
    on a character's first byte), every other character zero bytes, which no term holds. The
    code is one to one on the terms' characters, so the automaton goes through the same states
    and reports the same matches, at `width` times the characters' offsets. On the dev pages
    this is 4x faster than the automaton over a str (which encodes the text to UTF-8 and maps
    the offsets back to characters), and folding is in the same lookup (`text_codes`)."""

    def __init__(self, words: list[str]):
        import ahocorasick_rs

        chars = sorted(set("".join(words)))
        ids = np.arange(len(chars), dtype=np.uint64)
        self.width = 1 if len(chars) <= 255 else 2 if len(chars) <= 127 * 128 else 4
        if self.width == 1:
            values = ids + 1
        else:
            values, rest = ids % 127 + 1, ids // 127
            for k in range(1, self.width):
                values |= (rest % 128 + 128) << np.uint64(8 * k)
                rest //= 128
        # a code point's code, and a zero slot past the table that `take` clips larger ones to
        term_codes = np.zeros(max([LUT_SIZE] + [ord(c) + 1 for c in chars]) + 1, dtype=f"<u{self.width}")
        term_codes[[ord(c) for c in chars]] = values
        # a text character's code: its folded character's (`normalize.fold_codes`: code
        # points past the fold table are their own folded form)
        self.text_codes = term_codes.copy()
        self.text_codes[:LUT_SIZE] = term_codes.take(fold_table(), mode="clip")
        # a DFA: with the seo list's few hundred terms the default automaton scanned 1.5x slower
        self.automaton = ahocorasick_rs.BytesAhoCorasick(
            [term_codes[[ord(c) for c in w]].tobytes() for w in words],
            implementation=ahocorasick_rs.Implementation.DFA) if words else None

    def find(self, codes: np.ndarray) -> np.ndarray:
        """(term index, start, end) rows of the matches in the text of code points `codes`."""
        if self.automaton is None:
            return np.zeros((0, 3), dtype=np.int64)
        found = self.automaton.find_matches_as_indexes(self.text_codes.take(codes, mode="clip").view(np.uint8))
        m = np.array(found, dtype=np.int64).reshape(-1, 3)
        m[:, 1:] //= self.width
        return m


def _looks_like_pickle(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
    except OSError:
        return False
    return len(head) == 2 and head[0] == 0x80 and head[1] <= 5
