"""2-fold cross-validation over the cc100 train pages: figures on pages the model never saw.

Run: python scripts/cv_cc100.py [--reuse] [--labeled DIR] [--prefix /tmp/cv_cc100] [--errors] [--json]
The cc100 train pages, sorted by id, are split into two halves by alternating (page 0, 2, 4 …
and page 1, 3, 5 …). Fold k trains a model on `labeled/` plus the OTHER half (written to a
temporary JSONL and read with `classifier.labeled.read_labeled`, trained with
`classifier.train.train` and the CLI's default options), saves it to ``{prefix}_fold{k}.npz``
and cleans half k with it. The predictions of both held-out halves are pooled and scored once
with the scorer of scripts/eval_cc100.py (../shared/tools/score_labels.py). `--reuse` loads the
saved fold models instead of training, so page-rule experiments re-score in seconds.

Besides eval_cc100's figures it prints the precision of the spam paragraphs by their kind
(promo: a term of the spam lexicon; seo: none), the measure of spam predicted without lexical
evidence. dev.jsonl is never read here: develop rules on these figures, measure dev once.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from _shared import ROOT

import eval_cc100

sys.path.insert(0, str(ROOT))
from classifier import Cleaner  # noqa: E402

TRAIN = eval_cc100.CC100 / "train.jsonl"


def halves(pages: list[dict]) -> tuple[list[dict], list[dict]]:
    """The pages sorted by id, alternating between the two halves."""
    ordered = sorted(pages, key=lambda p: p["id"])
    return ordered[0::2], ordered[1::2]


def train_fold(labeled: Path, other: list[dict], out: Path, real_weight: float = 1.0, **options) -> None:
    """Train on `labeled` plus the pages of `other` (the half not held out, each weighing
    `real_weight`, as `webspam train --weight train.jsonl=W` weighs them); save to `out`.
    `options`: `TrainOptions` fields other than their defaults."""
    from dataclasses import replace

    from classifier.labeled import read_labeled
    from classifier.train import TrainOptions, train

    with tempfile.TemporaryDirectory() as tmp:
        half = Path(tmp) / "cc100_half.jsonl"
        half.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in other), encoding="utf-8")
        pages = [replace(p, weight=p.weight * real_weight) if Path(p.file).name == half.name else p
                 for p in read_labeled([labeled, half])]
    model, _ = train(pages, TrainOptions(**options), progress=lambda msg: print(f"  {msg}", file=sys.stderr))
    model.meta = {"cv_cc100": True, "pages": len(pages), "held_out_ids": None}
    model.save(out)


def kind_precision(cleaner_preds: dict, gold: list[dict], sc) -> dict:
    """Per kind of predicted spam (promo/seo): predicted spam gold paragraphs, how many are gold spam."""
    out: dict[str, list[int]] = {}
    for g in gold:
        pred = cleaner_preds[g["id"]]
        labels = sc.predicted_labels(g, pred)
        kinds = pred.get("_kinds", [])
        for para, lab, kind in zip(g["paragraphs"], labels, kinds):
            if lab == "spam":
                row = out.setdefault(kind or "?", [0, 0])
                row[0] += 1
                row[1] += para["label"] == "spam"
    return out


def predictions(cleaner: Cleaner, gold: list[dict], sc) -> dict:
    """eval_cc100.predictions, plus the predicted kind of the paragraph each gold paragraph maps to."""
    preds = eval_cc100.predictions(cleaner, gold)
    texts = ["\n".join(p["text"] for p in g["paragraphs"]) for g in gold]
    for g, page in zip(gold, cleaner.clean_many(texts)):
        pred = preds[g["id"]]
        kinds = [p.kind for p in page.paragraphs]
        # the predicted paragraph each gold paragraph overlaps most (as the scorer maps labels)
        spans = [(p["start"], p["end"]) for p in pred["paragraphs"]]
        pos, out = 0, []
        for para in g["paragraphs"]:
            a, b = pos, pos + len(para["text"])
            pos = b + 1
            best, where = 0, None
            for j, (s, e) in enumerate(spans):
                ov = min(b, e) - max(a, s)
                if ov > best:
                    best, where = ov, j
            out.append(kinds[where] if where is not None else None)
        pred["_kinds"] = out
    return preds


def without_rules(names: list[str]) -> None:
    """Make the cleaner run the page rules without those named."""
    import classifier.cleaner as cleaner_mod
    from classifier import segmenter

    unknown = set(names) - {r.name for r in segmenter.PAGE_RULES}
    if unknown:
        sys.exit(f"--without: no page rule named {', '.join(sorted(unknown))}")
    rules = tuple(r for r in segmenter.PAGE_RULES if r.name not in names)
    cleaner_mod.run_page_rules = lambda state, notes: segmenter.run_page_rules(state, notes, rules)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labeled", default=str(ROOT / "labeled"))
    ap.add_argument("--prefix", default="/tmp/cv_cc100", help="fold models: PREFIX_fold0.npz, PREFIX_fold1.npz")
    ap.add_argument("--reuse", action="store_true", help="load the saved fold models instead of training")
    ap.add_argument("--errors", action="store_true", help="list every wrong paragraph (gold -> predicted)")
    ap.add_argument("--json", action="store_true", help="print the flat figures as JSON")
    ap.add_argument("--without", action="append", default=[], metavar="RULE",
                    help="leave out this page rule of segmenter.PAGE_RULES (by name; repeatable): "
                         "the figures before a rule")
    ap.add_argument("--class-weight", help="TrainOptions.class_weight for the fold models: four numbers, "
                    "article,navigation,ad,spam (use another --prefix)")
    ap.add_argument("--real-weight", type=float, default=1.0,
                    help="weight of the cc100 half in the fold models (the shipped model: 3)")
    ap.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                    help="another TrainOptions field for the fold models, e.g. C=1.0 (repeatable)")
    args = ap.parse_args()
    from classifier.train import TrainOptions

    options = {}
    for item in args.option:
        name, _, value = item.partition("=")
        if not hasattr(TrainOptions, name):
            sys.exit(f"--option {item}: TrainOptions has no field {name}")
        options[name] = type(getattr(TrainOptions, name))(value)
    if args.class_weight:
        options["class_weight"] = tuple(float(x) for x in args.class_weight.split(","))
        if len(options["class_weight"]) != 4:
            sys.exit("--class-weight: four numbers, article,navigation,ad,spam")
    if args.without:
        without_rules(args.without)
    if not eval_cc100.available("train"):
        sys.exit(f"{TRAIN} or {eval_cc100.LABEL_SCORER} not found; set WEBSPAM_SHARED")
    sc = eval_cc100.label_scorer()
    gold_all = sc.read_jsonl(TRAIN)
    parts = halves(gold_all)
    preds: dict = {}
    for k, held in enumerate(parts):
        path = Path(f"{args.prefix}_fold{k}.npz")
        if not (args.reuse and path.exists()):
            print(f"fold {k}: training on {args.labeled} + {len(parts[1 - k])} cc100 pages -> {path}", file=sys.stderr)
            train_fold(Path(args.labeled), parts[1 - k], path, args.real_weight, **options)
        preds.update(predictions(Cleaner.load(str(path)), held, sc))
    gold = [g for part in parts for g in part]
    m, rows = sc.score(gold, preds)
    f = eval_cc100.figures(m)
    kp = kind_precision(preds, gold, sc)
    if args.json:
        print(json.dumps({**f, "spam_precision_by_kind": kp}))
        return
    if args.errors:
        for g in gold:
            labels = sc.predicted_labels(g, preds[g["id"]])
            for para, lab, kind in zip(g["paragraphs"], labels, preds[g["id"]]["_kinds"]):
                if para["label"] != lab:
                    gk = f"/{para['kind']}" if para.get("kind") else ""
                    pk = f"/{kind}" if kind else ""
                    print(f"{g['id'][:12]} {para['label'] + gk:>12} -> {lab + pk:<12} {para['text'].strip()[:60]!r}")
    print(f"cc100 train 2-fold CV ({len(gold)} held-out pages): spam F1 {f['spam_f1']:.3f} "
          f"(P {f['spam_precision']:.3f} R {f['spam_recall']:.3f}; promo {f['promo_recall']:.3f}, "
          f"seo {f['seo_recall']:.3f})")
    print(f"article recall {f['article_recall']:.3f}, article->spam {f['article_to_spam']:.4f}, "
          f"macro F1 {f['macro_f1']:.3f}")
    for c, v in m["per_class"].items():
        print(f"  {c:10s} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} (n={v['support']})")
    print("predicted spam by kind: " + ", ".join(f"{k} {hit}/{n} correct" for k, (n, hit) in sorted(kp.items())))
    print(f"pages with spam flagged {f['spam_pages_flagged']}/{f['spam_pages']}; "
          f"spam-free pages flagged {f['clean_pages_flagged']}/{f['clean_pages']}")


if __name__ == "__main__":
    main()
