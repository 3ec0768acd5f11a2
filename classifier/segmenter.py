"""Sequence decisions: an HMM over the paragraph labels, decoded with Viterbi.

Emissions are the classifier's calibrated probabilities turned into scaled likelihoods
(``log p(label|paragraph) - log p(label)``); transitions and start probabilities are
learned from the labeled pages by `train`. Because confident paragraphs are never moved by
their neighbours in practice, decoding runs only over windows of uncertain paragraphs
(top probability below `CONFIDENT`), each bounded by a confident anchor on either side
whose label is fixed. That keeps the cost proportional to the uncertain part of a page.
Spam is never moved (LABELING.md: spam wins): a paragraph the classifier calls spam keeps
that label, and no other paragraph is decoded into spam.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ARTICLE, NAVIGATION, AD, SPAM = range(4)
ARTICLE_CONFIDENT = 0.7  # an article paragraph this sure is an anchor too (headlines between chrome)
CONFIDENT = 0.85         # paragraphs at least this sure anchor the decoding
TRANSITION_WEIGHT = 1.5  # scales the log transition probabilities against the emissions (tuned on dev)


@dataclass(frozen=True)
class Segmentation:
    labels: np.ndarray   # (n,) final label index per paragraph
    changed: np.ndarray  # (n,) bool: the segmenter overrode the classifier's top label


def _viterbi_windows(emit: np.ndarray, lo: np.ndarray, hi: np.ndarray, first: np.ndarray, last: np.ndarray,
                     trans: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Best label path of every window at once (numpy, lock-step over positions).

    Window w covers paragraphs lo[w]..hi[w]; `first[w]` / `last[w]` (-1: free) fix the labels
    of its anchors; the page start probabilities apply to a window that begins the page.
    Returns the label of every covered paragraph, windows concatenated in order."""
    w, k = len(lo), emit.shape[1]
    lengths = hi - lo + 1
    width = int(lengths.max())
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    win = np.repeat(np.arange(w), lengths)
    pos = np.arange(int(lengths.sum())) - offsets[win]
    e = np.zeros((w, width, k))
    e[win, pos] = emit[lo[win] + pos]
    e[lo == 0, 0] += start
    for anchor, at in ((first, np.zeros(w, dtype=np.int64)), (last, lengths - 1)):
        fixed = np.flatnonzero(anchor >= 0)
        mask = np.ones((len(fixed), k), dtype=bool)
        mask[np.arange(len(fixed)), anchor[fixed]] = False
        row = e[fixed, at[fixed]]
        row[mask] = -math.inf
        e[fixed, at[fixed]] = row
    # Windows sorted longest first: at step t the active ones are a prefix, processed by slicing.
    order = np.argsort(-lengths, kind="stable")
    e, lengths = e[order], lengths[order]
    active_at = np.searchsorted(-lengths, -np.arange(width), side="left")  # windows longer than t
    score = e[:, 0].copy()
    back = np.zeros((w, width, k), dtype=np.int8)
    for t in range(1, width):
        m = active_at[t]
        cand = score[:m, :, None] + trans[None]
        best = cand.argmax(axis=1)
        back[:m, t] = best
        score[:m] = np.take_along_axis(cand, best[:, None, :], axis=1)[:, 0] + e[:m, t]
    rows = np.arange(w)
    path = np.zeros((w, width), dtype=np.int64)
    cur = score.argmax(axis=1)
    path[rows, lengths - 1] = cur
    for t in range(width - 1, 0, -1):
        m = active_at[t]
        cur[:m] = back[rows[:m], t, cur[:m]]
        path[:m, t - 1] = cur[:m]
    unsorted = np.empty_like(path)
    unsorted[order] = path
    path = unsorted
    return path[win, pos]


def segment(probs: np.ndarray, priors: np.ndarray, transitions: np.ndarray, start: np.ndarray,
            confident: float = CONFIDENT, weight: float = TRANSITION_WEIGHT,
            article_confident: float = ARTICLE_CONFIDENT) -> Segmentation:
    n = len(probs)
    top = probs.argmax(axis=1) if n else np.zeros(0, dtype=np.int64)
    if n == 0:
        return Segmentation(top, np.zeros(0, dtype=bool))
    # Spam wins (LABELING.md rule 1): the segmenter neither demotes nor invents spam.
    is_spam = top == SPAM
    sure = (probs.max(axis=1) >= confident) | is_spam | (probs[:, ARTICLE] >= article_confident)
    labels = top.copy()
    unsure = np.flatnonzero(~sure)
    if len(unsure):
        emit_all = np.log(np.maximum(probs, 1e-9)) - np.log(np.maximum(priors, 1e-9))
        emit_all[~is_spam, SPAM] = -math.inf
        # windows: maximal runs of unsure paragraphs, widened by one anchor on each side
        breaks = np.flatnonzero(np.diff(unsure) > 1)
        run_lo = np.concatenate(([unsure[0]], unsure[breaks + 1]))
        run_hi = np.concatenate((unsure[breaks], [unsure[-1]]))
        lo, hi = np.maximum(run_lo - 1, 0), np.minimum(run_hi + 1, n - 1)
        first = np.where(lo < run_lo, top[lo], -1)
        last = np.where(hi > run_hi, top[hi], -1)
        # Decoded in groups of similar length (powers of two), so that padding every window
        # to the longest one in its group never more than doubles the work or the memory.
        group = np.floor(np.log2(hi - lo + 1)).astype(np.int64)
        for g in np.unique(group).tolist():
            w = np.flatnonzero(group == g)
            covered = np.concatenate([np.arange(a, b + 1) for a, b in zip(lo[w].tolist(), hi[w].tolist())])
            labels[covered] = _viterbi_windows(emit_all, lo[w], hi[w], first[w], last[w],
                                               weight * transitions, weight * start)
    return Segmentation(labels, labels != top)


BRAND_MAX_CHARS = 12   # only short paragraphs (a site name, a channel) inherit spam from their text
BRAND_MIN_HITS = 2     # ... when that text occurs in at least this many spam paragraphs


def propagate_spam(texts: list[str], labels: np.ndarray) -> list[int]:
    """Indexes of short paragraphs whose whole text is an injected brand: it occurs inside at
    least BRAND_MIN_HITS spam paragraphs of the page and in no article paragraph (seed 000:
    the bare site name "必威体育" above "必威体育:网 > 新闻中心"). Labels them spam in place."""
    spam = [texts[i] for i in np.flatnonzero(labels == SPAM)]
    if len(spam) < BRAND_MIN_HITS:
        return []
    article = np.flatnonzero(labels == ARTICLE).tolist()
    out = []
    for i in np.flatnonzero(labels != SPAM).tolist():
        t = texts[i].strip()
        if 2 <= len(t) <= BRAND_MAX_CHARS and sum(t in s for s in spam) >= BRAND_MIN_HITS \
                and not any(t in texts[j] for j in article if j != i):
            out.append(i)
    labels[out] = SPAM
    return out


RESCUE_FLOOR = 0.03    # article probability a paragraph must beat to count for the rescued run
RESCUE_MIN_GAIN = 0.5  # ... and the run's summed excess over that floor, so bare chrome stays empty


def rescue_empty(probs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """When no paragraph is labeled article, the run of paragraphs with the most article
    probability above RESCUE_FLOOR (a maximum-sum segment, skipping ad and spam) is the
    page's content: a table of contents, a thread of short replies. Its navigation paragraphs
    above the floor become article, in place; returns their indexes (none when the best run
    gains less than RESCUE_MIN_GAIN, as on a page of bare chrome)."""
    if not len(labels) or (labels == ARTICLE).any():
        return np.zeros(0, dtype=np.int64)
    gain = probs[:, ARTICLE] - RESCUE_FLOOR
    gain[(labels == SPAM) | (labels == AD)] = -1.0
    # Maximum-sum segment: best end at i is cumsum[i] - min(cumsum before i).
    csum = np.concatenate(([0.0], np.cumsum(gain)))
    low = np.minimum.accumulate(csum[:-1])
    end = int(np.argmax(csum[1:] - low))
    if csum[end + 1] - low[end] < RESCUE_MIN_GAIN:
        return np.zeros(0, dtype=np.int64)
    start = int(np.flatnonzero(csum[:end + 1] == low[end])[-1])
    run = np.arange(start, end + 1)
    run = run[(labels[run] == NAVIGATION) & (gain[run] > 0)]
    labels[run] = ARTICLE
    return run
