"""Split a page's text into paragraphs that keep their exact text and position.

A paragraph is one non-empty line (blank-line and single-line layouts alike; ``\\r\\n``,
``\\r`` and Unicode line separators end lines; lines holding only ASCII, full-width or
ideographic spaces are blank). Two refinements:

* hard-wrapped prose (a paragraph broken every ~40 characters mid-sentence, as old pages
  have it) is joined back into one paragraph: see `_wrap_end`;
* a sentence that HTML-to-text conversion broke at every inline element (a link, a bold
  word: "雄安新区\n是\n中国\n…\n，也是首个由") is joined back too: see `_join_inline`;
* a line longer than `MAX_PARAGRAPH_CHARS` is cut at sentence ends or spaces, so that
  memory and time stay linear on pages that are one giant line.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from . import kernels
from .normalize import char_set_table, codes_of, space_codes

MAX_PARAGRAPH_CHARS = 5000
# Hard wrap: lines of this display width or more (CJK counts 2) that agree within
# WRAP_TOLERANCE columns, at least WRAP_MIN_LINES of them, holding prose punctuation.
WRAP_MIN_WIDTH = 50
WRAP_MAX_WIDTH = 200
WRAP_TOLERANCE = 2
WRAP_MIN_LINES = 2

# Inline split: a run of adjacent lines, none ending a sentence before the last, at least
# half of them fragments of at most INLINE_FRAGMENT characters, with at least one seam
# that cannot be a line start or end (a line starting with a comma, a line ending in one).
INLINE_FRAGMENT = 12
# A run joined back into one sentence is at most this long. Longer runs of short lines are lists
# (a porn site's 72 video titles, one with a seam, were one paragraph): on the cc100 train pages
# spam F1 0.697 -> 0.817 with the cap; dev content F1 unchanged (scripts/eval_cc100.py, eval_dev.py).
INLINE_MAX_CHARS = 300
_CONTINUES = "，、。；：！？）》」』”,;:!?)]"  # a line starting with one of these goes on from the line before
_OPENS = "、，（《「『“("                     # a line ending with one of these goes on in the next
_STOPS = "。！？!?"
_CITATION_RE = re.compile(r"\[\d{1,3}\]")
_HAN_RE = re.compile(r"[\u3400-\u9fff]")

LINE_ENDS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BULLET_RE = re.compile(r"^[\s\u3000]*(?:[•·●◆■▪▶►\-\*>»›]|\d+[.、)]\s)")
_PROSE_RE = re.compile(r"[，,、；;]")
_SENTENCE_END = tuple("。！？!?；;…」”\"')）")
CUT_RE = re.compile(r"[。！？!?；;]|\s+")  # where an over-long line or page may be cut


class Span(NamedTuple):
    """A paragraph's place in the page text: ``text[start:end]`` is its exact text."""

    start: int
    end: int


def _width(line: str) -> int:
    # GB18030 spends two bytes on a CJK or full-width character and one on ASCII:
    # exactly the display width of Chinese text, computed in C.
    return len(line.encode("gb18030", "replace"))


def _cut_long(start: int, end: int, text: str) -> list[Span]:
    spans = []
    while end - start > MAX_PARAGRAPH_CHARS:
        window = text[start + MAX_PARAGRAPH_CHARS // 2:start + MAX_PARAGRAPH_CHARS]
        cut = None
        for m in CUT_RE.finditer(window):
            cut = m.end()
        stop = start + MAX_PARAGRAPH_CHARS // 2 + cut if cut else start + MAX_PARAGRAPH_CHARS
        spans.append(Span(start, stop))
        start = stop
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        spans.append(Span(start, end))
    return spans


_BREAK_RE = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _adjacent(text: str, end: int, start: int) -> bool:
    """True when no blank line separates a line ending at `end` from one starting at `start`."""
    return len(_BREAK_RE.findall(text, end, start)) <= 1


def _wrap_end(starts: list[int], ends: list[int], i: int, text: str) -> tuple[int, int]:
    """Index of the last line of the hard-wrapped paragraph starting at line `i` (or `i`),
    and the index of the first line after the run of lines as wide as line `i` (where the
    search for the next paragraph may go on: a later line of a run that is no paragraph starts
    none either). ``text[starts[k]:ends[k]]`` is line k."""
    line = text[starts[i]:ends[i]].rstrip()
    if len(line) < WRAP_MIN_WIDTH // 2 or _BULLET_RE.match(line) or line.endswith(_SENTENCE_END):
        return i, i + 1
    width = _width(line)
    if not WRAP_MIN_WIDTH <= width <= WRAP_MAX_WIDTH:
        return i, i + 1
    full, prose, k = 1, bool(_PROSE_RE.search(line)), i + 1
    while k < len(starts) and _adjacent(text, ends[k - 1], starts[k]):
        nxt = text[starts[k]:ends[k]]
        if nxt[:1].isspace() or _BULLET_RE.match(nxt):
            break
        w = _width(nxt.rstrip())
        if abs(w - width) <= WRAP_TOLERANCE:  # another full-width line
            full += 1
            prose = prose or bool(_PROSE_RE.search(nxt))
            k += 1
            continue
        if w < width:  # a shorter line ends the paragraph
            k += 1
        break
    return (k - 1 if full >= WRAP_MIN_LINES and prose else i), i + full


def _lines(text: str, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the page's non-blank lines (line ends excluded), with numpy."""
    table = _line_table()
    kind = table.take(codes, mode="clip")
    breaks = (kind == 2).nonzero()[0]
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(codes)]))
    solid = (kind == 0).nonzero()[0]  # characters that are neither space nor break
    keep = solid.searchsorted(ends) > solid.searchsorted(starts)  # a line holding one
    return starts[keep], ends[keep]


@lru_cache(maxsize=1)
def _line_table() -> np.ndarray:
    """0: ordinary character, 1: space, 2: line end (the characters str.splitlines splits on)."""
    from .normalize import LUT_SIZE

    table = np.zeros(LUT_SIZE, dtype=np.int8)
    table[space_codes()] = 1
    for ch in LINE_ENDS:
        table[ord(ch)] = 2
    return table


def paragraph_bounds(text: str, codes: np.ndarray | None = None,
                     lines: tuple | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the paragraphs of `text` as arrays (the fast form of
    `split_paragraphs`). `codes` may pass the text's code points when already computed, and
    `lines` the (starts, ends, widths) of its lines as `_kernels.lines` gives them (the
    cleaner has them from `_kernels.page_pass`)."""
    if codes is None:
        codes = codes_of(text)
    if lines is not None:
        starts, ends, widths = lines
    elif kernels.compiled is not None:
        starts, ends, widths = kernels.compiled.lines(codes, _line_table())
    else:
        starts, ends = _lines(text, codes)
        widths = _display_widths(codes, starts, ends)
    n = len(starts)
    if not n:
        return starts, ends
    # Only a line whose successor has (nearly) the same display width can start a hard wrap;
    # the rest of the test runs in Python for those few candidates.
    same = np.zeros(n, dtype=bool)
    same[:-1] = (np.abs(widths[1:] - widths[:-1]) <= WRAP_TOLERANCE) & (widths[:-1] >= WRAP_MIN_WIDTH) \
        & (widths[:-1] <= WRAP_MAX_WIDTH)
    if same.any():
        starts, ends = _join_wrapped(text, starts, ends, same.nonzero()[0])
    seams = _seam_candidates(codes, starts, ends)
    if len(seams):
        starts, ends = _join_inline(text, starts, ends, seams)
    long = ((ends - starts) > MAX_PARAGRAPH_CHARS).nonzero()[0]
    if not len(long):
        return starts, ends
    out_s, out_e = [], []
    done = 0
    for i in long.tolist():  # over-long lines: the lines before unchanged, then the pieces
        out_s.append(starts[done:i])
        out_e.append(ends[done:i])
        spans = _cut_long(int(starts[i]), int(ends[i]), text)
        out_s.append(np.array([sp.start for sp in spans], dtype=np.int64))
        out_e.append(np.array([sp.end for sp in spans], dtype=np.int64))
        done = i + 1
    return np.concatenate(out_s + [starts[done:]]), np.concatenate(out_e + [ends[done:]])


def _join_wrapped(text: str, starts: np.ndarray, ends: np.ndarray, candidates: np.ndarray):
    """Lines with each hard-wrapped run (see `_wrap_end`, tried at the `candidates` only)
    joined into one paragraph."""
    line_starts, line_ends = starts.tolist(), ends.tolist()
    keep = np.ones(len(line_starts), dtype=bool)
    ends = ends.copy()
    after = 0  # lines before this one already belong to a joined run
    for i in candidates.tolist():
        if i < after:
            continue
        j, run = _wrap_end(line_starts, line_ends, i, text)
        if j > i:
            keep[i + 1:j + 1] = False
            ends[i] = line_ends[j]
        # a run of equal lines that is no paragraph (a list, a table): trying each of its lines
        # again cost quadratic time (5,000 equal headlines, 100 s)
        after = max(j + 1, run)
    return starts[keep], ends[keep]


def _seam_candidates(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Lines that may hold an inline-split seam: those starting with a continuation mark or
    a citation bracket, or ending with an opening mark (a cheap test run in numpy; the exact
    one is `_seam`)."""
    if len(starts) < 2:
        return np.zeros(0, dtype=np.int64)
    begins = char_set_table(_CONTINUES + "[").take(codes[starts], mode="clip")  # may start / end a line at a seam
    begins[0] = False
    closes = char_set_table(_OPENS).take(codes[ends - 1], mode="clip")
    closes[-1] = False
    return (begins | closes).nonzero()[0]


def _seam(before: str, after: str) -> bool:
    """True when two stripped lines are one sentence cut at an inline element: the second
    starts with a continuation mark followed by Han text (or is the mark alone, or a
    citation like "[3]"), or the first ends with an opening mark."""
    if after[:1] in _CONTINUES and (len(after) == 1 or _HAN_RE.match(after, 1)):
        return True
    return bool(_CITATION_RE.fullmatch(after)) or before[-1:] in _OPENS


def _join_inline(text: str, starts: np.ndarray, ends: np.ndarray, seams: np.ndarray):
    """Runs of lines split at inline elements (around the `seams` candidates) joined into one
    paragraph each. A run is a maximal chain of adjacent lines, neither indented nor bulleted,
    none but the last ending a sentence; it is joined when it holds a real seam and at least
    half of its lines are fragments, within INLINE_MAX_CHARS."""
    line_starts, line_ends = starts.tolist(), ends.tolist()
    n = len(line_starts)
    lines: dict[int, str] = {}

    def line(k: int) -> str:
        if k not in lines:
            lines[k] = text[line_starts[k]:line_ends[k]]
        return lines[k]

    def open_line(k: int) -> bool:  # may take part in a run
        raw = line(k)
        return not raw[:1].isspace() and not _BULLET_RE.match(raw)

    def linked(k: int) -> bool:  # lines k and k+1 may belong to one run
        return line(k).rstrip()[-1:] not in _STOPS and _adjacent(text, line_ends[k], line_starts[k + 1]) \
            and open_line(k) and open_line(k + 1)

    keep = np.ones(n, dtype=bool)
    ends = ends.copy()
    after = 0  # lines before this one were already part of a run
    for c in seams.tolist():
        if c < after or not open_line(c):
            continue
        first = c
        while first > after and linked(first - 1):
            first -= 1
        last = c
        while last + 1 < n and linked(last):
            last += 1
        after = last + 1
        if last == first:
            continue
        if line_ends[last] - line_starts[first] > INLINE_MAX_CHARS:
            continue  # a list of short items (titles, menus), not one sentence
        run = [line(k).strip() for k in range(first, last + 1)]
        fragments = sum(len(t) <= INLINE_FRAGMENT for t in run)
        if 2 * fragments >= len(run) and any(map(_seam, run[:-1], run[1:])):
            keep[first + 1:last + 1] = False
            ends[first] = line_ends[last]
    return starts[keep], ends[keep]


def _display_widths(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Display width of each line without trailing spaces (CJK and full-width count 2)."""
    wide = np.concatenate(([0], (codes >= 0x1100).cumsum()))
    return (ends - starts) + wide[ends] - wide[starts]


def split_paragraphs(text: str) -> list[Span]:
    """Spans of the paragraphs of `text`, in order; ``text[span.start:span.end]`` is exact."""
    starts, ends = paragraph_bounds(text)
    return [Span(s, e) for s, e in zip(starts.tolist(), ends.tolist())]
