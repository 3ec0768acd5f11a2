"""Content F1 on the dev set: `clean` the text dumps, score against gold with score_content.py.

Run: python scripts/eval_dev.py [--model PATH] [--out PRED.jsonl] [--per-page] [--json]
Also prints the two reference baselines computed from the same dumps (every line; lines
with >= 20 Han characters) so the comparison is always made with the same scorer.
"""
from __future__ import annotations

import argparse
import json
import re
import sys

from _shared import DEV, available, dev_pages, scorer

sys.path.insert(0, str(__import__("_shared").ROOT))
from classifier import Cleaner  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")


def baselines(pages: list[dict]) -> dict:
    sc = scorer()
    gold = {p["id"]: p["gold"] for p in pages}
    every = {p["id"]: p["text"] for p in pages}
    han20 = {p["id"]: "\n".join(l for l in p["text"].splitlines() if len(HAN.findall(l)) >= 20) for p in pages}
    return {name: sc.score(gold, pred)[0]["bi"]["mean_f1"] for name, pred in (("every line", every), (">=20 Han", han20))}


def evaluate(cleaner: Cleaner, pages: list[dict]) -> tuple[dict, list, dict]:
    sc = scorer()
    pred = {p["id"]: cleaner.clean(p["text"]).text for p in pages}
    gold = {p["id"]: p["gold"] for p in pages}
    summary, rows = sc.score(gold, pred)
    by_source = {}
    for src in sorted({p["source"] for p in pages}):
        ids = {p["id"] for p in pages if p["source"] == src}
        s, _ = sc.score({k: v for k, v in gold.items() if k in ids}, pred)
        by_source[src] = s["bi"]["mean_f1"]
    return summary, rows, {"by_source": by_source, "pred": pred}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model")
    ap.add_argument("--out")
    ap.add_argument("--per-page", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-baselines", action="store_true")
    args = ap.parse_args()
    if not available():
        sys.exit(f"{DEV} not found; set WEBSPAM_SHARED")
    pages = dev_pages()
    summary, rows, extra = evaluate(Cleaner.load(args.model), pages)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            for pid, text in extra["pred"].items():
                fh.write(json.dumps({"id": pid, "text": text}, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps({"bi_mean_f1": summary["bi"]["mean_f1"], "tok_mean_f1": summary["tok"]["mean_f1"],
                          "by_source": extra["by_source"], "pages": len(pages)}))
        return
    if args.per_page:
        for r in sorted(rows, key=lambda r: r["bi"]):
            print(f"{r['bi']:.3f}\t{r['tok']:.3f}\t{r['id']}")
    for m, s in summary.items():
        print(f"{m:3s} mean F1 {s['mean_f1']:.4f}  micro P {s['micro_p']:.4f} R {s['micro_r']:.4f} "
              f"F1 {s['micro_f1']:.4f}  pages<0.5: {s['pages_below_half']}/{s['pages']}")
    for src, f in extra["by_source"].items():
        print(f"  {src}: bi mean F1 {f:.4f}")
    if not args.no_baselines:
        for name, f in baselines(pages).items():
            print(f"  baseline {name}: bi mean F1 {f:.4f}")
    print(f"bi mean F1 = {summary['bi']['mean_f1']:.4f}")


if __name__ == "__main__":
    main()
