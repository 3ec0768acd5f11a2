"""Speed of `webspam train labeled/`: end to end, and per phase.

Run: python scripts/bench_train.py [--repeat 3] [--phases N] [--jobs 2] [DATA ...]

End to end: runs `webspam train DATA -o TMP` (default DATA: labeled/ and, when present,
../shared/data/cc100/train.jsonl: what the shipped model is trained on) --repeat times in a fresh
interpreter, as a user would, and prints the median, min and max wall time and the median
CPU time (user + system of the command and its worker processes). The model files of all
runs must be byte-identical (training is deterministic); the script says so or fails.

Per phase (--phases N, 0 to skip): runs `train()` N times in this process with one job
(the held-out run, then the final fit, one after the other, so that every phase is seen)
and prints each phase's median wall and CPU time, summed over both fits. A phase's time
excludes the phases it calls (keyword mining excludes its jieba segmentation); "other" is
the rest of `train()`. The machine load (1-minute average) is printed before and after:
figures taken on a busy machine are not comparable with those taken on an idle one.
"""
from __future__ import annotations

import argparse
import functools
import importlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import ROOT, SHARED

sys.path.insert(0, str(ROOT))

# (phase, module, attribute): wrapped when present. Methods are given as "Class.method".
PHASES = [
    ("segment (jieba)", "classifier.keywords", "segment_words"),
    ("segment (jieba)", "classifier.keywords", "_words"),
    ("mine (log-odds)", "classifier.train", "_mine"),
    ("features", "classifier.train", "_features"),
    ("solver", "classifier.train", "_solve"),
    ("brands", "classifier.train", "_brands"),
    ("held-out scoring", "classifier.model", "Model.score_texts"),
    ("temperature", "classifier.train", "_temperature"),
    ("held-out labels", "classifier.train", "_labels"),
]


class _Clock:
    """Wall and CPU time per phase, each phase's own (its callees' time taken out)."""

    def __init__(self):
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.stack: list[list[float]] = []  # [child wall, child cpu] of each open phase

    def wrap(self, name, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            w0, c0 = time.perf_counter(), time.process_time()
            self.stack.append([0.0, 0.0])
            try:
                return fn(*args, **kwargs)
            finally:
                child_w, child_c = self.stack.pop()
                w, c = time.perf_counter() - w0, time.process_time() - c0
                self.wall[name] = self.wall.get(name, 0.0) + w - child_w
                self.cpu[name] = self.cpu.get(name, 0.0) + c - child_c
                if self.stack:
                    self.stack[-1][0] += w
                    self.stack[-1][1] += c
        return timed


def _patch(clock: _Clock) -> list:
    undo = []
    for name, module, attr in PHASES:
        try:
            owner = importlib.import_module(module)
        except ImportError:
            continue
        *path, last = attr.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if owner is None or not hasattr(owner, last):
            continue
        original = owner.__dict__.get(last, getattr(owner, last))
        setattr(owner, last, clock.wrap(name, getattr(owner, last)))
        undo.append((owner, last, original))
    return undo


def phases(data: list[str], repeat: int) -> dict[str, tuple[float, float]]:
    from classifier.labeled import read_labeled
    from classifier.train import TrainOptions, train

    pages = read_labeled(data)
    runs = []
    for _ in range(repeat):
        clock = _Clock()
        undo = _patch(clock)
        w0, c0 = time.perf_counter(), time.process_time()
        try:
            train(pages, TrainOptions(), n_jobs=1)
        finally:
            for owner, last, original in undo:
                setattr(owner, last, original)
        total_w, total_c = time.perf_counter() - w0, time.process_time() - c0
        clock.wall["other"] = total_w - sum(clock.wall.values())
        clock.cpu["other"] = total_c - sum(clock.cpu.values())
        clock.wall["total"], clock.cpu["total"] = total_w, total_c
        runs.append(clock)
    names = list(dict.fromkeys([n for n, _, _ in PHASES if n in runs[0].wall] + ["other", "total"]))
    return {n: (statistics.median(r.wall[n] for r in runs), statistics.median(r.cpu[n] for r in runs))
            for n in names}


def end_to_end(data: list[str], repeat: int) -> dict:
    walls, cpus, digests = [], [], set()
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(repeat):
            out = Path(tmp) / f"m{k}.npz"
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "classifier.cli", "train", *data, "-o", str(out)], cwd=ROOT,
                           check=True, capture_output=True)
            walls.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            digests.add(out.read_bytes())
    return {"wall": walls, "cpu": cpus, "identical": len(digests) == 1}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cc100 = SHARED / "data" / "cc100" / "train.jsonl"
    ap.add_argument("data", nargs="*", default=[str(ROOT / "labeled")] + ([str(cc100)] if cc100.exists() else []))
    ap.add_argument("--repeat", type=int, default=3, help="end-to-end runs (0 to skip)")
    ap.add_argument("--phases", type=int, default=1, help="in-process runs for the per-phase figures (0 to skip)")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    if args.repeat:
        res = end_to_end(args.data, args.repeat)
        print(f"webspam train, {args.repeat} runs: wall median {statistics.median(res['wall']):.1f} s "
              f"(min {min(res['wall']):.1f}, max {max(res['wall']):.1f}), "
              f"CPU median {statistics.median(res['cpu']):.1f} s; model files "
              + ("identical" if res["identical"] else "DIFFER"))
        if not res["identical"]:
            sys.exit("training is not deterministic")
    if args.phases:
        print(f"phases, train() with one job, median of {args.phases} run(s):")
        print(f"  {'phase':20s} {'wall s':>8s} {'CPU s':>8s}")
        for name, (w, c) in phases(args.data, args.phases).items():
            print(f"  {name:20s} {w:8.2f} {c:8.2f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
