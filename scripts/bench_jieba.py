"""What jieba would cost on the hot path: its MB/s on the dev dumps against webspam's.

Run: python scripts/bench_jieba.py
This is why jieba runs only at training time (keyword mining) and run-time keyword matching is
Aho-Corasick over the mined table.
"""
from __future__ import annotations

import sys
import time

from _shared import ROOT, available, dev_pages

sys.path.insert(0, str(ROOT))


def main() -> None:
    if not available():
        sys.exit("../shared not found; set WEBSPAM_SHARED")
    import jieba

    from classifier import Cleaner

    jieba.setLogLevel(60)
    texts = [p["text"] for p in dev_pages()]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    jieba.lcut(texts[0])  # load the dictionary first
    t0 = time.process_time()
    for t in texts:
        jieba.lcut(t, HMM=False)
    jieba_s = time.process_time() - t0
    cleaner = Cleaner.load()
    t0 = time.process_time()
    for t in texts:
        cleaner.clean(t).text
    clean_s = time.process_time() - t0
    print(f"jieba.lcut (HMM off): {mb / jieba_s:.2f} MB/s; webspam clean (whole pipeline): {mb / clean_s:.2f} MB/s "
          f"(CPU time over {mb:.2f} MB of dev dumps)")


if __name__ == "__main__":
    main()
