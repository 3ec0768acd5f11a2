"""Speed and memory of `clean` on the dev text dumps, single-threaded.

Run: python scripts/bench.py [--model PATH] [--repeat 5] [--explain] [--numpy]
Prints model load time, MB/s and pages/s (median of --repeat runs over all dev pages, by
wall time and by process CPU time; MB = 10^6 bytes of UTF-8 input) and peak RSS, for two
APIs: `clean(text)` page by page, and `clean_many(texts)` over all the pages (the batch API,
which cleans consecutive pages together). --explain also reads every paragraph's reason, as
`webspam score` does; --numpy runs the numpy code instead of the compiled kernels.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

from _shared import ROOT, available, dev_pages


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, because ru_maxrss survives fork and exec
    and would report a parent's peak when the benchmark is started from another script."""
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_time(model: str | None) -> float:
    """Model load measured in a fresh interpreter: import of the package plus Cleaner.load()."""
    code = ("import time; t=time.perf_counter(); from classifier import Cleaner; "
            f"Cleaner.load({model!r}); print(time.perf_counter()-t)")
    times = [float(subprocess.check_output([sys.executable, "-c", code], cwd=ROOT)) for _ in range(3)]
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--numpy", action="store_true", help="run the numpy code, not the compiled kernels")
    args = ap.parse_args()
    if not available():
        sys.exit("../shared not found; set WEBSPAM_SHARED")
    if args.numpy:
        os.environ["WEBSPAM_NO_KERNELS"] = "1"  # read when the package is imported (also by load_time)
    sys.path.insert(0, str(ROOT))
    from classifier import Cleaner, kernels

    texts = [p["text"] for p in dev_pages()]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    cleaner = Cleaner.load(args.model)
    for t in texts[:5]:
        cleaner.clean(t)  # warm caches (lookup tables, automaton)

    def use(page) -> None:
        page.text
        if args.explain:
            for p in page.paragraphs:
                p.reason

    def one_by_one() -> None:
        for t in texts:
            use(cleaner.clean(t))

    def batched() -> None:
        for page in cleaner.clean_many(texts):
            use(page)

    what = " + reasons" if args.explain else ""
    modes = ((f"clean(){what}, page by page", one_by_one), (f"clean_many(){what}, all pages", batched))
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name, _ in modes}
    for _ in range(args.repeat):  # the two take turns, so that drift on a noisy machine hits both alike
        for name, run in modes:
            c0, t0 = time.process_time(), time.perf_counter()
            run()
            times[name][0].append(time.perf_counter() - t0)
            times[name][1].append(time.process_time() - c0)
    print(f"dev dumps: {len(texts)} pages, {mb:.2f} MB; compiled kernels: "
          f"{'yes' if kernels.compiled is not None else 'no (numpy code)'}")
    for name, (wall, cpu) in times.items():
        med, med_cpu = statistics.median(wall), statistics.median(cpu)
        print(f"{name}: runs {', '.join(f'{r:.3f}s' for r in wall)}")
        print(f"  {mb / med:.2f} MB/s, {len(texts) / med:.1f} pages/s (median wall time)")
        print(f"  {mb / med_cpu:.2f} MB/s, {len(texts) / med_cpu:.1f} pages/s (median CPU time, "
              "less sensitive to other load on the machine)")
    peak = peak_rss_mb()
    print(f"model load (fresh process, import + load): {load_time(args.model):.3f} s (median of 3)")
    print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
