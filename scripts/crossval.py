"""5-fold cross-validation on labeled/ by page: per-class and macro F1.

Run: python scripts/crossval.py [--folds 5] [--seed 13] [--json]
Pages are shuffled with the seed and split into folds; each fold is predicted by a model
trained on the others (same TrainOptions as `webspam train`, no held-out run inside). Labels
are the segmented ones, as `webspam evaluate` reports them.
"""
from __future__ import annotations

import argparse
import json
import random
import sys

from _shared import ROOT

sys.path.insert(0, str(ROOT))
from classifier.labeled import read_labeled  # noqa: E402
from classifier.metrics import format_report, report  # noqa: E402
from classifier.train import TrainOptions, predict_pages, train  # noqa: E402


def crossval(folds: int = 5, seed: int = 13) -> dict:
    pages = read_labeled([ROOT / "labeled"])
    order = sorted(range(len(pages)), key=lambda i: (pages[i].file, pages[i].id))
    random.Random(seed).shuffle(order)
    gold, pred, per_fold = [], [], []
    for k in range(folds):
        test_idx = set(order[k::folds])
        test = [p for i, p in enumerate(pages) if i in test_idx]
        model, _ = train([p for i, p in enumerate(pages) if i not in test_idx], TrainOptions(holdout=0))
        _, segs = predict_pages(model, test)
        g = [lab for p in test for lab in p.labels]
        per_fold.append(report(g, segs)["macro_f1"])
        gold += g
        pred += segs
        print(f"fold {k + 1}/{folds}: {len(test)} pages, macro F1 {per_fold[-1]:.4f}", file=sys.stderr)
    rep = report(gold, pred)
    rep["fold_macro_f1"] = per_fold
    return rep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rep = crossval(args.folds, args.seed)
    if args.json:
        print(json.dumps(rep))
        return
    print(format_report(rep))
    print("macro F1 per fold: " + ", ".join(f"{f:.4f}" for f in rep["fold_macro_f1"]))


if __name__ == "__main__":
    main()
