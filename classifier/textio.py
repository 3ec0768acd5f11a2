"""Reading user input: bytes to text with encoding detection, what kind of input it is, and
one-line errors.

Decoding (`decode_bytes`):

1. A byte-order mark decides (UTF-8, UTF-16, UTF-32). Input holding NUL bytes is also tried as
   UTF-16 without a BOM, in both byte orders, and kept when the reading is plausible.
2. Many NUL bytes otherwise, or many other control bytes: binary, refused.
3. Strict UTF-8 wins at once (legacy multibyte text is practically never valid UTF-8).
4. Otherwise every candidate (UTF-8, GB18030, Big5 as cp950 or as Big5-HKSCS) is decoded with
   undecodable bytes replaced by U+FFFD and counted, giving up on a candidate with more
   undecodable sequences than `MAX_REPLACED_SHARE` of the non-ASCII bytes. The candidate with
   the lowest *cost* wins: the sum of each character's penalty (`char_penalties`: 0 for ASCII,
   punctuation and the frequent hanzi of GB2312 and Big5, more for the less frequent, for
   kana, Greek or box drawing that a wrong two-byte reading makes, most for private-use and
   control characters) plus `REPLACED_PENALTY` per replaced byte. Ties go to the earlier one.
5. A winner that still reads as implausible (mean penalty per non-ASCII character above
   `MAX_MEAN_PENALTY`), or no candidate at all, lets charset-normalizer propose another
   encoding, kept when it is plausible and costs less. No plausible reading: refused.

`scripts/eval_encoding.py` measures it on the seeds and dev pages re-encoded with bad bytes.

Kind (`sniff_kind`): page text, JSONL records or HTML; `read_input` refuses the last two with
one line saying what to do.
"""
from __future__ import annotations

import codecs
import json
import os
import re
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from .errors import InputError
from .repair import _codes, _decode_pairs

BINARY_NUL_SHARE = 0.01  # more NUL bytes than this share of the input: binary (unless UTF-16)
BINARY_CONTROL_SHARE = 0.05  # more C0 control bytes (not whitespace, not ESC) than this: binary
# BOM-less input with NUL bytes is tried as UTF-16 in both byte orders (the NULs' parity does
# not tell: the high byte of ASCII, but also the low byte of U+3000 or 一 U+4E00), and kept
# when the reading is plausible.
UTF16_MIN_NULS = 2
# Undecodable sequences (each replaced by one U+FFFD) a candidate may have: this share of the
# input's non-ASCII bytes, and never fewer than MIN_REPLACED_ALLOWED (one bad byte can break up
# to three sequences in UTF-8).
MAX_REPLACED_SHARE = 0.02
MIN_REPLACED_ALLOWED = 16
REPLACED_PENALTY = 4  # cost of one replaced byte, as a private-use character
# Mean penalty per non-ASCII character above which a reading is implausible. Right readings of
# the 153 seed and dev pages in every encoding: at most 0.22; wrong ones: at least 0.44 (GBK
# read as Big5-HKSCS), mostly above 1.5 (scripts/eval_encoding.py); random bytes 0x80-0xFF read
# as GB18030: 1.5; Shift-JIS Japanese: 1.5, refused (UTF-8 Japanese is read at once).
MAX_MEAN_PENALTY = 1.0
MIN_JUDGED_CHARS = 16  # fewer non-ASCII characters than this are never refused as implausible
SCORE_CHARS = 1_000_000  # characters of each candidate scored (the rest costs time, not accuracy)

# Candidates tried on bytes that are not strict UTF-8, in tie-break order.
LEGACY_CANDIDATES = ("utf-8", "gb18030", "cp950", "big5hkscs")
BIG5_VARIANTS = ("cp950", "big5hkscs")
FAMILIES = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "gb18030": "gb", "gbk": "gb", "gb2312": "gb",
            "cp950": "big5", "big5": "big5", "big5hkscs": "big5", "utf-16": "utf-16",
            "utf-16-le": "utf-16", "utf-16-be": "utf-16", "utf-32": "utf-32", "utf-32-le": "utf-32",
            "utf-32-be": "utf-32"}

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_ASCII = bytes(range(128))
_CONTROLS = bytes(c for c in range(32) if c not in b"\t\n\v\f\r\x1b") + b"\x7f"


@dataclass(frozen=True)
class Decoded:
    """Decoded input: the text, the codec that decoded it, and how many undecodable bytes were
    replaced by U+FFFD (0 when the bytes decoded cleanly)."""

    text: str
    encoding: str
    replaced: int = 0

    @property
    def family(self) -> str:
        """utf-8, gb, big5, utf-16, utf-32 or the codec name itself."""
        return encoding_family(self.encoding)

    def warning(self, name: str) -> Optional[str]:
        """The one-line warning for replaced bytes (None when nothing was replaced)."""
        if not self.replaced:
            return None
        s = "" if self.replaced == 1 else "s"
        return f"{name}: {self.replaced} undecodable byte{s} replaced ({self.encoding})"


def encoding_family(encoding: str) -> str:
    e = encoding.lower().replace("_", "-")
    return FAMILIES.get(e, e)


# ---------------------------------------------------------------------------------------------
# Character penalties
# ---------------------------------------------------------------------------------------------

P_ORDINARY, P_LESS_FREQUENT, P_ODD, P_RARE_HAN, P_JUNK = 0, 1, 2, 3, 4
_LUT_SIZE = 0x10000  # one slot past it (P_RARE_HAN) takes every larger code point


def _set(lut: np.ndarray, chars, value: int) -> None:
    lut[[ord(c) for c in chars if ord(c) < _LUT_SIZE]] = value


@lru_cache(maxsize=1)
def char_penalties() -> np.ndarray:
    """Code point -> penalty of seeing it in a Chinese page (index _LUT_SIZE: past the BMP).

    P_ORDINARY: ASCII text characters, general and CJK punctuation, fullwidth forms, GB2312's
    punctuation rows 1-3 and level-1 hanzi (the 3755 frequent simplified characters), Big5's
    symbols and level-1 hanzi (the 5401 frequent traditional ones) and cp950's seven extra hanzi
    (裏, 恒, ...). P_LESS_FREQUENT: the level-2 hanzi of GB2312 and Big5, Latin-1 letters.
    P_ODD: kana, Greek, Cyrillic, pinyin and box drawing (GB2312 rows 4-9, which a
    Big5 page read as GBK is full of) and any other script. P_RARE_HAN: every other hanzi.
    P_JUNK: control, private-use (GB18030's user-defined areas) and replacement characters.
    """
    lut = np.full(_LUT_SIZE + 1, P_ODD, dtype=np.uint8)
    lut[0x3400:0x4DC0] = P_RARE_HAN
    lut[0x4E00:0xA000] = P_RARE_HAN
    lut[0xF900:0xFB00] = P_RARE_HAN
    lut[_LUT_SIZE] = P_RARE_HAN
    lut[0xA0:0x100] = P_LESS_FREQUENT
    trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    _set(lut, _decode_pairs(range(0xD8, 0xF8), range(0xA1, 0xFF), "gb2312"), P_LESS_FREQUENT)
    _set(lut, _decode_pairs(range(0xC9, 0xFA), trails, "big5"), P_LESS_FREQUENT)
    _set(lut, _decode_pairs(range(0xA1, 0xA4), range(0xA1, 0xFF), "gb2312"), P_ORDINARY)
    _set(lut, _decode_pairs(range(0xB0, 0xD8), range(0xA1, 0xFF), "gb2312"), P_ORDINARY)
    _set(lut, _decode_pairs(range(0xA1, 0xA4), trails, "cp950"), P_ORDINARY)
    _set(lut, [c for c in _decode_pairs(range(0xA4, 0xC7), trails, "big5") if "\u4e00" <= c <= "\u9fff"], P_ORDINARY)
    _set(lut, _decode_pairs([0xF9], range(0xD6, 0xDD), "cp950"), P_ORDINARY)
    lut[0x20:0x7F] = P_ORDINARY
    lut[[0x09, 0x0A, 0x0B, 0x0C, 0x0D]] = P_ORDINARY
    lut[0x2000:0x2070] = P_ORDINARY  # general punctuation
    lut[0x3000:0x3040] = P_ORDINARY  # CJK symbols and punctuation
    lut[0xFF01:0xFF5F] = P_ORDINARY  # fullwidth forms
    lut[0x00:0x09] = P_JUNK
    lut[0x0E:0x20] = P_JUNK
    lut[0x7F:0xA0] = P_JUNK
    lut[0xE000:0xF900] = P_JUNK
    lut[0xFFFD] = P_JUNK
    return lut


def _penalty(text: str) -> tuple[int, int]:
    """(sum of penalties, non-ASCII characters) over the first SCORE_CHARS characters."""
    codes = _codes(text[:SCORE_CHARS])
    pen = char_penalties().take(codes, mode="clip")
    return int(pen.sum(dtype=np.int64)), int(np.count_nonzero(codes >= 0x80))


# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------

class _TooManyReplaced(Exception):
    pass


_count = threading.local()


def _count_and_replace(exc: UnicodeError):
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _count.replaced += exc.end - exc.start
    _count.errors += 1
    if _count.errors > _count.limit:
        raise _TooManyReplaced
    return "\ufffd", exc.end


codecs.register_error("webspam.count", _count_and_replace)


def _decode_counting(data: bytes, codec: str, limit: int) -> Optional[tuple[str, int]]:
    """(text, replaced bytes) of `data` in `codec`, or None past `limit` undecodable sequences."""
    try:
        return data.decode(codec), 0
    except UnicodeDecodeError:
        pass
    _count.replaced, _count.errors, _count.limit = 0, 0, limit
    try:
        text = data.decode(codec, "webspam.count")
    except _TooManyReplaced:
        return None
    return text, _count.replaced


def _allowed(data: bytes) -> int:
    non_ascii = len(data.translate(None, _ASCII))  # the ASCII bytes deleted
    return max(MIN_REPLACED_ALLOWED, int(non_ascii * MAX_REPLACED_SHARE))


@dataclass(frozen=True)
class _Candidate:
    text: str
    encoding: str
    replaced: int
    cost: int
    non_ascii: int

    @property
    def mean_penalty(self) -> float:
        return self.cost / max(self.non_ascii, 1)


def _candidate(data: bytes, codec: str, limit: int) -> Optional[_Candidate]:
    got = _decode_counting(data, codec, limit)
    if got is None:
        return None
    text, replaced = got
    pen, non_ascii = _penalty(text)
    return _Candidate(text, codec, replaced, pen + REPLACED_PENALTY * replaced, non_ascii)


def _utf16_without_bom(data: bytes) -> Optional[_Candidate]:
    """The plausible UTF-16 reading (little- or big-endian, the cheaper) of BOM-less `data`
    holding NUL bytes, or None."""
    if len(data) % 2 or data.count(0) < UTF16_MIN_NULS:
        return None
    limit = _allowed(data)
    found = [c for c in (_candidate(data, enc, limit) for enc in ("utf-16-le", "utf-16-be"))
             if c is not None and c.mean_penalty <= MAX_MEAN_PENALTY]
    return min(found, key=lambda c: c.cost) if found else None


def _result(c: _Candidate) -> Decoded:
    return Decoded(c.text.replace("\x00", ""), c.encoding, c.replaced)


def candidates(data: bytes) -> list[_Candidate]:
    """Every legacy candidate's reading of `data` within the replacement limit, in order.
    Of the two Big5 variants only one is kept: Big5-HKSCS when it replaces fewer bytes than
    cp950 (HKSCS hanzi such as 着 or 峯), else cp950 (the two differ on a few symbols and kana
    only, where the penalties cannot tell them apart)."""
    limit = _allowed(data)
    found = [c for c in (_candidate(data, enc, limit) for enc in LEGACY_CANDIDATES) if c is not None]
    big5 = {c.encoding: c for c in found if c.encoding in BIG5_VARIANTS}
    if len(big5) == 2:
        cp950, hkscs = big5["cp950"], big5["big5hkscs"]
        drop = cp950 if hkscs.replaced < cp950.replaced else hkscs
        found = [c for c in found if c is not drop]
    return found


def decode_bytes(data: bytes, name: str = "<input>") -> Decoded:
    """Decode `data` (see the module docstring); raises InputError for binary or undecodable data."""
    if not data:
        return Decoded("", "utf-8")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            c = _candidate(data[len(bom):], codec, _allowed(data))
            if c is None:
                raise InputError(f"{name}: starts with a {codec} byte-order mark but does not decode "
                                 f"as {codec}; convert the file to UTF-8")
            return _result(c)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _result(utf16)
    if data.count(0) > max(1, len(data) * BINARY_NUL_SHARE):
        raise InputError(f"{name}: looks like a binary file (NUL bytes); give the page's text")
    if len(data) - len(data.translate(None, _CONTROLS)) > max(2, len(data) * BINARY_CONTROL_SHARE):
        raise InputError(f"{name}: looks like a binary file (control bytes); give the page's text")
    if data.isascii():
        return Decoded(data.decode("ascii").replace("\x00", ""), "utf-8")
    try:
        return Decoded(data.decode("utf-8").replace("\x00", ""), "utf-8")
    except UnicodeDecodeError:
        pass
    found = candidates(data)
    best = min(found, key=lambda c: c.cost) if found else None
    if best is None or best.mean_penalty > MAX_MEAN_PENALTY:
        other = _charset_normalizer(data)
        if other is not None and other.mean_penalty <= MAX_MEAN_PENALTY and (best is None or other.cost < best.cost):
            best = other
    if best is None or (best.mean_penalty > MAX_MEAN_PENALTY and best.non_ascii >= MIN_JUDGED_CHARS):
        raise InputError(f"{name}: cannot detect the text encoding; convert the file to UTF-8")
    return _result(best)


def _charset_normalizer(data: bytes) -> Optional[_Candidate]:
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None:
        return None
    text = str(match)
    pen, non_ascii = _penalty(text)
    return _Candidate(text, match.encoding, 0, pen, non_ascii)


def decode(data: bytes, name: str = "<input>") -> tuple[str, str]:
    """(text, encoding) of `data`; raises InputError for binary or undecodable data.
    `decode_bytes` also tells how many bytes were replaced."""
    d = decode_bytes(data, name)
    return d.text, d.encoding


# ---------------------------------------------------------------------------------------------
# What kind of input
# ---------------------------------------------------------------------------------------------

TEXT, JSONL, HTML = "text", "jsonl", "html"
SNIFF_LINES = 20  # non-empty lines looked at for JSONL
JSONL_MIN_SHARE = 0.8  # share of those lines that must be JSON objects
SNIFF_CHARS = 8192  # characters looked at for HTML
HTML_MIN_TAGS = 5
# Markup share (characters inside tags, comments, <script> and <style> blocks, over the
# non-space characters) that makes a head of text starting with a tag HTML; or, with this many
# well-known elements, the lower share; anywhere (text before the first tag), the higher share.
# A text dump can quote HTML: one dev page (a Markdown editor's preview) has 118 known tags and
# 0.29 markup in its head, but starts with a menu, not a tag.
HTML_MIN_MARKUP_SHARE = 0.3
HTML_MIN_KNOWN_TAGS = 10
HTML_MIN_KNOWN_MARKUP_SHARE = 0.1
HTML_MIN_MARKUP_SHARE_ANYWHERE = 0.5

_HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
                         re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<(script|style)\b[^<>]{0,2000}>.*?(?:</\1\s*>|\Z)"
                  r"|<(?:/?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]{0,2000})?/?|!--.{0,2000}?--|![a-zA-Z][^<>]{0,200})>",
                  re.DOTALL | re.IGNORECASE)
_KNOWN_TAG = re.compile(r"</?(?:html|head|body|title|meta|link|script|style|div|span|p|a|ul|ol|li|table"
                        r"|tr|td|th|br|hr|img|iframe|form|input|button|nav|header|footer|section|article"
                        r"|h[1-6]|noscript|select|option|label|em|strong|b|i|font|center)[\s/>]",
                        re.IGNORECASE)


def sniff_kind(text: str) -> str:
    """TEXT, JSONL (most of the first non-empty lines are JSON objects) or HTML (a doctype,
    <html>, <head> or <body> start; or a tag start and markup making up much of the first SNIFF_CHARS
    characters; or markup making up most of them). A page with a stray tag, a `{` line or a
    comparison like a<b stays TEXT."""
    text = text.lstrip("\ufeff")
    if _looks_jsonl(text):
        return JSONL
    head = text[:SNIFF_CHARS]
    if _HTML_START.match(head):
        return HTML
    tags = list(_TAG.finditer(head))
    if len(tags) < HTML_MIN_TAGS:
        return TEXT
    solid = len(head) - sum(head.count(c) for c in " \t\r\n\u3000")
    markup = sum(len(m.group(0)) for m in tags) / max(solid, 1)
    if markup >= HTML_MIN_MARKUP_SHARE_ANYWHERE:
        return HTML
    if tags[0].start() != len(head) - len(head.lstrip()):
        return TEXT
    known = sum(1 for m in tags if _KNOWN_TAG.match(m.group(0)))
    if markup >= HTML_MIN_MARKUP_SHARE or (known >= HTML_MIN_KNOWN_TAGS and markup >= HTML_MIN_KNOWN_MARKUP_SHARE):
        return HTML
    return TEXT


def _looks_jsonl(text: str) -> bool:
    seen = objects = 0
    pos = 0
    while seen < SNIFF_LINES and pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].strip()
        pos = end + 1
        if not line:
            continue
        seen += 1
        if line.startswith("{") and line.endswith("}"):
            try:
                objects += isinstance(json.loads(line), dict)
            except ValueError:
                pass
    return objects > 0 and objects >= JSONL_MIN_SHARE * seen


def check_kind(text: str, name: str) -> None:
    """Raise InputError when `text` is JSONL records or HTML rather than a page's text."""
    kind = sniff_kind(text)
    if kind == JSONL:
        raise InputError(f"{name}: looks like JSONL records; give one page's text (JSONL batch input is planned)")
    if kind == HTML:
        raise InputError(f"{name}: looks like HTML; convert it to text first (e.g. with a browser's "
                         f"\"save as text\" or html2text) — HTML input is planned")


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------

def _stderr_warning(message: str) -> None:
    sys.stderr.write(f"webspam: {message}\n")


Warn = Optional[Callable[[str], None]]


def read_page(path: str, warn: Warn = _stderr_warning) -> Decoded:
    """A page's text from a file, or from standard input for "-". Errors (missing file, binary,
    HTML, JSONL, ...) are InputErrors naming the file and what to do; replaced undecodable bytes
    are passed to `warn` as one line (default: printed on stderr as `webspam: FILE: ...`)."""
    name = "<stdin>" if path == "-" else path
    d = decode_bytes(_read_bytes(path), name)
    check_kind(d.text, name)
    if warn is not None and d.replaced:
        warn(d.warning(name))
    return d


def read_input(path: str, warn: Warn = _stderr_warning) -> tuple[str, str]:
    """(text, encoding) of a page file or "-"; see `read_page`."""
    d = read_page(path, warn)
    return d.text, d.encoding


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory; give a file (or use `webspam batch` for many)")
    try:
        return p.read_bytes()
    except PermissionError:
        raise InputError(f"{path}: permission denied; check the file's read permission") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def safe_output(out: str | os.PathLike, inputs: list[str]) -> Path:
    """The output path, refused when it would overwrite one of the inputs."""
    o = Path(out)
    for i in inputs:
        if i != "-" and Path(i).exists() and o.exists() and o.resolve() == Path(i).resolve():
            raise InputError(f"{out}: is also an input; webspam never overwrites its input, choose another -o")
    if o.is_dir():
        raise InputError(f"{out}: is a directory; give a file name for -o")
    return o
