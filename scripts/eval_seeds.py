"""Paragraph accuracy, spam recall and article recall on the seed pages.

Run: python scripts/eval_seeds.py [--model PATH] [--json] [--errors]
Each seed's .txt is cleaned as a user would; predicted paragraphs are matched to the gold
paragraphs by position (a gold paragraph takes the label of the predicted paragraph that
contains its start).
"""
from __future__ import annotations

import argparse
import bisect
import json
import sys

from _shared import available, seed_pages

sys.path.insert(0, str(__import__("_shared").ROOT))
from classifier import Cleaner  # noqa: E402
from classifier.metrics import format_report, report  # noqa: E402


def evaluate(cleaner: Cleaner, show_errors: bool = False) -> dict:
    gold, pred, kept_gold = [], [], []
    for page in seed_pages():
        text = page["text"]
        result = cleaner.clean(text)
        starts = [p.start for p in result.paragraphs]
        pos = 0
        for g in page["paragraphs"]:
            at = text.index(g["text"], pos)
            pos = at + len(g["text"])
            p = result.paragraphs[bisect.bisect_right(starts, at) - 1]
            gold.append(g["label"])
            pred.append(p.label)
            kept_gold.append((g["label"], p.kept))
            if show_errors and g["label"] != p.label:
                print(f"{page['id'][:3]} gold={g['label']:<10} got={p.label:<10} {g['text'].strip()[:40]!r}\n    {p.reason}")
    rep = report(gold, pred)
    art = [k for lab, k in kept_gold if lab == "article"]
    return {"paragraphs": len(gold), "accuracy": rep["accuracy"],
            "spam_recall": rep["classes"]["spam"]["recall"],
            "article_recall": sum(art) / max(len(art), 1),
            "report": rep}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    if not available():
        sys.exit("../shared is not beside this repository; set WEBSPAM_SHARED")
    res = evaluate(Cleaner.load(args.model), args.errors)
    if args.json:
        res.pop("report")
        print(json.dumps(res))
        return
    print(format_report(res["report"]))
    print(f"seeds: {res['paragraphs']} paragraphs  accuracy {res['accuracy']:.4f}  "
          f"spam recall {res['spam_recall']:.4f}  article recall (kept) {res['article_recall']:.4f}")


if __name__ == "__main__":
    main()
