"""Paragraph labels, spam by kind and page verdicts on real Common Crawl pages (cc100).

Run: python scripts/eval_cc100.py [--split dev|train] [--model PATH] [--json] [--errors] [--pages]
Each page's text is its paragraphs joined by "\\n" (as the data's README says); it is cleaned as
a user would, and the predicted paragraphs are scored with ../shared/tools/score_labels.py (each
gold paragraph takes the label of the predicted paragraph overlapping it most). The page verdict
is `Page.spam_score >= 0.5`. `dev.jsonl` is for measuring only: never train on it or mine it.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys

from _shared import SHARED

sys.path.insert(0, str(__import__("_shared").ROOT))
from classifier import Cleaner  # noqa: E402

CC100 = SHARED / "data" / "cc100"
LABEL_SCORER = SHARED / "tools" / "score_labels.py"


def available(split: str = "dev") -> bool:
    return (CC100 / f"{split}.jsonl").exists() and LABEL_SCORER.exists()


def label_scorer():
    spec = importlib.util.spec_from_file_location("score_labels", LABEL_SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def predictions(cleaner: Cleaner, gold: list[dict]) -> dict:
    """Predicted paragraphs (start, end, label) and the page verdict of every gold page."""
    texts = ["\n".join(p["text"] for p in g["paragraphs"]) for g in gold]
    preds = {}
    for g, page in zip(gold, cleaner.clean_many(texts)):
        rec = {"id": g["id"], "paragraphs": [{"start": p.start, "end": p.end, "label": p.label}
                                             for p in page.paragraphs]}
        rec.update(spam_page=page.verdict.is_spam, spam_kind=page.verdict.kind, spam_score=page.verdict.score)
        preds[g["id"]] = rec
    return preds


def evaluate(cleaner: Cleaner, split: str = "dev") -> tuple[dict, list, list, dict]:
    sc = label_scorer()
    gold = sc.read_jsonl(CC100 / f"{split}.jsonl")
    preds = predictions(cleaner, gold)
    m, rows = sc.score(gold, preds)
    return m, rows, gold, preds


def figures(m: dict) -> dict:
    """The figures the spam issue and the quality gate name, flat."""
    per, pages = m["per_class"], m["pages"]
    kinds = m["spam_recall_by_kind"]
    return {"spam_f1": per["spam"]["f1"], "spam_precision": per["spam"]["precision"],
            "spam_recall": per["spam"]["recall"], "promo_recall": kinds.get("promo", 0.0),
            "seo_recall": kinds.get("seo", 0.0), "spam_recall_page_mean": m["spam_recall_page_mean"] or 0.0,
            "article_recall": per["article"]["recall"], "article_to_spam": m["article_to_spam"] or 0.0,
            "macro_f1": m["macro_f1"],
            "spam_pages_flagged": pages.get("spam pages flagged", 0), "spam_pages": pages.get("spam pages", 0),
            "clean_pages_flagged": pages.get("clean pages flagged", 0), "clean_pages": pages.get("clean pages", 0)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=("dev", "train"))
    ap.add_argument("--model")
    ap.add_argument("--json", action="store_true", help="print the flat figures as JSON")
    ap.add_argument("--errors", action="store_true", help="list every wrong paragraph (gold -> predicted)")
    ap.add_argument("--pages", action="store_true", help="one line per page: spam found, verdict")
    args = ap.parse_args()
    if not available(args.split):
        sys.exit(f"{CC100 / (args.split + '.jsonl')} or {LABEL_SCORER} not found; set WEBSPAM_SHARED")
    sc = label_scorer()
    m, rows, gold, preds = evaluate(Cleaner.load(args.model), args.split)
    f = figures(m)
    if args.json:
        print(json.dumps(f))
        return
    if args.errors:
        for g in gold:
            labels = sc.predicted_labels(g, preds[g["id"]])
            for para, lab in zip(g["paragraphs"], labels):
                if para["label"] != lab:
                    kind = f"/{para['kind']}" if para.get("kind") else ""
                    print(f"{g['id'][:12]} {para['label'] + kind:>12} -> {lab:<10} {para['text'].strip()[:60]!r}")
    if args.pages:
        for (pid, n_spam, hit, n_pred, flagged), g in zip(rows, gold):
            p = preds[pid]
            print(f"{pid[:16]:<16} spam {hit:>4}/{n_spam:<4} predicted {n_pred:>4}  flagged {str(flagged):<5} "
                  f"{p.get('spam_kind') or '-':<9} {p.get('spam_score', float('nan')):.2f}  {g.get('note', '')[:50]}")
    print(f"cc100 {args.split}: spam F1 {f['spam_f1']:.3f} (P {f['spam_precision']:.3f} R {f['spam_recall']:.3f}; "
          f"promo {f['promo_recall']:.3f}, seo {f['seo_recall']:.3f}; page-mean R {f['spam_recall_page_mean']:.3f})")
    print(f"article recall {f['article_recall']:.3f}, article->spam {f['article_to_spam']:.4f}, "
          f"macro F1 {f['macro_f1']:.3f}")
    for c, v in m["per_class"].items():
        print(f"  {c:10s} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} (n={v['support']})")
    print(f"pages with spam flagged {f['spam_pages_flagged']}/{f['spam_pages']}; "
          f"spam-free pages flagged {f['clean_pages_flagged']}/{f['clean_pages']}")


if __name__ == "__main__":
    main()
