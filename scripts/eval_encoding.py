"""Measure encoding detection (classifier/textio.py) on real pages re-encoded, with bad bytes.

Run: python scripts/eval_encoding.py [--bad 0,1,5] [--seed 7] [--limit N] [--textio FILE] [--list N]

Pages: ../shared/data/seeds/*.txt and the `text` field of ../shared/data/dev/*.jsonl, read at
run time (skipped with a message when absent). Each page is encoded as

  utf-8       page.encode("utf-8")
  gbk         page.encode("gbk", "ignore")      (characters outside GBK dropped: emoji, ...)
  gb18030     page.encode("gb18030")            (lossless)
  big5        OpenCC s2t(page).encode("cp950", "ignore"): the page is first converted to
              traditional script, then the characters cp950 lacks are dropped
  utf-16      page.encode("utf-16")             (little-endian with a BOM)
  utf-16-le   page.encode("utf-16-le")          (no BOM)

then 0, 1 or 5 bad bytes are written over random positions (seeded per page, encoding and
count): each a random byte 0x80-0xFF. Overwriting (not inserting) keeps UTF-16 aligned. The
reference text is the encoded page decoded back before the damage.

Reported per encoding and bad-byte count: pages decoded to the right family (utf-8, gb, big5,
utf-16), pages refused (InputError), and the character accuracy over all pages: reference
characters found in the decoded text in order (a line diff, then a character diff inside the
changed lines) over reference characters. `--textio FILE` measures another version of
textio.py, e.g. `git show HEAD~1:classifier/textio.py > /tmp/old_textio.py`.
"""
from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import os
import random
import sys
import time
import zlib

from _shared import DEV, ROOT, SEEDS

sys.path.insert(0, str(ROOT))
from classifier.errors import InputError  # noqa: E402
from classifier.textio import encoding_family  # noqa: E402

ENCODINGS = ("utf-8", "gbk", "gb18030", "big5", "utf-16", "utf-16-le")
EXPECTED_FAMILY = {"utf-8": "utf-8", "gbk": "gb", "gb18030": "gb", "big5": "big5", "utf-16": "utf-16",
                   "utf-16-le": "utf-16"}


def load_pages(limit: int | None = None) -> list[tuple[str, str]]:
    """(id, text) of the seed dumps and dev pages; empty when ../shared is absent."""
    pages = []
    if SEEDS.exists():
        pages += [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    if DEV.exists():
        for path in sorted(DEV.glob("*.jsonl")):
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        d = json.loads(line)
                        pages.append((d["id"], d["text"]))
    pages = [(i, t) for i, t in pages if t.strip()]
    return pages[:limit] if limit else pages


_s2t = None


def encode(text: str, encoding: str) -> bytes:
    global _s2t
    if encoding == "big5":
        if _s2t is None:
            from opencc import OpenCC

            _s2t = OpenCC("s2t")
        return _s2t.convert(text).encode("cp950", "ignore")
    if encoding == "gbk":
        return text.encode("gbk", "ignore")
    return text.encode(encoding)


def reference(data: bytes, encoding: str) -> str:
    return data.decode({"big5": "cp950", "utf-16": "utf-16"}.get(encoding, encoding))


def inject(data: bytes, n: int, rng: random.Random) -> bytes:
    """`n` random bytes 0x80-0xFF written over random positions (past a BOM)."""
    out = bytearray(data)
    start = 2 if data[:2] in (b"\xff\xfe", b"\xfe\xff") else 0
    for _ in range(n):
        if len(out) > start:
            out[rng.randrange(start, len(out))] = rng.randrange(0x80, 0x100)
    return bytes(out)


def matched_chars(ref: str, got: str) -> int:
    """Characters of `ref` found in order in `got`: lines first, characters inside changed lines."""
    a, b = ref.splitlines(keepends=True), got.splitlines(keepends=True)
    total = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            total += sum(len(x) for x in a[i1:i2])
        elif op == "replace":
            x, y = "".join(a[i1:i2]), "".join(b[j1:j2])
            head = len(os.path.commonprefix([x, y]))
            x, y = x[head:], y[head:]
            tail = len(os.path.commonprefix([x[::-1], y[::-1]]))
            x, y = x[:len(x) - tail], y[:len(y) - tail]
            total += head + tail
            if len(x) * len(y) <= 4_000_000:  # larger: a wholly wrong decoding, too slow to align
                sm = difflib.SequenceMatcher(None, x, y, autojunk=False)
                total += sum(m.size for m in sm.get_matching_blocks())
    return total


def load_decoder(path: str | None):
    """decode function -> (text, encoding, replaced or None)."""
    if path is None:
        from classifier.textio import decode_bytes

        def run(data: bytes):
            d = decode_bytes(data, "page")
            return d.text, d.encoding, d.replaced
        return run
    spec = importlib.util.spec_from_file_location("classifier._eval_textio", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)

    def run_old(data: bytes):
        text, enc = mod.decode(data, "page")
        return text, enc, None
    return run_old


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bad", default="0,1,5", help="Bad-byte counts to inject, comma-separated.")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--limit", type=int, default=None, help="Use only the first N pages.")
    ap.add_argument("--encodings", default=",".join(ENCODINGS))
    ap.add_argument("--textio", default=None, help="Measure this textio.py file's decode() instead.")
    ap.add_argument("--list", type=int, default=0, help="List up to N wrong-family or refused cases.")
    ap.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = ap.parse_args()

    pages = load_pages(args.limit)
    if not pages:
        print(f"no pages: ../shared data not found at {SEEDS.parent} (set WEBSPAM_SHARED); skipped")
        return
    decode = load_decoder(args.textio)
    bads = [int(x) for x in args.bad.split(",")]
    rows, misses = [], []
    t0 = time.perf_counter()
    for enc in args.encodings.split(","):
        encoded = [(pid, encode(text, enc)) for pid, text in pages]
        for nbad in bads:
            right = refused = chars = matched = replaced = 0
            for pid, data in encoded:
                ref = reference(data, enc)
                rng = random.Random(zlib.crc32(f"{args.seed}:{pid}:{enc}:{nbad}".encode()))
                damaged = inject(data, nbad, rng)
                chars += len(ref)
                try:
                    text, got, rep = decode(damaged)
                except InputError as exc:
                    refused += 1
                    misses.append((enc, nbad, pid, f"refused: {exc}"))
                    continue
                replaced += rep or 0
                fam = encoding_family(got)
                if fam == EXPECTED_FAMILY[enc]:
                    right += 1
                else:
                    misses.append((enc, nbad, pid, f"decoded as {got}"))
                matched += matched_chars(ref, text)
            rows.append({"encoding": enc, "bad_bytes": nbad, "pages": len(encoded), "right_family": right,
                         "refused": refused, "char_accuracy": round(matched / max(chars, 1), 5),
                         "replaced_bytes": replaced})
    seconds = time.perf_counter() - t0
    if args.json:
        print(json.dumps({"rows": rows, "seconds": round(seconds, 1)}, indent=1))
    else:
        print(f"{len(pages)} pages (seeds + dev `text`), seed {args.seed}, "
              f"{'textio ' + args.textio if args.textio else 'classifier/textio.py'}")
        print(f"{'encoding':<11}{'bad':>4}{'pages':>7}{'right family':>14}{'refused':>9}{'char acc':>10}"
              f"{'replaced':>10}")
        for r in rows:
            print(f"{r['encoding']:<11}{r['bad_bytes']:>4}{r['pages']:>7}"
                  f"{r['right_family']:>8} {r['right_family'] / r['pages']:>5.1%}{r['refused']:>9}"
                  f"{r['char_accuracy']:>10.2%}{r['replaced_bytes']:>10}")
        tot = sum(r["pages"] for r in rows)
        print(f"all: {sum(r['right_family'] for r in rows)}/{tot} right family, "
              f"{sum(r['refused'] for r in rows)} refused ({seconds:.1f} s)")
    for enc, nbad, pid, what in misses[:args.list]:
        print(f"  {enc} bad={nbad} {pid}: {what}")


if __name__ == "__main__":
    main()
