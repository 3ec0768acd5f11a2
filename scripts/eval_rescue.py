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


def measure(model: str | None = None) -> dict:
    """Dev F1 with rescue off and on, and the share of article-less pages that still yield text."""
    out: dict = {}
    for rescue, key in ((False, "off"), (True, "on")):
        cleaner = Cleaner.load(model, rescue_empty=rescue)
        if available():
            summary, _, extra = eval_dev.evaluate(cleaner, dev_pages())
            out[f"dev_{key}"], out[f"by_source_{key}"] = summary["bi"]["mean_f1"], extra["by_source"]
    pages = [[t for t, lab in zip(p.texts, p.labels) if lab != "article"] for p in read_labeled([ROOT / "labeled"])]
    pages = ["\n".join(p) for p in pages if len(p) >= 3]
    out["empty_pages"] = len(pages)
    for rescue, key in ((False, "off"), (True, "on")):
        cleaner = Cleaner.load(model, rescue_empty=rescue)
        out[f"kept_{key}"] = sum(bool(cleaner.clean(p).text) for p in pages) / len(pages)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model")
    args = ap.parse_args()
    m = measure(args.model)
    for key in ("off", "on"):
        if f"dev_{key}" in m:
            by = ", ".join(f"{k} {v:.4f}" for k, v in m[f"by_source_{key}"].items())
            print(f"rescue {key:3s}: dev bi mean F1 {m[f'dev_{key}']:.4f} ({by})")
    print(f"pages without an article (labeled/ pages minus their article paragraphs): {m['empty_pages']}")
    for key in ("off", "on"):
        kept = m[f"kept_{key}"]
        print(f"rescue {key:3s}: some text kept on {round(kept * m['empty_pages'])} ({kept:.1%})")


if __name__ == "__main__":
    main()
