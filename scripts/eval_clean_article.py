"""How much of an already clean article `clean` keeps (issue 4's property), on the dev set.

Run: python scripts/eval_clean_article.py [--model PATH] [--worst N]
Cleans every dev page's gold text (the article alone, no page chrome) and counts the
characters kept, whitespace excluded. Prints three readings of "keeps at least 95% of its
characters": over all characters of all pages (the figure tests/test_properties.py gates),
the mean of the per-page shares, and the number of pages that keep 95% each; then the pages
that lose the most characters.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys

from _shared import ROOT, available, dev_pages

sys.path.insert(0, str(ROOT))
from classifier import Cleaner  # noqa: E402

SPACE = re.compile(r"\s")


def measure(cleaner: Cleaner) -> dict:
    """Characters of each dev gold text and how many `clean` keeps, and the three readings."""
    rows = []
    for page in dev_pages():
        total = len(SPACE.sub("", page["gold"]))
        rows.append((page["id"], total, len(SPACE.sub("", cleaner.clean(page["gold"]).text))))
    shares = [k / t if t else 1.0 for _, t, k in rows]
    return {"rows": rows, "pages": len(rows), "chars": sum(r[1] for r in rows),
            "all": sum(r[2] for r in rows) / sum(r[1] for r in rows), "mean": statistics.mean(shares),
            "median": statistics.median(shares), "pages_95": sum(s >= 0.95 for s in shares)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model")
    ap.add_argument("--worst", type=int, default=8)
    args = ap.parse_args()
    if not available():
        sys.exit("../shared not found; set WEBSPAM_SHARED")
    m = measure(Cleaner.load(args.model))
    print(f"pages: {m['pages']}, gold characters: {m['chars']}")
    print(f"kept over all characters: {m['all']:.4f}")
    print(f"mean of per-page shares:  {m['mean']:.4f} (median {m['median']:.4f})")
    print(f"pages keeping >= 95%:     {m['pages_95']} of {m['pages']}")
    print("most characters lost (id, gold characters, kept share):")
    for pid, t, k in sorted(m["rows"], key=lambda r: r[2] - r[1])[:args.worst]:
        print(f"  {pid[:40]:40s} {t:6d} {k / t if t else 1.0:.3f}")


if __name__ == "__main__":
    main()
