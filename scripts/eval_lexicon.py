"""Precision and recall of the spam lexicons by kind, on cc100 paragraphs and the dev pages' gold.

Run: python scripts/eval_lexicon.py [--terms] [--min-hits N] [--json]

For each spam kind (betting, lottery, adult, seo: `classifier.lexicon.SPAM_KINDS`) and for any
of them:
- on ../shared/data/cc100/{train,dev}.jsonl, reported separately and pooled: the paragraphs
  holding a term of the kind, the share of those that are gold spam (precision), the share of
  gold spam paragraphs hit (recall), also by gold spam kind (promo / seo);
- on ../shared/data/dev (148 real pages with gold main content, no labeled spam): the hits
  inside gold content lines, which are false positives unless the page is about the topic,
  with the terms that hit; the hits in the rest of the dump are listed as context.
The feature-only lists (``*_context``: ambiguous words that add to the keyword counts but
name no spam kind) get rows of their own in the cc100 tables, for reference.
`--terms` adds per-term counts on cc100 train (paragraphs hit, of which spam) and the terms
that hit non-spam paragraphs on either split (terms only: dev is for measuring, not mining).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict

from _shared import DEV, ROOT, SHARED

sys.path.insert(0, str(ROOT))
from classifier.lexicon import LEXICON_FILES, SPAM_KINDS, KindMatcher, lexicon_list, spam_kind_matcher  # noqa: E402

CC100 = SHARED / "data" / "cc100"
DEV_FILES = ("cx_extractor.jsonl", "magic_html.jsonl")
ANY = "any"
CONTEXT = tuple(n for n in LEXICON_FILES if n.endswith("_context"))  # feature-only lists, no kind


def read_jsonl(path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def cc100_paragraphs(split: str) -> list[tuple[str, str, str | None, str]]:
    """(text, label, spam kind, page id) of every paragraph of the split; [] when absent."""
    path = CC100 / f"{split}.jsonl"
    if not path.exists():
        return []
    return [(p["text"], p["label"], p.get("kind"), g["id"]) for g in read_jsonl(path) for p in g["paragraphs"]]


def paragraph_scores(paras, matcher, kinds=SPAM_KINDS) -> tuple[dict, dict]:
    """Per kind (and ANY): hit, hit_spam, precision, recall, recall_promo, recall_seo; and the
    per-term counts {kind: {entry: [paragraphs, spam paragraphs]}}."""
    gold_spam = Counter(k or "promo" for _, label, k, _ in paras if label == "spam")
    n_spam = sum(gold_spam.values())
    rows = {k: Counter() for k in kinds + (ANY,)}
    terms: dict[str, dict[str, list[int]]] = {k: defaultdict(lambda: [0, 0]) for k in kinds}
    for text, label, kind, _ in paras:
        spans = matcher.spans(text)
        if not spans:
            continue
        is_spam = label == "spam"
        hit_kinds = {s[2] for s in spans}
        for k in list(hit_kinds) + [ANY]:
            r = rows[k]
            r["hit"] += 1
            r["hit_spam"] += is_spam
            if is_spam:
                r[f"hit_{kind or 'promo'}"] += 1
        for entry_kind, entry in {(s[2], s[3]) for s in spans}:
            t = terms[entry_kind][entry]
            t[0] += 1
            t[1] += is_spam
    out = {}
    for k, r in rows.items():
        out[k] = {"hit": r["hit"], "hit_spam": r["hit_spam"],
                  "precision": round(r["hit_spam"] / r["hit"], 3) if r["hit"] else None,
                  "recall": round(r["hit_spam"] / n_spam, 3) if n_spam else None,
                  "recall_promo": round(r["hit_promo"] / gold_spam["promo"], 3) if gold_spam["promo"] else None,
                  "recall_seo": round(r["hit_seo"] / gold_spam["seo"], 3) if gold_spam["seo"] else None}
    out["_gold"] = {"paragraphs": len(paras), "spam": n_spam, **{f"spam_{k}": v for k, v in gold_spam.items()}}
    return out, terms


def dev_gold_hits(matcher) -> dict:
    """Hits inside the gold content lines of the dev pages, and in the rest of their dumps."""
    res = {"pages": 0, "gold": {k: {"hits": 0, "lines": 0, "pages": set(), "terms": Counter(), "examples": []}
                                for k in SPAM_KINDS},
           "dump": {k: {"hits": 0, "terms": Counter()} for k in SPAM_KINDS}}
    for name in DEV_FILES:
        path = DEV / name
        if not path.exists():
            continue
        for page in read_jsonl(path):
            res["pages"] += 1
            gold_lines = [ln.strip() for ln in page["gold"].splitlines() if ln.strip()]
            gold_set = set(gold_lines)
            for ln in gold_lines:
                seen = set()
                for s, e, kind, entry in matcher.spans(ln):
                    g = res["gold"][kind]
                    g["hits"] += 1
                    g["pages"].add(page["id"])
                    g["terms"][entry] += 1
                    if kind not in seen:
                        g["lines"] += 1
                        seen.add(kind)
                    if len(g["examples"]) < 12:
                        g["examples"].append(f"{page['id'][:28]}: …{ln[max(s - 12, 0):e + 12]}…")
            for ln in page["text"].splitlines():
                if ln.strip() and ln.strip() not in gold_set:
                    for s, e, kind, entry in matcher.spans(ln):
                        res["dump"][kind]["hits"] += 1
                        res["dump"][kind]["terms"][entry] += 1
    for g in res["gold"].values():
        g["pages"] = len(g["pages"])
        g["terms"] = dict(g["terms"].most_common())
    for d in res["dump"].values():
        d["terms"] = dict(d["terms"].most_common(15))
    return res


SHAPES = ("operator", "keyword_list")


class ShapeMatcher:
    """Spam found by its shape rather than a list, as `KindMatcher.spans` gives hits: names
    shaped like a betting operator's (`lexicon.operator_names`) and keyword lists beyond doubt
    (`segmenter.stuffing_like(sure=True)`, the whole line)."""

    def spans(self, text: str) -> list[tuple[int, int, str, str]]:
        from classifier.lexicon import operator_names
        from classifier.segmenter import stuffing_like
        out, at = [], 0
        for name in operator_names(text):
            at = text.find(name, at)
            out.append((at, at + len(name), "operator", name))
            at += len(name)
        if stuffing_like(text, sure=True):
            out.append((0, len(text), "keyword_list", ""))
        return out


def shape_gold_hits() -> dict:
    """Lines of the dev pages' gold content that a shape calls spam (false positives)."""
    res = {k: [] for k in SHAPES}
    matcher = ShapeMatcher()
    for name in DEV_FILES:
        if (DEV / name).exists():
            for page in read_jsonl(DEV / name):
                for ln in (x.strip() for x in page["gold"].splitlines()):
                    for _, _, kind, _ in matcher.spans(ln) if ln else ():
                        res[kind].append(f"{page['id'][:28]}: {ln[:40]}")
    return res


def _fmt(v) -> str:
    return "   -  " if v is None else f"{v:6.3f}"


def print_table(title: str, scores: dict, context: dict | None = None) -> None:
    g = scores["_gold"]
    print(f"\n{title}: {g['paragraphs']} paragraphs, {g['spam']} gold spam "
          f"(promo {g.get('spam_promo', 0)}, seo {g.get('spam_seo', 0)})")
    print(f"  {'kind':8} {'hit':>6} {'spam':>6} {'prec':>6} {'recall':>6} {'promo':>6} {'seo':>6}")
    for k in SPAM_KINDS + (ANY,):
        r = scores[k]
        print(f"  {k:8} {r['hit']:6d} {r['hit_spam']:6d} {_fmt(r['precision'])} {_fmt(r['recall'])} "
              f"{_fmt(r['recall_promo'])} {_fmt(r['recall_seo'])}")
    for k in CONTEXT if context else ():
        r = context[k]
        print(f"  {k:8} {r['hit']:6d} {r['hit_spam']:6d} {_fmt(r['precision'])} {_fmt(r['recall'])} "
              f"{_fmt(r['recall_promo'])} {_fmt(r['recall_seo'])}   (feature counts only, no kind)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--terms", action="store_true", help="per-term counts on train; false-positive terms")
    ap.add_argument("--min-hits", type=int, default=1, help="--terms: list train terms with this many hits")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    matcher = spam_kind_matcher()
    report: dict = {}
    splits = {s: cc100_paragraphs(s) for s in ("train", "dev")}
    context_matcher = KindMatcher({n: lexicon_list(n) for n in CONTEXT})
    term_counts = {}
    for s, paras in list(splits.items()) + [("train+dev", splits["train"] + splits["dev"])]:
        if paras:
            report[s], term_counts[s] = paragraph_scores(paras, matcher)
            report[s + " context"] = paragraph_scores(paras, context_matcher, CONTEXT)[0]
        if paras:
            report[s + " shapes"] = paragraph_scores(paras, ShapeMatcher(), SHAPES)[0]
    if DEV.exists():
        report["dev_gold"] = dev_gold_hits(matcher)
        report["dev_gold_shapes"] = shape_gold_hits()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    if not report:
        print("no shared data found (../shared/data/cc100, ../shared/data/dev)")
        return
    for s in ("train", "dev", "train+dev"):
        if s in report:
            print_table(f"cc100 {s}", report[s], report[s + " context"])
    for s in ("train", "dev", "train+dev"):
        if s + " shapes" in report:
            print(f"\ncc100 {s}, spam by its shape (lexicon.operator_names, segmenter.stuffing_like(sure=True)):")
            for k in SHAPES:
                r = report[s + " shapes"][k]
                print(f"  {k:12} {r['hit']:6d} {r['hit_spam']:6d} {_fmt(r['precision'])} {_fmt(r['recall'])} "
                      f"{_fmt(r['recall_promo'])} {_fmt(r['recall_seo'])}")
    if "dev_gold_shapes" in report:
        for k, lines in report["dev_gold_shapes"].items():
            print(f"  dev pages' gold content lines a shape calls spam, {k}: {len(lines)} {lines[:5]}")
    if "dev_gold" in report:
        d = report["dev_gold"]
        print(f"\ndev pages ({d['pages']}): hits inside gold content lines (false positives unless on topic)")
        for k in SPAM_KINDS:
            g = d["gold"][k]
            print(f"  {k:8} hits {g['hits']:4d}  lines {g['lines']:4d}  pages {g['pages']:3d}  terms {g['terms']}")
            for ex in g["examples"]:
                print(f"           {ex}")
        print("  outside gold (page chrome, context only):")
        for k in SPAM_KINDS:
            print(f"  {k:8} hits {d['dump'][k]['hits']:4d}  top terms {d['dump'][k]['terms']}")
    if args.terms:
        for s in ("train", "dev"):
            if s not in term_counts:
                continue
            print(f"\nterms hitting non-spam cc100 {s} paragraphs (paragraphs hit / of which spam):")
            for k in SPAM_KINDS:
                bad = sorted(((e, c) for e, c in term_counts[s][k].items() if c[1] < c[0]), key=lambda x: -x[1][0] + x[1][1])
                print(f"  {k:8} " + "  ".join(f"{e} {c[0]}/{c[1]}" for e, c in bad))
        if "train" in term_counts:
            print("\ncc100 train terms (paragraphs hit / of which spam):")
            for k in SPAM_KINDS:
                ts = sorted(term_counts["train"][k].items(), key=lambda x: -x[1][0])
                print(f"  {k:8} " + "  ".join(f"{e} {c[0]}/{c[1]}" for e, c in ts if c[0] >= args.min_hits))


if __name__ == "__main__":
    main()
