"""What `webspam score` costs against `webspam clean` on the same file, as a user runs them.

Run: python scripts/bench_score.py [--mb 2] [--rounds 5]
The dev dumps (../shared/data/dev) are joined into one page of about --mb MB of UTF-8, written to
a temporary file; `clean FILE`, `score FILE` and `score FILE --format jsonl` then run in turn as
fresh processes, --rounds times, and their CPU times (user + system, from the operating system's
accounting of each finished child) are compared as medians and as the median of the per-round
ratios (robust to the machine's speed drifting between rounds). Then, in one process, the parts
of `score`: cleaning, building the paragraphs, their reasons, and the JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from _shared import ROOT, available, dev_pages

COMMANDS = {"clean": ["clean"], "score (table)": ["score"], "score (jsonl)": ["score", "--format", "jsonl"]}


def page_text(mb: float) -> str:
    texts, size = [], 0
    for page in dev_pages():
        texts.append(page["text"])
        size += len(page["text"].encode("utf-8"))
        if size >= mb * 1e6:
            break
    return "\n".join(texts)


def cpu_of(args: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "classifier.cli", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def parts(path: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from classifier import Cleaner

    cleaner = Cleaner.load()
    text = open(path, encoding="utf-8").read()
    cleaner.clean(text)  # warm
    out = {}
    t0 = time.process_time()
    page = cleaner.clean(text)
    out["clean"] = time.process_time() - t0
    t0 = time.process_time()
    paragraphs = page.paragraphs
    out["paragraphs"] = time.process_time() - t0
    t0 = time.process_time()
    for p in paragraphs:
        p.reason
    out["reasons"] = time.process_time() - t0
    encode = json.JSONEncoder(ensure_ascii=False).encode
    t0 = time.process_time()
    for p in paragraphs:
        encode(p.to_dict())
    out["json"] = time.process_time() - t0
    out["paragraph_count"] = len(paragraphs)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if not available():
        sys.exit("../shared is not beside this repository; set WEBSPAM_SHARED")
    fd, path = tempfile.mkstemp(suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(page_text(args.mb))
    try:
        size = os.path.getsize(path) / 1e6
        cpu_of(COMMANDS["clean"] + [path])  # warm the file cache and the imports
        times = {name: [] for name in COMMANDS}
        for _ in range(args.rounds):
            for name, cmd in COMMANDS.items():
                times[name].append(cpu_of(cmd[:1] + [path] + cmd[1:]))
        print(f"one page of {size:.2f} MB, {args.rounds} rounds, CPU seconds of each process (median):")
        for name, ts in times.items():
            ratio = statistics.median(t / c for t, c in zip(ts, times["clean"]))
            print(f"  {name:<14} {statistics.median(ts):6.2f} s   {ratio:4.2f}x clean")
        p = parts(path)
        print(f"in one process ({p['paragraph_count']} paragraphs): clean {p['clean']:.3f} s, paragraphs "
              f"{p['paragraphs']:.3f} s, reasons {p['reasons']:.3f} s, JSON {p['json']:.3f} s")
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
