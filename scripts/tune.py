"""Train with given options (no held-out run) and print seed, dev and cc100 dev figures.

Run: python scripts/tune.py C=2 min_df=2 page_cap=200 brands=False [cc100=3] [confident=0.9
transition_weight=1.0] [save=PATH]
Trains on labeled/ plus ../shared/data/cc100/train.jsonl when present (its pages weighted
`cc100=N`, default 1), as the shipped model is. Used to choose TrainOptions and segmenter
defaults; every choice is measured here.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time

from _shared import ROOT, SHARED, dev_pages

sys.path.insert(0, str(ROOT))
from classifier import Cleaner  # noqa: E402
from classifier.labeled import read_labeled  # noqa: E402
from classifier.train import TrainOptions, train  # noqa: E402

import eval_cc100  # noqa: E402
import eval_dev  # noqa: E402
import eval_seeds  # noqa: E402

SEGMENTER = {"confident", "transition_weight"}


def main() -> None:
    args = dict(a.split("=", 1) for a in sys.argv[1:])
    save = args.pop("save", None)
    cc100_weight = float(args.pop("cc100", 1))
    seg = {k: float(v) for k, v in args.items() if k in SEGMENTER}
    opts = {k: (v == "True" if v in ("True", "False") else float(v) if "." in v or k in ("C", "page_cap") else int(v))
            for k, v in args.items() if k not in SEGMENTER}
    cc100 = SHARED / "data" / "cc100" / "train.jsonl"
    data = [ROOT / "labeled"] + ([cc100] if cc100.exists() else [])
    t0 = time.time()
    model, _ = train(read_labeled(data, {str(cc100): cc100_weight}), TrainOptions(holdout=0, **opts))
    took = time.time() - t0
    if save:
        model.save(save)
    with tempfile.TemporaryDirectory() as d:
        model.save(f"{d}/m.npz")
        cleaner = Cleaner.load(f"{d}/m.npz", **seg)
        seeds = eval_seeds.evaluate(cleaner)
        summary, _, extra = eval_dev.evaluate(cleaner, dev_pages())
        cc = eval_cc100.figures(eval_cc100.evaluate(cleaner)[0]) if eval_cc100.available() else {}
    print(json.dumps({"args": args, "train_s": round(took, 1), "seed_acc": round(seeds["accuracy"], 4),
                      "seed_spam_recall": round(seeds["spam_recall"], 4),
                      "seed_article_recall": round(seeds["article_recall"], 4),
                      "dev_bi": round(summary["bi"]["mean_f1"], 4),
                      **{k: round(v, 4) for k, v in extra["by_source"].items()},
                      **{f"cc100_{k}": round(cc[k], 4) for k in ("spam_f1", "spam_recall_page_mean", "article_recall",
                                                               "article_to_spam", "macro_f1") if k in cc}}))


if __name__ == "__main__":
    main()
