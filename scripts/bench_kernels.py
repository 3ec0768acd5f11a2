"""The compiled kernels against the numpy code: `clean()` page by page on the dev text dumps,
in fresh processes that take turns, so that the machine's swings in speed hit both alike.

Run: python scripts/bench_kernels.py [--rounds 5]
Prints, for each, the median and best CPU time of one pass over all dev pages (after a warm-up
pass) as MB/s, and the ratio of the medians. MB = 10^6 bytes of UTF-8 input.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from _shared import ROOT, available

PASS = r"""
import sys, time
sys.path.insert(0, "scripts"); sys.path.insert(0, ".")
from _shared import dev_pages
from classifier import Cleaner, kernels
texts = [p["text"] for p in dev_pages()]
cleaner = Cleaner.load()
for t in texts: cleaner.clean(t).text
t0 = time.process_time()
for t in texts: cleaner.clean(t).text
print(time.process_time() - t0, sum(len(t.encode("utf-8")) for t in texts) / 1e6, kernels.compiled is not None)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if not available():
        sys.exit("../shared not found; set WEBSPAM_SHARED")
    env = {k: v for k, v in os.environ.items() if k != "WEBSPAM_NO_KERNELS"}
    runs: dict[str, list[float]] = {"kernels": [], "numpy": []}
    mb = 0.0
    for _ in range(args.rounds):
        for name, extra in (("kernels", {}), ("numpy", {"WEBSPAM_NO_KERNELS": "1"})):
            out = subprocess.check_output([sys.executable, "-c", PASS], cwd=ROOT, env={**env, **extra}, text=True)
            seconds, size, compiled = out.split()
            mb = float(size)
            if name == "kernels" and compiled != "True":
                sys.exit("the compiled kernels are not built: pip install -e . (needs a C compiler)")
            runs[name].append(float(seconds))
    for name, times in runs.items():
        print(f"{name:8s} median {mb / statistics.median(times):.2f} MB/s, best {mb / min(times):.2f} MB/s "
              f"({', '.join(f'{t:.3f}s' for t in times)})")
    print(f"kernels / numpy: {statistics.median(runs['numpy']) / statistics.median(runs['kernels']):.2f}x "
          f"(ratio of the median times, {args.rounds} rounds)")


if __name__ == "__main__":
    main()
