"""Fit the page verdict's logistic regression (classifier/verdict.py: WEIGHTS, BIAS).

Run: python scripts/fit_verdict.py [labeled/ ../shared/data/cc100/train.jsonl ...] [--folds 2] [--C 1.0]
                                   [--real-weight 5] [--cache /tmp/verdict_stats.json] [--refit] [--write]

The verdict reads page statistics made from the paragraph model's labels, so it must be
fitted on labels the model did not see in training: the pages (by default labeled/ and the
cc100 train split; never cc100 dev) are split into --folds folds by page; for each fold a
paragraph model is fitted on the other folds (keyword mining and fit as `webspam train` does,
without its held-out run; the temperature is the shipped model's), and the fold's pages are
cleaned with it. Each page's `verdict.PageStats` (cached in --cache, so that refitting with
other features or C needs no retraining: --cache alone reuses it) gives `verdict.features`;
the target is whether the page has a gold spam paragraph; the real pages (cc100 train, 50)
weigh --real-weight times an authored one (900+), since the verdict is for real pages. The fitted coefficients are printed
and, with --write, written into classifier/verdict.py as the constants WEIGHTS and BIAS.
Costs one model fit per fold (about a minute each on two cores).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import asdict

import numpy as np

from _shared import ROOT, SHARED

sys.path.insert(0, str(ROOT))
from classifier import Cleaner  # noqa: E402
from classifier.verdict import FEATURES, PageStats, features  # noqa: E402

DEFAULT_INPUTS = [str(ROOT / "labeled"), str(SHARED / "data" / "cc100" / "train.jsonl")]


def held_out_stats(paths: list[str], folds: int) -> list[dict]:
    """Per page: its id, gold target and the PageStats of its cleaning by a model that did not
    see it."""
    from classifier.labeled import read_labeled
    from classifier.train import TrainOptions, _mine_and_fit

    pages = read_labeled(paths)
    if any("dev.jsonl" in str(p.file) for p in pages):
        sys.exit("cc100 dev is for measuring only")
    order = sorted(range(len(pages)), key=lambda i: (str(pages[i].file), pages[i].id))
    temperature = Cleaner.load().model.temperature
    out = []
    for k in range(folds):
        held = [pages[i] for j, i in enumerate(order) if j % folds == k]
        rest = [pages[i] for j, i in enumerate(order) if j % folds != k]
        print(f"fold {k + 1}/{folds}: fitting on {len(rest)} pages, cleaning {len(held)}", file=sys.stderr)
        model = _mine_and_fit(rest, TrainOptions(), ())
        model.temperature = temperature
        cleaner = Cleaner(model)
        for p, page in zip(held, cleaner.clean_many("\n".join(p.texts) for p in held)):
            stats = page._stats or PageStats()
            d = asdict(stats)
            d["terms"] = {kind: dict(c) for kind, c in stats.terms.items()}
            out.append({"id": p.id, "file": str(p.file), "spam": int("spam" in p.labels), "stats": d})
    return out


def stats_of(d: dict) -> PageStats:
    known = PageStats.__dataclass_fields__
    s = {k: v for k, v in d.items() if k in known}
    s["terms"] = {k: Counter(v) for k, v in s["terms"].items()}
    return PageStats(**s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="*", default=DEFAULT_INPUTS)
    ap.add_argument("--folds", type=int, default=2)
    ap.add_argument("--C", type=float, default=1.0, help="inverse L2 strength of the regression")
    ap.add_argument("--cache", default="/tmp/verdict_stats.json", help="held-out page statistics (read if present)")
    ap.add_argument("--refit", action="store_true", help="recompute the held-out statistics even if cached")
    ap.add_argument("--real-weight", type=float, default=5.0,
                    help="sample weight of the real pages (cc100 train) against the authored ones")
    ap.add_argument("--write", action="store_true", help="write WEIGHTS and BIAS into classifier/verdict.py")
    args = ap.parse_args()
    try:
        if args.refit:
            raise FileNotFoundError
        rows = json.load(open(args.cache, encoding="utf-8"))
        print(f"{len(rows)} pages from {args.cache}", file=sys.stderr)
    except (FileNotFoundError, json.JSONDecodeError):
        rows = held_out_stats(args.inputs, args.folds)
        json.dump(rows, open(args.cache, "w", encoding="utf-8"))
    from sklearn.linear_model import LogisticRegression

    x = np.array([features(stats_of(r["stats"])) for r in rows])
    y = np.array([r["spam"] for r in rows])
    cc = np.array(["cc100" in r["file"] for r in rows])
    lr = LogisticRegression(C=args.C, max_iter=1000).fit(x, y, sample_weight=np.where(cc, args.real_weight, 1.0))
    weights, bias = [round(float(w), 3) for w in lr.coef_[0]], round(float(lr.intercept_[0]), 3)
    for name, w in zip(FEATURES, weights):
        print(f"  {name:<22} {w:+.3f}")
    print(f"  {'bias':<22} {bias:+.3f}")
    # the verdict caps pages without a spam paragraph below 0.5 (see verdict.score_of)
    p = lr.predict_proba(x)[:, 1]
    p = np.where(x[:, 3] > 0, p, np.minimum(p, 0.49))
    flagged = p >= 0.5
    for name, m in (("all", np.ones(len(rows), dtype=bool)), ("cc100 train", cc), ("labeled", ~cc)):
        if m.any():
            print(f"{name}: spam pages flagged {int((flagged & (y == 1) & m).sum())}/{int(((y == 1) & m).sum())}, "
                  f"spam-free pages flagged {int((flagged & (y == 0) & m).sum())}/{int(((y == 0) & m).sum())}, "
                  f"Brier {float(np.mean((p[m] - y[m]) ** 2)):.3f}")
    if args.write:
        path = ROOT / "classifier" / "verdict.py"
        src = path.read_text(encoding="utf-8")
        src = re.sub(r"^WEIGHTS = \(.*\)$", f"WEIGHTS = ({', '.join(map(str, weights))})", src, count=1, flags=re.M)
        src = re.sub(r"^BIAS = .*$", f"BIAS = {bias}", src, count=1, flags=re.M)
        path.write_text(src, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
