"""Split a page's text into paragraphs that keep their exact text and position.

A paragraph is one non-empty line (blank-line and single-line layouts alike; ``\\r\\n``,
``\\r`` and Unicode line separators end lines; lines holding only ASCII, full-width or
ideographic spaces are blank). Two refinements:

* hard-wrapped prose (a paragraph broken every ~40 characters mid-sentence, as old pages
  have it) is joined back into one paragraph: see `_wrapped_runs`;
* a line longer than `MAX_PARAGRAPH_CHARS` is cut at sentence ends or spaces, so that
  memory and time stay linear on pages that are one giant line.
"""
from __future__ import annotations

import re
from typing import NamedTuple

MAX_PARAGRAPH_CHARS = 5000
# Hard wrap: lines of this display width or more (CJK counts 2) that agree within
# WRAP_TOLERANCE columns, at least WRAP_MIN_LINES of them, holding prose punctuation.
WRAP_MIN_WIDTH = 50
WRAP_MAX_WIDTH = 200
WRAP_TOLERANCE = 2
WRAP_MIN_LINES = 2

_LINE_RE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_BULLET_RE = re.compile(r"^[\s\u3000]*(?:[•·●◆■▪▶►\-\*>»›]|\d+[.、)]\s)")
_PROSE_RE = re.compile(r"[，,、；;]")
_SENTENCE_END = tuple("。！？!?；;…」”\"')）")
_CUT_RE = re.compile(r"[。！？!?；;]|\s+")


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
        for m in _CUT_RE.finditer(window):
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


def _wrap_end(lines: list[tuple[int, int]], i: int, text: str) -> int:
    """Index of the last line of the hard-wrapped paragraph starting at line `i` (or `i`)."""
    s, e = lines[i]
    line = text[s:e].rstrip()
    if len(line) < WRAP_MIN_WIDTH // 2 or _BULLET_RE.match(line) or line.endswith(_SENTENCE_END):
        return i
    width = _width(line)
    if not WRAP_MIN_WIDTH <= width <= WRAP_MAX_WIDTH:
        return i
    full, prose, k = 1, bool(_PROSE_RE.search(line)), i + 1
    while k < len(lines) and _adjacent(text, lines[k - 1][1], lines[k][0]):
        nxt = text[lines[k][0]:lines[k][1]]
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
    return k - 1 if full >= WRAP_MIN_LINES and prose else i


def split_paragraphs(text: str) -> list[Span]:
    """Spans of the paragraphs of `text`, in order; ``text[span.start:span.end]`` is exact."""
    lines = [m.span() for m in _LINE_RE.finditer(text) if not m.group().isspace()]
    spans: list[Span] = []
    i = 0
    while i < len(lines):
        j = _wrap_end(lines, i, text)
        s, e = lines[i][0], lines[j][1]
        if e - s > MAX_PARAGRAPH_CHARS:
            spans.extend(_cut_long(s, e, text))
        else:
            spans.append(Span(s, e))
        i = j + 1
    return spans
