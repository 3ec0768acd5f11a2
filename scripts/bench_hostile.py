"""Time and peak memory of `webspam clean` on hostile inputs made at run time.

Run: python scripts/bench_hostile.py [--mb 50]
Each input is written to a temporary file and cleaned by the real command in a fresh
process; the peak RSS of that process (resource.getrusage of children) and its wall time are
printed. Inputs: one line of MB megabytes with no newline, a 1 MB paragraph, two million
tiny lines.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import ROOT

SENTENCE = "这是一个没有换行的超长页面中的一句话，用来检查内存和时间是否有界。"


def run(path: Path) -> tuple[float, float, int]:
    """Wall time, peak RSS (MB, from GNU time's %M of the child alone) and exit status."""
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "classifier.cli", "clean", str(path),
                           "-o", str(path) + ".out"], cwd=ROOT, capture_output=True)
    took = time.perf_counter() - t0
    peak_kb = int(proc.stderr.decode().strip().splitlines()[-1])
    return took, peak_kb / 1024, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=50)
    args = ap.parse_args()
    unit = SENTENCE.encode("utf-8")
    cases = {
        f"{args.mb} MB, no newline": unit * (args.mb * 1_000_000 // len(unit)),
        "1 MB paragraph": b"title\n" + unit * (1_000_000 // len(unit)) + b"\nend\n",
        "2,000,000 tiny lines": "甲\n".encode("utf-8") * 2_000_000,
        "100,000 equal headlines": "某某城市启动老旧小区加装电梯试点工作 记者走访了三个社区\n".encode("utf-8") * 100_000,
    }
    with tempfile.TemporaryDirectory() as d:
        for name, data in cases.items():
            path = Path(d) / "input.txt"
            path.write_bytes(data)
            took, peak, code = run(path)
            print(f"{name}: {len(data) / 1e6:.1f} MB in {took:.1f} s ({len(data) / 1e6 / took:.2f} MB/s), "
                  f"peak RSS {peak:.0f} MB, exit {code}")


if __name__ == "__main__":
    main()
