"""Time and peak memory of `webspam clean` on hostile inputs made at run time.

Run: python scripts/bench_hostile.py [--mb 50]
Each input is written to a temporary file and cleaned by the real command in a fresh
process; the peak RSS of that process (resource.getrusage of children) and its wall time are
printed. Inputs: one line of MB megabytes with no newline, a 1 MB paragraph, two million
tiny lines, 100,000 equal headlines.

`--shapes` instead times `Cleaner.clean` in this process on pages of one shape repeated (the
same brand, distinct operator names, keyword lists, thread posts, ...), at N and 4N lines:
the ratio of the two rates is near 1 when the work grows linearly, well below 1 when it grows
faster (each page rule has run quadratic on some shape once).
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


def shape_pages(n: int) -> dict[str, list[str]]:
    """Pages of n lines, each of one shape a page rule reads."""
    return {
        "equal prose lines": ["这是一段很长的正文内容，用来测试硬换行的段落是否会被正确地合并起来，不会出现问题"] * n,
        "one brand": ["某某体育"] * n,
        "distinct spam terms": [f"澳门金沙{i}号 百家乐 真人视讯" for i in range(n)],
        "contact lines": [f"电话：0755-{1000000 + i}" for i in range(n)],
        "thread posts": [t for i in range(n // 2) for t in (f"用户{i} 发表于 2023-01-0{i % 9 + 1} 12:00", "我觉得这个问题应该这样理解？")],
        "code lines": ["    x = foo(bar) + 1;"] * n,
        "numbered lines": [f"{i}. 第{i}条规定的内容说明" for i in range(n)],
        "distinct operator names": [f"abc{i}体育 网页版登录" for i in range(n)],
        "keyword lists": ["液压接头_不锈钢接头_气动接头_卡套接头_接头厂家"] * n,
        "keyword variants": [f"产品{i}价格_产品{i}多少钱_产品{i}厂家" for i in range(n)],
        "novel doorway titles": [f"精彩小说 书{i}- 第{i}章：开始！ 水落石出 春华秋实 推荐-p2" for i in range(n)],
        "title echoes": ["某某城市启动老旧小区加装电梯试点工作_新闻网"] + [f"某某城市启动老旧小区加装电梯试点{i}" for i in range(n)],
        "sections after text": [t for i in range(n // 4) for t in ("本公司现招聘工程师，欢迎加入我们的团队，待遇从优。", "岗位职责：",
                                                                   f"1、负责设计{i}", "2、编写文档")],
        "product keyword lines": [f"cheap brand{i % 50} shoes outlet" if i % 5 == 0 else f"brand{i % 50} running shoes"
                                  for i in range(n)],
        "datelines": [t for i in range(n // 3) for t in ("社区食堂全部投入运营", f"2024-03-0{i % 9 + 1} 来源：日报",
                                                         "记者从会上获悉，全市今年新建的社区食堂已全部投入运营。")],
    }


def shapes(n: int) -> None:
    sys.path.insert(0, str(ROOT))
    from classifier import Cleaner
    cleaner = Cleaner.load()
    small, large = shape_pages(n), shape_pages(4 * n)
    for name in small:
        rates = []
        for lines in (small[name], large[name]):
            t0 = time.process_time()
            cleaner.clean("\n".join(lines))
            rates.append(len(lines) / (time.process_time() - t0))
        print(f"{name:24s} {rates[0] / 1000:6.1f}k lines/s at {n:,}, {rates[1] / 1000:6.1f}k at {4 * n:,}: "
              f"ratio {rates[1] / rates[0]:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=50)
    ap.add_argument("--shapes", type=int, metavar="N", help="time page shapes at N and 4N lines instead")
    args = ap.parse_args()
    if args.shapes:
        shapes(args.shapes)
        return
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
