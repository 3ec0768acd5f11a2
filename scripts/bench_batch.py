"""Throughput of the batch command line (`webspam clean FILE.jsonl -j N`) on the dev pages, and
what the HTML extractors cost on the same pages.

    python scripts/bench_batch.py                  # -j 1 and -j 2 (medians of 3), steady rate, RSS, extractors
    python scripts/bench_batch.py --repeat 8       # a longer run (the dev pages 8 times)
    python scripts/bench_batch.py --warc-compare   # fastwarc against warcio on a generated WARC
    python scripts/bench_batch.py --constant-memory 300   # RSS over time on a 300 MB JSONL

The dev pages (../shared/data/dev/*.jsonl, field `text`) are written, at run time, to a
temporary JSONL (id, url, text; each page `--repeat` times with a distinct id) and cleaned by
`python -m classifier.cli clean TMP -j N -o OUT` in a fresh process. Figures: MB/s of page text
(UTF-8) over the run's own elapsed time (the summary line: reading, workers, writing; not the
interpreter's start), per core (divided by N), the 2-jobs/1-job ratio, and the peak RSS of each
process (psutil, sampled every 50 ms); each the median of --runs runs, interleaved. The steady
rate: the same on the pages 2 x --repeat times, the difference of the two runs' text over the
difference of their elapsed times, which cancels what a run pays once (model load, the tables
built on first use, the workers' fork) and a crawl of millions of pages does not notice; the
start-up is then what the run took beyond its text at that rate. Targets (issue "Crawl scale"):
>= 15 MB/s of text per core, 2 jobs >= 1.8x one job, peak RSS <= 250 MB per worker.

Extractors on the pages' `html` (trafilatura.extract; resiliparse extract_plain_text with
main_content=True, and webspam's own full-text html_to_text) are timed in this process, one
page after another. Nothing is written into the repository.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import _shared  # noqa: E402

TARGET_MB_S_PER_CORE = 15.0
TARGET_RATIO = 1.8
TARGET_RSS_MB = 250


def dev_rows() -> list[dict]:
    d = Path(_shared.SHARED) / "data" / "dev"
    files = sorted(d.glob("*.jsonl"))
    if not files:
        sys.exit(f"no dev pages under {d} (set WEBSPAM_SHARED)")
    return [json.loads(line) for f in files for line in f.open(encoding="utf-8") if line.strip()]


def write_jsonl(rows: list[dict], path: Path, repeat: int) -> float:
    """The pages as JSONL, `repeat` times; MB of text."""
    mb = 0
    with path.open("w", encoding="utf-8") as f:
        for r in range(repeat):
            for row in rows:
                f.write(json.dumps({"id": f"{row['id']}#{r}", "url": row.get("url"), "text": row["text"]},
                                   ensure_ascii=False) + "\n")
                mb += len(row["text"].encode("utf-8"))
    return mb / 1e6


class Sampler(threading.Thread):
    """Peak RSS (MB) of a process and each of its children; and the sum over time."""

    def __init__(self, pid: int, every: float = 0.05):
        super().__init__(daemon=True)
        import psutil

        self.proc, self.every, self.stop = psutil.Process(pid), every, threading.Event()
        self.peak: dict[int, float] = {}
        self.series: list[tuple[float, float, int]] = []  # (time, RSS of all, processes)
        self.t0 = time.perf_counter()

    def run(self) -> None:
        import psutil

        while not self.stop.is_set():
            total = 0.0
            try:
                procs = [self.proc] + self.proc.children(recursive=True)
            except psutil.Error:
                break
            for p in procs:
                try:
                    rss = p.memory_info().rss / 1e6
                except psutil.Error:
                    continue
                total += rss
                self.peak[p.pid] = max(self.peak.get(p.pid, 0.0), rss)
            self.series.append((time.perf_counter() - self.t0, total, len(procs)))
            time.sleep(self.every)


def run_batch(path: Path, jobs: int, out: Path, every: float = 0.05, extra=()) -> dict:
    cmd = [sys.executable, "-m", "classifier.cli", "clean", str(path), "-j", str(jobs), "-o", str(out), *extra]
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = Sampler(proc.pid, every)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run and its workers (joined), with start-up
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    sampler.stop.set()
    sampler.join()
    err = err.decode("utf-8", "replace")
    if proc.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{err}")
    m = re.search(r"in ([\d.]+) s", err)
    main_pid = proc.pid
    workers = {pid: rss for pid, rss in sampler.peak.items() if pid != main_pid}
    return {"elapsed": float(m.group(1)) if m else wall, "wall": wall, "cpu": cpu, "summary": err.strip().splitlines()[-1],
            "main_rss": sampler.peak.get(main_pid, 0.0), "worker_rss": sorted(workers.values(), reverse=True),
            "series": sampler.series}


def bench_batch(rows: list[dict], repeat: int, tmp: Path, runs: int = 3, steady: bool = True) -> None:
    """-j 1 and -j 2 on the pages `repeat` times (the median of `runs` runs each); with
    `steady`, also on them 2 * `repeat` times: the difference of the two cancels the fixed
    start-up of a run (model load, the tables built on first use, the workers' fork), which
    a crawl pays once, and gives the steady rate."""
    import statistics

    sizes = [repeat, 2 * repeat] if steady else [repeat]
    src, mbs = {}, {}
    for r in sizes:
        src[r] = tmp / f"dev{r}.jsonl"
        mbs[r] = write_jsonl(rows, src[r], r)
    mb = mbs[repeat]
    print(f"input: {len(rows) * repeat} pages ({len(rows)} dev pages x {repeat}), {mb:.2f} MB of text, "
          f"{src[repeat].stat().st_size / 1e6:.2f} MB of JSONL; median of {runs} runs each")
    results: dict = {}
    for _ in range(runs):  # interleaved, so that others' load falls on every configuration alike
        for r in sizes:
            for jobs in (1, 2):
                results.setdefault((r, jobs), []).append(run_batch(src[r], jobs, tmp / f"out{jobs}.jsonl"))
    med = {k: statistics.median(x["elapsed"] for x in v) for k, v in results.items()}
    for jobs in (1, 2):
        rs = results[(repeat, jobs)]
        r = rs[len(rs) // 2]
        rate = mb / med[(repeat, jobs)]
        worker_rss = max((x["worker_rss"] for x in rs), key=lambda w: max(w, default=0))
        main_rss = max(x["main_rss"] for x in rs)
        rss = worker_rss or [main_rss]
        each = ", ".join(f"{x['elapsed']:.2f}" for x in rs)
        print(f"-j {jobs}: {med[(repeat, jobs)]:.2f} s (elapsed of each run: {each}): {rate:.2f} MB/s of text, "
              f"{rate / jobs:.2f} MB/s per core (target >= {TARGET_MB_S_PER_CORE}); peak RSS main "
              f"{main_rss:.0f} MB, workers {', '.join(f'{x:.0f}' for x in worker_rss) or '-'} MB "
              f"(target <= {TARGET_RSS_MB}); max {max(rss):.0f} MB")
        cpu = statistics.median(x["cpu"] for x in rs)
        print(f"   CPU time of all its processes: {cpu:.2f} s (with the interpreter's start): "
              f"{mb / cpu:.2f} MB of text per CPU second")
        print(f"   {r['summary']}")
    ratio = med[(repeat, 1)] / med[(repeat, 2)]
    cpu_ratio = statistics.median(x["cpu"] for x in results[(repeat, 2)]) / statistics.median(
        x["cpu"] for x in results[(repeat, 1)])
    print(f"2 jobs / 1 job: {ratio:.2f}x in elapsed time (target >= {TARGET_RATIO}); CPU time -j 2 / -j 1: "
          f"{cpu_ratio:.2f} (1.00: no work added by the workers); cores seen: "
          f"{os.cpu_count()}, load average {os.getloadavg()[0]:.1f} (others' work slows both runs)")
    if steady:
        extra = mbs[2 * repeat] - mb
        rate = {jobs: extra / max(med[(2 * repeat, jobs)] - med[(repeat, jobs)], 1e-9) for jobs in (1, 2)}
        print(f"steady state (the pages x {2 * repeat} minus x {repeat}: the start-up cancelled): "
              f"-j 1 {rate[1]:.2f} MB/s per core, -j 2 {rate[2] / 2:.2f} MB/s per core, 2 jobs / 1 job "
              f"{rate[2] / rate[1]:.2f}x; start-up of a run: -j 1 {med[(repeat, 1)] - mb / rate[1]:.2f} s, "
              f"-j 2 {med[(repeat, 2)] - mb / rate[2]:.2f} s")


def bench_extractors(rows: list[dict]) -> None:
    pages = [r["html"] for r in rows if r.get("html")]
    if not pages:
        print("extractors: the dev pages have no html field")
        return
    mb = sum(len(h.encode("utf-8")) for h in pages) / 1e6
    print(f"extractors on {len(pages)} dev pages' HTML ({mb:.2f} MB), one process, one page at a time:")
    from classifier.html import html_to_text

    cands = [("webspam html_to_text (resiliparse, full text)", html_to_text)]
    try:
        from resiliparse.extract.html2text import extract_plain_text

        cands.append(("resiliparse extract_plain_text(main_content=True)",
                      lambda h: extract_plain_text(h, main_content=True)))
    except ImportError:
        print("  resiliparse: not installed")
    try:
        import trafilatura

        cands.append(("trafilatura.extract", trafilatura.extract))
    except ImportError:
        print("  trafilatura: not installed (pip install 'webspam[bench]')")
    for name, fn in cands:
        fn(pages[0])  # warm up
        t = time.perf_counter()
        for h in pages:
            fn(h)
        dt = time.perf_counter() - t
        print(f"  {name}: {dt:.2f} s, {len(pages) / dt:.0f} pages/s, {mb / dt:.2f} MB/s of HTML")


def _warc_record(rtype: str, url: str, block: bytes) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {rtype}\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype={rtype}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def bench_warc(rows: list[dict], tmp: Path, repeat: int) -> None:
    """Read every response record's payload, with fastwarc and with warcio, plain and gzipped."""
    recs = []
    for r in range(repeat):
        for row in rows:
            body = row["html"].encode("utf-8")
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body)
            recs.append(_warc_record("request", row.get("url") or "http://x/", b"GET / HTTP/1.1\r\n\r\n"))
            recs.append(_warc_record("response", row.get("url") or "http://x/", http + body))
    plain, gz = tmp / "b.warc", tmp / "b.warc.gz"
    plain.write_bytes(b"".join(recs))
    gz.write_bytes(b"".join(gzip.compress(x, 6) for x in recs))
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    def fast(path):
        n = 0
        with open(path, "rb") as f:
            for rec in ArchiveIterator(f, record_types=WarcRecordType.response, parse_http=True):
                n += len(rec.reader.read())
        return n

    def slow(path):
        from warcio.archiveiterator import ArchiveIterator as WarcioIterator

        n = 0
        with open(path, "rb") as f:
            for rec in WarcioIterator(f):
                if rec.rec_type == "response":
                    n += len(rec.content_stream().read())
        return n

    print(f"WARC reading: {len(recs) // 2} responses; {plain.stat().st_size / 1e6:.1f} MB plain, "
          f"{gz.stat().st_size / 1e6:.1f} MB gzipped (best of 3)")
    for path in (plain, gz):
        times = {}
        for name, fn in (("fastwarc", fast), ("warcio", slow)):
            best = float("inf")
            for _ in range(3):
                t = time.perf_counter()
                fn(path)
                best = min(best, time.perf_counter() - t)
            times[name] = best
        size = plain.stat().st_size / 1e6
        print(f"  {path.name}: fastwarc {times['fastwarc']:.3f} s ({size / times['fastwarc']:.0f} MB/s), warcio "
              f"{times['warcio']:.3f} s ({size / times['warcio']:.0f} MB/s): fastwarc {times['warcio'] / times['fastwarc']:.1f}x")


def bench_memory(rows: list[dict], tmp: Path, size_mb: float, jobs: int) -> None:
    """RSS of all the run's processes over time on a large JSONL: flat after the first minute?"""
    src = tmp / "large.jsonl"
    written, i = 0, 0
    with src.open("w", encoding="utf-8") as f:
        while written < size_mb * 1e6:
            row = rows[i % len(rows)]
            line = json.dumps({"id": f"{row['id']}#{i}", "text": row["text"] + f"\n第{i}页"}, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
            i += 1
    print(f"constant memory: {i} pages, {written / 1e6:.0f} MB of JSONL, -j {jobs}; RSS of all processes every 1 s")
    r = run_batch(src, jobs, tmp / "large.out.jsonl", every=1.0)
    full = max(n for _, _, n in r["series"])
    series = [(t, rss) for t, rss, n in r["series"] if n == full]  # while every worker runs
    for t, rss in series[:: max(1, len(series) // 20)]:
        print(f"  {t:6.0f} s  {rss:6.0f} MB")
    long = series[-1][0] >= 75  # some samples after the first minute
    late = [rss for t, rss in series if t >= (60 if long else series[-1][0] / 4)]
    lo, hi = min(late), max(late)
    print(f"  {'after the first minute' if long else 'the last 3/4 of the run'}: {lo:.0f}-{hi:.0f} MB, "
          f"spread {(hi - lo) / lo * 100:.1f}% (target within 10%); peak per worker "
          f"{', '.join(f'{x:.0f}' for x in r['worker_rss'])} MB")
    print(f"  {r['summary']}")
    src.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=4, help="Each dev page this many times (default 4).")
    ap.add_argument("--warc-compare", action="store_true", help="Only: fastwarc against warcio.")
    ap.add_argument("--constant-memory", type=float, metavar="MB", help="Only: RSS over time on a JSONL of MB megabytes.")
    ap.add_argument("--jobs", type=int, default=2, help="Jobs for --constant-memory (default 2).")
    ap.add_argument("--runs", type=int, default=3, help="Runs of each configuration; medians (default 3).")
    ap.add_argument("--no-steady", action="store_true", help="Skip the runs on twice the pages (the steady rate).")
    ap.add_argument("--no-extractors", action="store_true")
    a = ap.parse_args()
    rows = dev_rows()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as d:
        tmp = Path(d)
        if a.warc_compare:
            bench_warc(rows, tmp, a.repeat)
            return
        if a.constant_memory:
            bench_memory(rows, tmp, a.constant_memory, a.jobs)
            return
        bench_batch(rows, a.repeat, tmp, a.runs, not a.no_steady)
        if not a.no_extractors:
            bench_extractors(rows)


if __name__ == "__main__":
    main()
