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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model")
    ap.add_argument("--worst", type=int, default=8)
    args = ap.parse_args()
    if not available():
        sys.exit("../shared not found; set WEBSPAM_SHARED")
    cleaner = Cleaner.load(args.model)
    rows = []
    for page in dev_pages():
        total = len(SPACE.sub("", page["gold"]))
        kept = len(SPACE.sub("", cleaner.clean(page["gold"]).text))
        rows.append((page["id"], total, kept))
    total = sum(r[1] for r in rows)
    kept = sum(r[2] for r in rows)
    shares = [k / t if t else 1.0 for _, t, k in rows]
    print(f"pages: {len(rows)}, gold characters: {total}")
    print(f"kept over all characters: {kept / total:.4f}")
    print(f"mean of per-page shares:  {statistics.mean(shares):.4f} (median {statistics.median(shares):.4f})")
    print(f"pages keeping >= 95%:     {sum(s >= 0.95 for s in shares)} of {len(rows)}")
    print("most characters lost (id, gold characters, kept share):")
    for pid, t, k in sorted(rows, key=lambda r: r[2] - r[1])[:args.worst]:
        print(f"  {pid[:40]:40s} {t:6d} {k / t if t else 1.0:.3f}")


if __name__ == "__main__":
    main()
