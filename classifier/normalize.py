"""Normalization used for features only; page text itself is never changed here.

`fold_codes` maps code points one to one (so positions survive): traditional to simplified,
full-width to half-width, every digit to "0", ASCII to lower case, any whitespace to " ".
`to_simplified` converts text for output (``--to-simplified``) with OpenCC's phrase tables.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .chardata import T2S_PAIRS

LUT_SIZE = 0x30000  # covers the BMP and the CJK extension planes


@lru_cache(maxsize=1)
def space_codes() -> np.ndarray:
    """The code points `str.isspace` accepts (none is above U+3000)."""
    return np.array([cp for cp in range(0x3001) if chr(cp).isspace()], dtype=np.int64)


@lru_cache(maxsize=32)
def char_set_table(chars: str) -> np.ndarray:
    """True for the code points of `chars`, per code point, with one slot past the table
    (False) that ``take(codes, mode="clip")`` gives every larger code point. Built once per
    character set and shared, so read-only."""
    table = np.zeros(LUT_SIZE + 1, dtype=bool)
    table[[ord(c) for c in chars]] = True
    table.flags.writeable = False
    return table


@lru_cache(maxsize=1)
def fold_table() -> np.ndarray:
    """The folded code point of every code point below LUT_SIZE, as intp (see `codes_of`)."""
    lut = np.arange(LUT_SIZE, dtype=np.intp)
    for trad, simp in zip(T2S_PAIRS[0::2], T2S_PAIRS[1::2]):
        lut[ord(trad)] = ord(simp)
    lut[0xFF01:0xFF5F] = np.arange(0x21, 0x7F)  # full-width ASCII
    lut[ord("A"):ord("Z") + 1] += 32
    lut[0xFF21:0xFF3B] = np.arange(ord("a"), ord("z") + 1)
    for space in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005" \
                 "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\x00":
        lut[ord(space)] = 32
    lut[ord("0"):ord("9") + 1] = ord("0")
    lut[0xFF10:0xFF1A] = ord("0")
    return lut


def codes_of(text: str) -> np.ndarray:
    """The code points of `text` as an intp array (no Python loop). intp, because the code
    points index lookup tables many times per page, and numpy's `take` casts any other
    index type first, a pass as slow as the lookup itself."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.intp)


def fold_codes(codes: np.ndarray) -> np.ndarray:
    """The folded code points (intp) of `codes`; code points past the table stay as they are."""
    lut = fold_table()
    out = lut.take(codes, mode="clip")
    if len(codes) and codes.max() >= LUT_SIZE:
        high = codes >= LUT_SIZE
        out[high] = codes[high]
    return out


def fold(text: str) -> str:
    """The folded form of `text`, same length."""
    return fold_codes(codes_of(text)).astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # imported lazily: only --to-simplified needs it

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified with OpenCC phrase tables, for output."""
    return _t2s().convert(text)
