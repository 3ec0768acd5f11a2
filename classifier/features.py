"""Paragraph features, computed a page at a time with numpy.

Three kinds, all from the paragraphs' stripped text:

* hashed character n-grams (orders 1-3) over the folded text (see `normalize`), each
  occurrence weighted 1/sqrt(n-grams in its paragraph) so that a linear model scores a
  paragraph by a gather-and-sum (`Batch.ngram_*` arrays);
* per-paragraph counts (`STAT_NAMES`): character classes via a lookup table, one regex pass
  for dates/URLs/phones/ICP lines, one Aho-Corasick pass for the keyword lexicons;
* page context (`dense_features`): position, repetition, distance to the body's prose,
  and the same layout facts for the neighbouring paragraphs.

Pages are cut into batches of at most `BATCH_CHARS` characters, so memory stays bounded on
huge inputs.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Iterator, Sequence

import numpy as np

from .lexicon import CATEGORIES, Matcher
from .normalize import LUT_SIZE, codes_of, fold_codes

NGRAM_BITS = 18
N_HASH = 1 << NGRAM_BITS
NGRAM_ORDERS = (1, 2, 3)
BATCH_CHARS = 400_000

# Character classes (bit flags) in a lookup table over the BMP.
CJK, DIGIT, LATIN, SPACE, PUNCT, SENT_END, COMMA, SEP, QUOTE, BAD, TONE, BULLET = (1 << i for i in range(12))
CLASS_NAMES = ("cjk", "digit", "latin", "space", "punct", "sent_end", "comma", "sep", "quote", "bad", "tone")
_SENT_END_CHARS = "。！？!?；;…"
_COMMA_CHARS = "，、,：:"
_SEP_CHARS = "|｜_>＞•›»◆■●▪▶►→/／\\＼·"
_QUOTE_CHARS = "“”‘’「」『』《》〈〉\"'"
_BULLETS = "•·●◆■▪▶►-*>»›◇□○★☆"

_TONE_CHARS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"


def _date_patterns() -> list[str]:
    out = []
    for sep in "-/.":
        out += [f"0000{sep}0{sep}0", f"0000{sep}00{sep}0"]
    out += ["0000年0月", "0000年00月", "0月0日", "0月00日", "00月0日", "00月00日"]
    return out


# Literal patterns in folded text (digits are "0", letters lower case, full-width folded),
# matched in the same Aho-Corasick pass as the lexicons.
PATTERNS: dict[str, list[str]] = {
    "date": _date_patterns(),
    "time": ["0:00"],
    "url": ["http://", "https://", "www.", ".com", ".cn", ".net", ".org", ".cc", ".top", ".vip", ".xyz"],
    "email": ["@"],
    "phone": ["000-000-000", "000 000 000", "0000000000", "000-0000000"],
    "icp": ["icp", "备案", "网安备", "公安机关"],
    "copyright": ["©", "(c)", "copyright", "版权所有", "all rights reserved"],
    "place_list": [f"{a}{b}" for a in "县市区旗州" for b in ("|", " |", "_", "、", ",", " ")],
    "ref": ["[0]", "[00]", "[000]"],  # numbered references
}

STAT_NAMES = (("chars",) + CLASS_NAMES + ("ends_sent", "bullet", "indent", "tokens")
              + tuple(f"kw_{c}" for c in CATEGORIES) + tuple(PATTERNS))
_S = {name: i for i, name in enumerate(STAT_NAMES)}
_CLASS_COLS = [_S[name] for name in CLASS_NAMES]


def pattern_keywords() -> list[tuple[str, str]]:
    """(pattern, "pattern:<name>") pairs for `Matcher.build`."""
    return [(p, f"pattern:{name}") for name, pats in PATTERNS.items() for p in pats]


@lru_cache(maxsize=1)
def class_table() -> np.ndarray:
    lut = np.zeros(LUT_SIZE, dtype=np.uint16)
    for cp in range(0x10000):
        cat = unicodedata.category(chr(cp))
        if cat[0] == "P" or cat[0] == "S":
            lut[cp] |= PUNCT
    lut[0x3400:0x4DC0] |= CJK
    lut[0x4E00:0xA000] |= CJK
    lut[0xF900:0xFB00] |= CJK
    lut[0x20000:] |= CJK
    for a, b, flag in ((0x30, 0x3A, DIGIT), (0xFF10, 0xFF1A, DIGIT), (0x41, 0x5B, LATIN), (0x61, 0x7B, LATIN),
                       (0xFF21, 0xFF3B, LATIN), (0xFF41, 0xFF5B, LATIN)):
        lut[a:b] |= flag
    for chars, flag in ((_SENT_END_CHARS, SENT_END), (_COMMA_CHARS, COMMA), (_SEP_CHARS, SEP),
                        (_QUOTE_CHARS, QUOTE), ("\ufffd", BAD), (_TONE_CHARS, TONE), (_BULLETS, BULLET)):
        for ch in chars:
            lut[ord(ch)] |= flag
    for ch in " \t\n\r\x0b\x0c\xa0\u3000\u2028\u2029":
        lut[ord(ch)] |= SPACE
    return lut


@dataclass
class Batch:
    """Features of paragraphs ``first .. first+len(stats)-1`` of a page.

    Offsets (`ngram_pos`, keyword starts and ends) are absolute positions in `text`. The n-gram
    occurrences are grouped by order, then paragraph, then position; their paragraph, offset
    and order (`ngram_pid`, `ngram_pos`, `ngram_len`: for explanations and training) are derived
    on first use from the paragraph and offset of every character (`char_pid`, `char_pos`)."""

    first: int
    stats: np.ndarray        # (n, len(STAT_NAMES)) float32 counts
    ngram_hash: np.ndarray   # hashed feature index of each n-gram occurrence
    group_sizes: np.ndarray  # (orders, n): occurrences of each order (1, 2, ...) in each paragraph
    paragraph_scale: np.ndarray  # per paragraph: the weight of each of its n-gram occurrences
    keywords: tuple          # (paragraph, start, end, category index) arrays of lexicon matches
    fingerprint: np.ndarray  # per paragraph: identifies its stripped, folded text (for repetition)
    text: str                # the page text the offsets point into
    char_pid: np.ndarray     # paragraph of each character of the stripped paragraphs, concatenated
    char_pos: np.ndarray     # offset of each of those characters in `text`

    @cached_property
    def _ngram_starts(self) -> np.ndarray:
        """Where each n-gram occurrence starts in the concatenated characters."""
        orders = NGRAM_ORDERS[:len(self.group_sizes)]
        return np.concatenate([np.zeros(0, dtype=np.int64)]
                              + [inside.nonzero()[0] for inside in _windows(self.char_pid, orders)])

    @cached_property
    def ngram_pid(self) -> np.ndarray:
        """The paragraph (within the batch) of each n-gram occurrence."""
        return self.char_pid[self._ngram_starts]

    @cached_property
    def ngram_pos(self) -> np.ndarray:
        """The start offset of each n-gram occurrence in `text`."""
        return self.char_pos[self._ngram_starts]

    @cached_property
    def ngram_len(self) -> np.ndarray:
        """The order of each n-gram occurrence."""
        orders = np.array(NGRAM_ORDERS[:len(self.group_sizes)], dtype=np.int8)
        return np.repeat(orders, self.group_sizes.sum(axis=1))


@lru_cache(maxsize=1)
def class_index() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The class table in compact form: (index, flags, bits). `index` maps a code point to one
    of the few distinct flag combinations (uint8), `flags[index]` gives back `class_table()`,
    and ``bits[index, c]`` (float32 0/1) says whether the combination has the class of
    ``CLASS_NAMES[c]``. Counting class combinations per paragraph (one bincount) and
    multiplying by `bits` gives every class count at once (exact: small integers)."""
    flags, index = np.unique(class_table(), return_inverse=True)
    bits = (flags[:, None] & np.array([1 << i for i in range(len(CLASS_NAMES))])[None] != 0).astype(np.float32)
    return index.astype(np.uint8), flags, bits


@lru_cache(maxsize=8)
def _stat_columns(columns: tuple[str, ...]) -> np.ndarray:
    """The `stats` column of each keyword category of a matcher (see `Matcher.columns`)."""
    return np.array([_S[c] for c in columns], dtype=np.int64)


def _windows(char_pid: np.ndarray, orders) -> list[np.ndarray]:
    """For each order k (ascending from 1), which windows of k consecutive characters of the
    concatenation lie inside one paragraph: the n-grams. A window of order k+1 is one of
    order k whose next character is in the same paragraph."""
    same = char_pid[1:] == char_pid[:-1]
    inside, out = np.ones(len(char_pid), dtype=bool), []
    for order in orders:
        if order > 1:
            inside = inside[:-1] & same[order - 2:]
        out.append(inside)
    return out


_SEEDS = np.array([(0x9E3779B97F4A7C15 * n) & 0xFFFFFFFFFFFFFFFF for n in range(max(NGRAM_ORDERS) + 1)],
                  dtype=np.uint64)


def _ngram_hashes(chars: np.ndarray, windows: list[np.ndarray], orders) -> np.ndarray:
    """The hashed feature index of the n-grams of `chars` (folded code points) that `windows`
    keeps, order by order: FNV-style mixing of the characters in uint64 over every window (one
    pass per character, on contiguous slices), then a splitmix finaliser on the kept ones."""
    parts = []
    for order, keep in zip(orders, windows):
        m = len(keep)
        k = chars[:m] ^ _SEEDS[order]
        k *= np.uint64(0x100000001B3)
        for i in range(1, order):
            k ^= chars[i:i + m]
            k *= np.uint64(0x100000001B3)
        parts.append(k[keep])
    k = np.concatenate(parts)
    k ^= k >> np.uint64(29)
    k *= np.uint64(0xBF58476D1CE4E5B9)
    k ^= k >> np.uint64(32)
    k &= np.uint64(N_HASH - 1)
    return k.astype(np.int32)


def _batch(text: str, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray, first: int, last: int,
           matcher: Matcher) -> Batch:
    """Features of paragraphs first..last-1, whose spans are ``starts[i]:ends[i]`` of `text`.

    The paragraphs' stripped characters are gathered into one concatenated array (`pos`:
    their offsets in `raw`, `ids`: their paragraph); per-paragraph counts are then bincounts
    over `ids`, and the n-grams of order k are the windows of that array whose first and
    last characters belong to the same paragraph."""
    n = last - first
    lo, hi = (int(starts[first]), int(ends[last - 1])) if n else (0, 0)
    raw = codes[lo:hi]
    s, e = starts[first:last] - lo, ends[first:last] - lo
    index, flags, bits = class_index()
    cid = np.take(index, raw, mode="clip")  # code points past the table: CJK planes
    classes = flags[cid]
    solid = np.zeros(len(raw) + 1, dtype=np.int64)
    np.cumsum((classes & SPACE) == 0, out=solid[1:])
    # Stripped bounds: features ignore a paragraph's leading and trailing space.
    ss = np.searchsorted(solid, solid[s] + 1, side="left") - 1
    se = np.searchsorted(solid, solid[e], side="left")
    lens = np.maximum(se - ss, 0)
    ss = np.where(lens > 0, ss, s)
    offsets = np.cumsum(lens) - lens  # where each paragraph starts in the concatenation
    total = int(lens.sum())
    ids = np.repeat(np.arange(n, dtype=np.int32), lens)
    pos = np.arange(total) + np.repeat(ss - offsets, lens)

    stats = np.zeros((n, len(STAT_NAMES)), dtype=np.float32)
    stats[:, 0] = lens
    cid_in = cid[pos]
    # Kept from an earlier formulation (a reduceat clipped to the last row): when a batch ends
    # with empty (all-space) paragraphs, the last character of the last non-empty paragraph
    # is left out of its class counts, unless it is that paragraph's only character.
    counted = total - 1 if total and lens[-1] == 0 and lens[ids[-1]] >= 2 else total
    combos = np.bincount(ids[:counted] * len(flags) + cid_in[:counted], minlength=n * len(flags))
    combos = combos.reshape(n, len(flags))
    stats[:, _CLASS_COLS] = combos.astype(np.float32) @ bits
    if len(raw):
        stats[:, _S["ends_sent"]] = (lens > 0) & ((classes[np.maximum(se - 1, 0)] & SENT_END) != 0)
        stats[:, _S["bullet"]] = (lens > 0) & ((classes[np.minimum(ss, len(raw) - 1)] & BULLET) != 0)
    stats[:, _S["indent"]] = ss - s
    solid_in = (flags[cid_in] & SPACE) == 0
    run_start = solid_in.copy()  # tokens = runs of non-space characters
    run_start[1:] &= ~(solid_in[:-1] & (ids[1:] == ids[:-1]))
    stats[:, _S["tokens"]] = np.bincount(ids[run_start], minlength=n)[:n]

    folded = fold_codes(raw)
    kw_start, kw_end, kw_cat = matcher.find(folded)
    kw_pid = np.searchsorted(ss, kw_start, side="right") - 1  # the last paragraph starting at or before
    inside = (kw_pid >= 0) & (kw_end <= (ss + lens)[np.maximum(kw_pid, 0)])  # within its stripped text
    kw_pid, kw_start, kw_end, kw_cat = kw_pid[inside].astype(np.int32), kw_start[inside], kw_end[inside], kw_cat[inside]
    if len(kw_start):  # one count per match: a bincount over the flattened stats
        cells = kw_pid * stats.shape[1] + _stat_columns(matcher.columns)[kw_cat]
        stats.reshape(-1)[:] += np.bincount(cells, minlength=stats.size)
    keywords = (kw_pid, kw_start + lo, kw_end + lo, kw_cat)

    # n-grams: windows of the concatenation inside one paragraph, grouped by order
    orders = [order for order in NGRAM_ORDERS if order <= len(raw)]
    group_sizes = np.maximum(lens - (np.array(orders, dtype=np.int64)[:, None] - 1), 0)
    count = group_sizes.sum(axis=0).astype(np.float32)  # n-grams per paragraph
    scale = (1.0 / np.sqrt(np.maximum(count, 1.0))).astype(np.float32)
    if orders:
        ngram_hash = _ngram_hashes(folded[pos], _windows(ids, orders), orders)
        # A bag of n-gram hashes plus the length identifies a paragraph's text for repetition:
        # sum(hash + 0.5) + length * 1e12. The sum is exact in int64 and in float64 (far below
        # 2**52), so it is taken per (order, paragraph) group from a running sum.
        running = np.zeros(len(ngram_hash) + 1, dtype=np.int64)
        np.cumsum(ngram_hash, out=running[1:])
        ends = np.cumsum(group_sizes.ravel())
        sums = (running[ends] - running[ends - group_sizes.ravel()]).reshape(group_sizes.shape).sum(axis=0)
        fingerprint = (sums + 0.5 * count) + lens * 1e12
    else:
        ngram_hash = np.zeros(0, dtype=np.int32)
        fingerprint = lens * 1e12
    return Batch(first, stats, ngram_hash, group_sizes, scale, keywords, fingerprint.astype(np.float64), text,
                 ids, pos + lo)


def batches(text: str, starts: np.ndarray, ends: np.ndarray, matcher: Matcher,
            codes: np.ndarray | None = None) -> Iterator[Batch]:
    """Features of the paragraphs ``text[starts[i]:ends[i]]``, `BATCH_CHARS` characters at a time."""
    if codes is None:
        codes = codes_of(text)
    n = len(starts)
    first = 0
    while first < n or (n == 0 and first == 0):
        last = int(np.searchsorted(ends, starts[first] + BATCH_CHARS, side="right")) if n else 0
        last = min(max(last, first + 1), n)
        yield _batch(text, codes, starts, ends, first, last, matcher)
        if n == 0:
            return
        first = last


def page_of(texts: Sequence[str]) -> tuple[str, np.ndarray, np.ndarray]:
    """A page text and paragraph spans for given paragraph texts (joined by newlines)."""
    text = "\n".join(texts)
    lens = np.array(list(map(len, texts)), dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lens + 1)[:-1])) if len(lens) else lens
    return text, starts, starts + lens


# ---------------------------------------------------------------- page context

LEN_BINS = np.array([2, 5, 10, 20, 40, 80, 160], dtype=np.float32)
PROSE_MIN_CHARS = 40
CONTEXT_CAP = 30.0


def _log(x):
    return np.log1p(np.maximum(x, 0)).astype(np.float32)


_RATIO = ("cjk", "digit", "latin", "space", "punct", "sep", "bad")
_DENSITY = ("sent_end", "comma", "sep", "quote")
_FLAGS = ("ends_sent", "bullet")
_LOGGED = ("indent", "tokens") + tuple(f"kw_{c}" for c in CATEGORIES) + tuple(PATTERNS)
_KW_DENSITY = tuple(f"kw_{c}" for c in CATEGORIES)
_NEIGHBOURS = (("prev", 1), ("next", -1), ("prev2", 2), ("next2", -2))
_OWN = ("prose", "log_chars", "bullet", "spam_kw", "nav_kw", "sent", "short", "meta")
_CONTEXT = ("rel_pos", "pos_log", "pos_from_end_log", "repeated_log", "prose", "rel_len_log", "rel_len_rank",
            "in_main_block", "dist_main_block", "after_main_block", "before_main_block", "dist_next_prose",
            "dist_prev_prose", "inside_body", "page_prose_log", "indent_flag", "token_chars_log",
            "headline_candidate", "script_gap")
DENSE_NAMES = (["log_chars"] + [f"len_bin{b}" for b in range(len(LEN_BINS) + 1)]
               + [f"{x}_ratio" for x in _RATIO] + [f"{x}_log" for x in _DENSITY] + [f"{x}_density" for x in _DENSITY]
               + list(_FLAGS) + [f"{x}_log" for x in _LOGGED] + [f"{x}_density" for x in _KW_DENSITY]
               + list(_CONTEXT) + [f"{side}_{name}" for side, _ in _NEIGHBOURS for name in _OWN])


def _cols(names) -> list[int]:
    return [_S[x] for x in names]


_DENSE = {name: i for i, name in enumerate(DENSE_NAMES)}
# stats columns read by the elementwise blocks of `dense_features`, each block in one gather
_LOG_SRC = np.array(_cols(("chars",) + _DENSITY + _LOGGED))         # log1p: log_chars, *_log
_DIV_SRC = np.array(_cols(_RATIO + _DENSITY + _KW_DENSITY))         # per character: ratios, densities
_FLAG_SRC = np.array(_cols(_FLAGS))
_SPAM_KW_SRC = np.array(_cols(("kw_gambling", "kw_adult", "kw_spam")))
# length bin k holds LEN_BINS[k-1] < chars <= LEN_BINS[k] (np.digitize with right=True)
_BIN_LO = np.concatenate(([-np.inf], LEN_BINS)).astype(np.float32)
_BIN_HI = np.concatenate((LEN_BINS, [np.inf])).astype(np.float32)


def _dense_slice(first: str, width: int) -> slice:
    return slice(_DENSE[first], _DENSE[first] + width)


MAIN_BLOCK_GAP = 8  # prose paragraphs at most this many paragraphs apart join the main block


def main_block(prose: np.ndarray, chars: np.ndarray) -> tuple[int, int] | None:
    """The page's main block: grown from its longest prose paragraph over neighbouring prose
    paragraphs less than MAIN_BLOCK_GAP apart. Its first and last paragraph (None: no prose)."""
    where = np.flatnonzero(prose)
    if not len(where):
        return None
    k = int(np.argmax(chars[where]))
    where = where.tolist()
    lo = hi = k
    while lo > 0 and where[lo] - where[lo - 1] <= MAIN_BLOCK_GAP:
        lo -= 1
    while hi < len(where) - 1 and where[hi + 1] - where[hi] <= MAIN_BLOCK_GAP:
        hi += 1
    return where[lo], where[hi]


def dense_features(stats: np.ndarray, fingerprint: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The dense feature matrix (n, len(DENSE_NAMES)) of a page from its paragraph `stats`
    and text fingerprints (for repetition).

    Written for few numpy calls (a page has a few hundred paragraphs, so call overhead is
    most of the cost): each elementwise block is one gather of stats columns, one operation
    and one write into its columns of `out`. Every value is computed in the same dtype and
    by the same operations as the feature definitions ask, so the output is exact."""
    n = len(stats)
    out = np.zeros((n, len(DENSE_NAMES)), dtype=np.float32)
    if not n:
        return out, list(DENSE_NAMES)
    chars = stats[:, 0]
    logs = np.log1p(np.maximum(stats[:, _LOG_SRC], 0))
    out[:, _DENSE["log_chars"]] = logs[:, 0] / 5
    out[:, _dense_slice("sent_end_log", len(_DENSITY))] = logs[:, 1:1 + len(_DENSITY)]
    out[:, _dense_slice("indent_log", len(_LOGGED))] = logs[:, 1 + len(_DENSITY):]
    out[:, _dense_slice("len_bin0", len(LEN_BINS) + 1)] = (chars[:, None] > _BIN_LO) & (chars[:, None] <= _BIN_HI)
    per_char = stats[:, _DIV_SRC] / np.maximum(chars, 1.0)[:, None]
    r, d = len(_RATIO), len(_DENSITY)
    out[:, _dense_slice("cjk_ratio", r)] = per_char[:, :r]
    out[:, _dense_slice("sent_end_density", d)] = np.minimum(per_char[:, r:r + d] * 20, 3)
    out[:, _dense_slice("kw_gambling_density", len(_KW_DENSITY))] = np.minimum(per_char[:, r + d:] * 10, 3)
    out[:, _dense_slice("ends_sent", len(_FLAGS))] = stats[:, _FLAG_SRC]
    prose = _context(out, stats, fingerprint, logs[:, 0])
    _neighbours(out, stats, prose)
    return out, list(DENSE_NAMES)


def _context(out: np.ndarray, stats: np.ndarray, fingerprint: np.ndarray, log_chars: np.ndarray) -> np.ndarray:
    """Fill the page-context columns (`_CONTEXT`) of `out`; returns the prose mask.

    Distances are capped at CONTEXT_CAP and computed in float64 from exact integers, as the
    definitions have them; `_log` then rounds once to float32."""
    n = len(stats)
    idx = np.arange(n)
    chars, sent, comma, cjk = (stats[:, _S[c]] for c in ("chars", "sent_end", "comma", "cjk"))
    prose = (chars >= PROSE_MIN_CHARS) & (sent + comma >= 2) & (cjk >= 0.5 * chars)
    where = prose.nonzero()[0]
    span = main_block(prose, chars)
    col = _DENSE
    out[:, col["rel_pos"]] = idx / max(n - 1, 1)
    pos_log = _log(idx) / 5
    out[:, col["pos_log"]] = pos_log
    out[:, col["pos_from_end_log"]] = pos_log[::-1]  # _log(n - 1 - idx) / 5
    out[:, col["repeated_log"]] = _log(_repeats(fingerprint).astype(np.float32) - 1)
    out[:, col["prose"]] = prose
    out[:, col["rel_len_log"]] = log_chars - _log(chars.max())
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(chars, kind="stable")] = idx  # the inverse permutation: argsort of argsort
    out[:, col["rel_len_rank"]] = rank / max(n - 1, 1)
    if span is None:
        block_start, share = -1, 1.0
        out[:, col["dist_main_block"]] = _log(CONTEXT_CAP)
    else:
        b0, b1 = span
        block_start = b0
        out[b0:b1 + 1, col["in_main_block"]] = 1
        out[:, col["dist_main_block"]] = _log(np.minimum(np.maximum(np.maximum(b0 - idx, idx - b1), 0), CONTEXT_CAP))
        out[b1 + 1:, col["after_main_block"]] = 1
        out[:b0, col["before_main_block"]] = 1
        total = chars[b0:b1 + 1].sum()  # sums of small integers: exact in float32, in any order
        share = float(cjk[b0:b1 + 1].sum() / total) if total else 1.0
    if len(where):
        # nearest prose paragraph at or after / at or before each paragraph, by a running min / max
        big = n + int(CONTEXT_CAP)
        nxt = np.minimum.accumulate(np.where(prose, idx, big)[::-1])[::-1] - idx
        prv = idx - np.maximum.accumulate(np.where(prose, idx, -big))
        out[:, col["dist_next_prose"]] = _log(np.minimum(nxt, CONTEXT_CAP))
        out[:, col["dist_prev_prose"]] = _log(np.minimum(prv, CONTEXT_CAP))
        out[where[0]:where[-1] + 1, col["inside_body"]] = 1
    else:
        out[:, col["dist_next_prose"]] = out[:, col["dist_prev_prose"]] = _log(CONTEXT_CAP)
    out[:, col["page_prose_log"]] = np.log1p(len(where))
    out[:, col["indent_flag"]] = stats[:, _S["indent"]] > 0
    out[:, col["token_chars_log"]] = _log(chars / np.maximum(stats[:, _S["tokens"]], 1))
    headline = _headline(stats, block_start)
    if headline >= 0:
        out[headline, col["headline_candidate"]] = 1
    out[:, col["script_gap"]] = np.abs(cjk / np.maximum(chars, 1) - share)
    return prose


def _repeats(fingerprint: np.ndarray) -> np.ndarray:
    """For each paragraph, how many paragraphs share its fingerprint (itself included): the
    counts of np.unique, from one sort without its overhead."""
    n = len(fingerprint)
    order = fingerprint.argsort()
    ordered = fingerprint[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    group = new.cumsum() - 1
    counts = np.empty(n, dtype=np.int64)
    counts[order] = np.bincount(group)[group]
    return counts


def _neighbours(out: np.ndarray, stats: np.ndarray, prose: np.ndarray) -> None:
    """Fill the `_NEIGHBOURS` columns: the `_OWN` layout facts of the paragraphs 1 and 2
    before and after (zeros past the page's ends)."""
    chars = stats[:, 0]
    own = np.empty((len(stats), len(_OWN)), dtype=np.float32)
    own[:, 0] = prose
    own[:, 1] = out[:, _DENSE["log_chars"]]
    own[:, 2] = stats[:, _S["bullet"]]
    own[:, 3] = stats[:, _SPAM_KW_SRC].sum(axis=1) > 0
    own[:, 4] = stats[:, _S["kw_navigation"]] > 0
    own[:, 5] = stats[:, _S["sent_end"]] > 0
    own[:, 6] = chars <= 12
    own[:, 7] = (stats[:, _S["date"]] + stats[:, _S["time"]]) > 0
    for side, shift in _NEIGHBOURS:
        cols = _dense_slice(f"{side}_{_OWN[0]}", len(_OWN))
        if shift > 0:
            out[shift:, cols] = own[:-shift]
        else:
            out[:shift, cols] = own[-shift:]


HEADLINE_WINDOW = 6  # paragraphs before the main block searched for its headline


def _headline(stats: np.ndarray, block_start: int) -> int:
    """The likeliest headline (-1: none): the longest plain line (no bullet, date or sentence
    end, at least 6 characters, mostly CJK) among the HEADLINE_WINDOW paragraphs before the
    main block; the first of equals. A handful of rows: plain Python on exact counts."""
    lo = max(block_start - HEADLINE_WINDOW, 0)
    if block_start <= 0:
        return -1
    names = ("chars", "bullet", "date", "time", "ends_sent", "cjk", "sep")
    best, best_chars = -1, -1.0
    for i, (chars, bullet, date, time, ends_sent, cjk, sep) in enumerate(
            stats[lo:block_start, [_S[c] for c in names]].tolist()):
        plain = (chars >= 6 and bullet == 0 and date + time == 0 and ends_sent == 0 and cjk >= 0.5 * chars
                 and sep <= 1)
        if plain and chars > best_chars:
            best, best_chars = lo + i, chars
    return best
