"""Sequence decisions: an HMM over the paragraph labels, decoded with Viterbi.

Emissions are the classifier's calibrated probabilities turned into scaled likelihoods
(``log p(label|paragraph) - log p(label)``); transitions and start probabilities are
learned from the labeled pages by `train`. Because confident paragraphs are never moved by
their neighbours in practice, decoding runs only over windows of uncertain paragraphs
(top probability below `CONFIDENT`), each bounded by a confident anchor on either side
whose label is fixed. That keeps the cost proportional to the uncertain part of a page.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

CONFIDENT = 0.92         # paragraphs at least this sure anchor the decoding
TRANSITION_WEIGHT = 3.0  # scales the log transition probabilities against the emissions (tuned on dev)


@dataclass(frozen=True)
class Segmentation:
    labels: np.ndarray   # (n,) final label index per paragraph
    changed: np.ndarray  # (n,) bool: the segmenter overrode the classifier's top label


def _viterbi(emit: list[list[float]], trans: list[list[float]], start: list[float] | None,
             first: int | None, last: int | None) -> list[int]:
    """Best label path; `first`/`last` fix the labels of the anchors at the window's ends."""
    k = len(trans)
    neg = -math.inf
    score = [(start[j] if start else 0.0) + emit[0][j] for j in range(k)]
    if first is not None:
        score = [score[j] if j == first else neg for j in range(k)]
    back: list[list[int]] = []
    for t in range(1, len(emit)):
        row, ptr = [], []
        for j in range(k):
            best_i, best = 0, neg
            for i in range(k):
                v = score[i] + trans[i][j]
                if v > best:
                    best_i, best = i, v
            row.append(best + emit[t][j])
            ptr.append(best_i)
        score = row
        back.append(ptr)
    if last is not None:
        score = [score[j] if j == last else neg for j in range(k)]
    j = max(range(k), key=score.__getitem__)
    path = [j]
    for ptr in reversed(back):
        j = ptr[j]
        path.append(j)
    return path[::-1]


def segment(probs: np.ndarray, priors: np.ndarray, transitions: np.ndarray, start: np.ndarray,
            confident: float = CONFIDENT, weight: float = TRANSITION_WEIGHT) -> Segmentation:
    n = len(probs)
    top = probs.argmax(axis=1) if n else np.zeros(0, dtype=np.int64)
    if n == 0:
        return Segmentation(top, np.zeros(0, dtype=bool))
    sure = probs.max(axis=1) >= confident
    labels = top.copy()
    unsure = np.flatnonzero(~sure)
    if len(unsure):
        emit_all = np.log(np.maximum(probs, 1e-9)) - np.log(np.maximum(priors, 1e-9))
        trans = (weight * transitions).tolist()
        st = (weight * start).tolist()
        # windows: maximal runs of unsure paragraphs, widened by one anchor on each side
        breaks = np.flatnonzero(np.diff(unsure) > 1)
        run_starts = np.concatenate(([unsure[0]], unsure[breaks + 1]))
        run_ends = np.concatenate((unsure[breaks], [unsure[-1]]))
        for a, b in zip(run_starts.tolist(), run_ends.tolist()):
            lo, hi = max(a - 1, 0), min(b + 1, n - 1)
            first = int(top[lo]) if lo < a else None
            last = int(top[hi]) if hi > b else None
            path = _viterbi(emit_all[lo:hi + 1].tolist(), trans, st if lo == 0 else None, first, last)
            labels[lo:hi + 1] = path
    return Segmentation(labels, labels != top)
