"""Measure classifier/repair.py: pinyin stripping, mojibake detection and repair, false repairs.

Run: python scripts/eval_repair.py [--list N] [--json]

Prints
 (1) the share of pinyin-annotated paragraphs in tests/cases/repair_cases.jsonl fully repaired
     (and the negatives left alone);
 (2) false repairs on the dev set: strip_pinyin and mojibake_status on every non-empty line of
     the `text` field of ../shared/data/dev/*.jsonl; lines changed / flagged are listed
     (expected: none); the lines glued_boundaries would split, for information; on the seed
     dumps (when present) the annotations removed and any toned groups left;
 (3) mojibake precision, recall and repair accuracy on cases made at run time from the dev
     lines with >= 10 Han characters: line.encode('utf-8').decode('gb18030') where that succeeds
     strictly is a positive (repair is correct only if it gives the line back exactly); the
     original lines are the negatives;
 (4) time per MB (10^6 bytes of UTF-8) of strip_pinyin + mojibake_status on the dev dumps,
     page by page and line by line;
 (5) garbled runs inside readable lines (`garbled_runs`): false finds on every dev line, and
     runs made at run time from dev lines found and removed.
The dev set is read at run time only; without it the dev parts are skipped with a message.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time

from _shared import DEV, ROOT, SEEDS

sys.path.insert(0, str(ROOT))
from classifier.repair import (OK, REPAIRED, UTF8_AS_GBK, char_classes, fix_mojibake,  # noqa: E402
                               garbled_runs, glued_boundaries, mojibake_status, rare_char_re, split_glued,
                               fix_garbled_runs, strip_pinyin)

CASES = ROOT / "tests" / "cases" / "repair_cases.jsonl"
HAN = re.compile(r"[\u4e00-\u9fff]")
MIN_HAN = 10  # dev lines used for the mis-decoding experiment
# Any char followed by a parenthesised toned group: what strip_pinyin leaves (not after Han, ...).
LEFT_OVER = re.compile(r".[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")


def load_cases() -> list[dict]:
    with open(CASES, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pinyin_cases(cases: list[dict]) -> dict:
    """(1): annotated cases fully repaired, unannotated cases left alone."""
    pin = [c for c in cases if c["kind"] == "pinyin" and not c["known_failure"]]
    pos = [c for c in pin if c["input"] != c["expect"]]
    neg = [c for c in pin if c["input"] == c["expect"]]
    return {"annotated": len(pos), "fully_repaired": sum(strip_pinyin(c["input"])[0] == c["expect"] for c in pos),
            "unannotated": len(neg), "left_alone": sum(strip_pinyin(c["input"])[0] == c["input"] for c in neg),
            "known_failures": sum(c["kind"] == "pinyin" and c["known_failure"] for c in cases)}


def dev_texts() -> list[str]:
    texts = []
    for path in sorted(DEV.glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            texts.extend(json.loads(line)["text"] for line in fh if line.strip())
    return texts


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def seed_pinyin(texts: list[str]) -> dict:
    """The seed dumps include a converter page: annotations removed there, and any left over."""
    removed = sum(strip_pinyin(text)[1] for text in texts)
    left = [m.group() for text in texts for m in LEFT_OVER.finditer(strip_pinyin(text)[0])]
    return {"pages": len(texts), "changed_pages": sum(strip_pinyin(t)[1] > 0 for t in texts),
            "removed": removed, "left_over": left}


def false_repairs(texts: list[str]) -> dict:
    """(2): non-empty lines that strip_pinyin changes or mojibake_status does not call 'ok'."""
    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    changed = [line for line in lines if strip_pinyin(line)[1]]
    flagged = [(mojibake_status(line), line) for line in lines if mojibake_status(line) != OK]
    glued = [split_glued(line) for line in lines if glued_boundaries(line)]
    return {"lines": len(lines), "pinyin_changed": changed, "mojibake_flagged": flagged, "glued": glued}


def misdecoded(texts: list[str]) -> dict:
    """(3): detection and repair of dev lines mis-decoded as GB18030 at run time."""
    originals = [line for text in texts for line in text.splitlines() if len(HAN.findall(line)) >= MIN_HAN]
    positives = []
    for line in originals:
        try:
            positives.append((line.encode("utf-8").decode("gb18030"), line))
        except UnicodeDecodeError:
            pass
    tp = sum(mojibake_status(bad) == UTF8_AS_GBK for bad, _ in positives)
    fp_lines = [line for line in originals if mojibake_status(line) == UTF8_AS_GBK]
    repaired = sum(fix_mojibake(bad) == (good, REPAIRED) for bad, good in positives)
    missed = [bad for bad, _ in positives if mojibake_status(bad) != UTF8_AS_GBK]
    wrong = [bad for bad, good in positives if fix_mojibake(bad) != (good, REPAIRED)]
    return {"negatives": len(originals), "positives": len(positives), "tp": tp, "fp": len(fp_lines),
            "precision": tp / max(tp + len(fp_lines), 1), "recall": tp / max(len(positives), 1),
            "repair_accuracy": repaired / max(len(positives), 1),
            "fp_lines": fp_lines, "missed": missed, "wrong_repairs": wrong}


GARBLED_SPAN = 8  # characters of a line mis-read in the garbled-run experiment


def garbled(texts: list[str]) -> dict:
    """(5): garbled runs inside readable lines. Negatives: every dev line (expected: no run).
    Positives made at run time: in each line with >= 3 * MIN_HAN Han characters, GARBLED_SPAN
    characters from its middle encoded as UTF-8 and read back as GBK with lost bytes as '?'
    (what a pasted quote becomes); found when a run is found; exact when the line comes back
    whole (re-decoded), clean when every untouched character is kept (the run removed)."""
    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    false_runs = [line for line in lines if garbled_runs(line)]
    found = clean = exact = made = 0
    for line in lines:
        if len(HAN.findall(line)) < 3 * MIN_HAN:
            continue
        mid = len(line) // 2
        span = line[mid:mid + GARBLED_SPAN]
        bad = span.encode("utf-8").decode("gbk", "replace").replace("\ufffd", "?")
        made += 1
        fixed, redecoded, removed = fix_garbled_runs(line[:mid] + bad + line[mid + GARBLED_SPAN:])
        found += bool(redecoded or removed)
        exact += fixed == line
        clean += bool(redecoded or removed) and line[:mid] in fixed and line[mid + GARBLED_SPAN:] in fixed
    return {"lines": len(lines), "false_runs": false_runs, "made": made, "found": found, "exact": exact,
            "clean": clean}


def timing(texts: list[str]) -> dict:
    """(4): seconds per MB of strip_pinyin + mojibake_status, whole pages and line by line."""
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    start = time.perf_counter()
    char_classes.cache_clear()
    rare_char_re.cache_clear()
    mojibake_status("涓枃")  # builds the character tables once (lazy); timed separately
    setup = time.perf_counter() - start
    start = time.perf_counter()
    for text in texts:
        strip_pinyin(text)
        mojibake_status(text)
    pages = time.perf_counter() - start
    lines = [line for text in texts for line in text.splitlines()]
    start = time.perf_counter()
    for line in lines:
        strip_pinyin(line)
        mojibake_status(line)
    by_line = time.perf_counter() - start
    return {"mb": round(mb, 3), "setup_s": round(setup, 3), "s_per_mb_pages": round(pages / mb, 4), "s_per_mb_lines": round(by_line / mb, 4)}


def show(rows: list, limit: int) -> None:
    for row in rows[:limit]:
        print("     ", repr(row)[:160])
    if len(rows) > limit:
        print(f"      ... {len(rows) - limit} more")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", type=int, default=10, help="how many offending lines to print per kind")
    ap.add_argument("--json", action="store_true", help="print one JSON object with the figures")
    args = ap.parse_args(argv)
    out = {"pinyin_cases": pinyin_cases(load_cases())}
    p = out["pinyin_cases"]
    if not args.json:
        print(f"(1) pinyin cases: {p['fully_repaired']}/{p['annotated']} annotated paragraphs fully repaired "
              f"({p['fully_repaired'] / max(p['annotated'], 1):.3f}); "
              f"{p['left_alone']}/{p['unannotated']} unannotated left alone; "
              f"{p['known_failures']} known failure(s) not counted")
    texts = dev_texts() if DEV.exists() else []
    if not texts:
        print(f"dev set not found at {DEV} (set WEBSPAM_SHARED): skipping (2)-(5)")
        if args.json:
            print(json.dumps(out, ensure_ascii=False))
        return 0
    fr = false_repairs(texts)
    seeds = seed_pinyin(seed_texts()) if SEEDS.exists() else None
    seed_moji = false_repairs(seed_texts()) if SEEDS.exists() else None
    md = misdecoded(texts)
    tm = timing(texts)
    gb = garbled(texts)
    out.update(dev_false_repairs={"lines": fr["lines"], "pinyin_changed": len(fr["pinyin_changed"]),
                                  "mojibake_flagged": len(fr["mojibake_flagged"]), "glued_lines": len(fr["glued"])},
               mojibake={k: (round(v, 4) if isinstance(v, float) else v) for k, v in md.items()
                         if not isinstance(v, list)},
               timing=tm, garbled={k: (len(v) if isinstance(v, list) else v) for k, v in gb.items()})
    if seeds:
        out["seed_pinyin"] = {k: (len(v) if isinstance(v, list) else v) for k, v in seeds.items()}
        out["seed_mojibake_flagged"] = len(seed_moji["mojibake_flagged"])
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"(2) dev false repairs over {fr['lines']} non-empty lines: "
          f"{len(fr['pinyin_changed'])} changed by strip_pinyin, {len(fr['mojibake_flagged'])} not 'ok' for mojibake_status")
    show(fr["pinyin_changed"], args.list)
    show(fr["mojibake_flagged"], args.list)
    print(f"    (for information) glued_boundaries splits {len(fr['glued'])} dev lines")
    show(fr["glued"], args.list)
    if seeds:
        print(f"    seed dumps ({seeds['pages']} pages, {seed_moji['lines']} lines): "
              f"{len(seed_moji['mojibake_flagged'])} not 'ok' for mojibake_status; strip_pinyin changed "
              f"{seeds['changed_pages']} page(s), {seeds['removed']} annotations removed, "
              f"{len(seeds['left_over'])} toned groups left (not right after a Han character)")
        show(seed_moji["mojibake_flagged"] + seeds["left_over"], args.list)
    print(f"(3) mojibake made from {md['negatives']} dev lines with >= {MIN_HAN} Han "
          f"({md['positives']} decode strictly as GB18030): precision {md['precision']:.4f} "
          f"(tp {md['tp']}, fp {md['fp']}), recall {md['recall']:.4f}, repair accuracy {md['repair_accuracy']:.4f}")
    for name in ("fp_lines", "missed", "wrong_repairs"):
        if md[name]:
            print(f"    {name}:")
            show(md[name], args.list)
    print(f"(4) strip_pinyin + mojibake_status on {tm['mb']} MB of dev dumps: "
          f"{tm['s_per_mb_pages']} s/MB page by page, {tm['s_per_mb_lines']} s/MB line by line "
          f"(+ {tm['setup_s']} s once to build the character tables)")
    print(f"(5) garbled runs: {len(gb['false_runs'])} found in {gb['lines']} dev lines (expected: none); "
          f"{gb['found']}/{gb['made']} made runs found: {gb['exact']} lines given back exactly, "
          f"{gb['clean']} keeping every untouched character")
    show(gb["false_runs"], args.list)
    return 0


if __name__ == "__main__":
    sys.exit(main())
