"""Per-class precision, recall, F1 and the confusion matrix, for `train` and `evaluate`."""
from __future__ import annotations

from typing import Sequence

from .model import LABELS


def confusion(gold: Sequence[str], pred: Sequence[str]) -> list[list[int]]:
    idx = {lab: i for i, lab in enumerate(LABELS)}
    m = [[0] * len(LABELS) for _ in LABELS]
    for g, p in zip(gold, pred):
        m[idx[g]][idx[p]] += 1
    return m


def report(gold: Sequence[str], pred: Sequence[str]) -> dict:
    m = confusion(gold, pred)
    out = {"accuracy": sum(m[i][i] for i in range(len(LABELS))) / max(len(gold), 1), "classes": {}, "confusion": m}
    f1s = []
    for i, lab in enumerate(LABELS):
        tp = m[i][i]
        n_pred = sum(m[j][i] for j in range(len(LABELS)))
        n_gold = sum(m[i])
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out["classes"][lab] = {"precision": p, "recall": r, "f1": f, "support": n_gold}
        if n_gold:
            f1s.append(f)
    out["macro_f1"] = sum(f1s) / max(len(f1s), 1)
    return out


def format_report(rep: dict) -> str:
    lines = [f"{'label':<12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for lab in LABELS:  # in label order: a report read back from a model file may have its keys sorted
        c = rep["classes"][lab]
        lines.append(f"{lab:<12}{c['precision']:>10.3f}{c['recall']:>10.3f}{c['f1']:>10.3f}{c['support']:>10d}")
    lines.append(f"accuracy {rep['accuracy']:.3f}   macro F1 {rep['macro_f1']:.3f}")
    lines.append("confusion (rows gold, columns predicted): " + " ".join(l[:3] for l in LABELS))
    for lab, row in zip(LABELS, rep["confusion"]):
        lines.append(f"  {lab:<12}" + "".join(f"{v:>7d}" for v in row))
    return "\n".join(lines)


def labels_by_overlap(texts: Sequence[str], paragraphs: Sequence) -> list[str]:
    """The label each of `texts` (a labeled page's paragraphs, joined by "\\n" into the text that
    was cleaned) gets from the cleaned page's `paragraphs` (objects with start, end, label): the
    label of the paragraph overlapping it most, "navigation" where none does (blank text: the
    cleaner keeps no paragraph there). The rule of ../shared/tools/score_labels.py, in one sweep."""
    out, k, pos = [], 0, 0
    for t in texts:
        s, e = pos, pos + len(t)
        pos = e + 1
        while k < len(paragraphs) and paragraphs[k].end <= s:
            k += 1
        best, overlap, j = "navigation", 0, k
        while j < len(paragraphs) and paragraphs[j].start < e:
            o = min(e, paragraphs[j].end) - max(s, paragraphs[j].start)
            if o > overlap:
                best, overlap = paragraphs[j].label, o
            j += 1
        out.append(best)
    return out
