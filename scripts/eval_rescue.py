"""What `--rescue-empty` gains and costs: dev content F1 with it on and off, and how often
it fires on pages that have no article (each labeled page with its article paragraphs removed).

Run: python scripts/eval_rescue.py [--model PATH]
"""
from __future__ import annotations

import argparse
import sys

from _shared import ROOT, available, dev_pages

sys.path.insert(0, str(ROOT))
from classifier import Cleaner  # noqa: E402
from classifier.labeled import read_labeled  # noqa: E402

import eval_dev  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model")
    args = ap.parse_args()
    for rescue in (False, True):
        cleaner = Cleaner.load(args.model, rescue_empty=rescue)
        if available():
            summary, _, extra = eval_dev.evaluate(cleaner, dev_pages())
            by = ", ".join(f"{k} {v:.4f}" for k, v in extra["by_source"].items())
            print(f"rescue {'on ' if rescue else 'off'}: dev bi mean F1 {summary['bi']['mean_f1']:.4f} ({by})")
    pages = [[t for t, lab in zip(p.texts, p.labels) if lab != "article"] for p in read_labeled([ROOT / "labeled"])]
    pages = ["\n".join(p) for p in pages if len(p) >= 3]
    print(f"pages without an article (labeled/ pages minus their article paragraphs): {len(pages)}")
    for rescue in (False, True):
        cleaner = Cleaner.load(args.model, rescue_empty=rescue)
        kept = sum(bool(cleaner.clean(p).text) for p in pages)
        print(f"rescue {'on ' if rescue else 'off'}: some text kept on {kept} ({kept / len(pages):.1%})")


if __name__ == "__main__":
    main()
