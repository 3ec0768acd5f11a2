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
from functools import lru_cache
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

    Offsets (`ngram_pos`, keyword starts and ends) are absolute positions in `text`."""

    first: int
    stats: np.ndarray        # (n, len(STAT_NAMES)) float32 counts
    ngram_pid: np.ndarray    # paragraph index (within the batch) of each n-gram occurrence
    ngram_hash: np.ndarray   # hashed feature index
    ngram_pos: np.ndarray    # start offset in `text`
    ngram_len: np.ndarray    # order
    group_sizes: np.ndarray  # (orders, n): n-grams of each order in each paragraph; the rows are
                             # grouped by order, then paragraph, then position
    paragraph_scale: np.ndarray  # per paragraph: the weight of each of its n-gram occurrences
    keywords: tuple          # (paragraph, start, end, category index) arrays of lexicon matches
    fingerprint: np.ndarray  # per paragraph: identifies its stripped, folded text (for repetition)
    text: str                # the page text the offsets point into


@lru_cache(maxsize=1)
def class_index() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The class table in compact form: (index, flags, bits). `index` maps a code point to one
    of the few distinct flag combinations (uint8), `flags[index]` gives back `class_table()`,
    and ``bits[index, c]`` says whether the combination has the class of ``CLASS_NAMES[c]``.
    Counting class combinations per paragraph (one bincount) and multiplying by `bits`
    gives every class count at once."""
    flags, index = np.unique(class_table(), return_inverse=True)
    bits = (flags[:, None] & np.array([1 << i for i in range(len(CLASS_NAMES))])[None] != 0).astype(np.int64)
    return index.astype(np.uint8), flags, bits


@lru_cache(maxsize=8)
def _stat_columns(columns: tuple[str, ...]) -> np.ndarray:
    """The `stats` column of each keyword category of a matcher (see `Matcher.columns`)."""
    return np.array([_S[c] for c in columns], dtype=np.int64)


_SEEDS = np.array([(0x9E3779B97F4A7C15 * n) & 0xFFFFFFFFFFFFFFFF for n in range(max(NGRAM_ORDERS) + 1)],
                  dtype=np.uint64)


def _ngram_hashes(chars: np.ndarray, starts: list[np.ndarray], orders: list[int]) -> np.ndarray:
    """The hashed feature index of n-grams of `chars` (folded code points): ``starts[i]`` holds
    the start offsets of the n-grams of order ``orders[i]`` (ascending orders). FNV-style
    mixing of the characters, then a splitmix finaliser, in uint64.

    All orders are hashed in one array: step i mixes character i into the rows of every order
    above i, which are a suffix of the rows because they are grouped by ascending order."""
    sizes = [len(x) for x in starts]
    rows = np.concatenate(starts)
    k = np.repeat(_SEEDS[orders], sizes)
    for i in range(orders[-1]):
        done = sum(size for order, size in zip(orders, sizes) if order <= i)  # rows of orders <= i
        k[done:] ^= chars[rows[done:] + i]
        k[done:] *= np.uint64(0x100000001B3)
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
    same = ids[1:] == ids[:-1]  # consecutive characters of one paragraph

    stats = np.zeros((n, len(STAT_NAMES)), dtype=np.float32)
    stats[:, 0] = lens
    cid_in = cid[pos]
    # Kept from an earlier formulation (a reduceat clipped to the last row): when a batch ends
    # with empty (all-space) paragraphs, the last character of the last non-empty paragraph
    # is left out of its class counts, unless it is that paragraph's only character.
    counted = total - 1 if total and lens[-1] == 0 and lens[ids[-1]] >= 2 else total
    combos = np.bincount(ids[:counted] * len(flags) + cid_in[:counted], minlength=n * len(flags))
    combos = combos.reshape(n, len(flags))
    stats[:, _CLASS_COLS] = combos @ bits
    if len(raw):
        stats[:, _S["ends_sent"]] = (lens > 0) & ((classes[np.maximum(se - 1, 0)] & SENT_END) != 0)
        stats[:, _S["bullet"]] = (lens > 0) & ((classes[np.minimum(ss, len(raw) - 1)] & BULLET) != 0)
    stats[:, _S["indent"]] = ss - s
    solid_in = (flags[cid_in] & SPACE) == 0
    run_start = solid_in.copy()  # tokens = runs of non-space characters
    run_start[1:] &= ~(solid_in[:-1] & same)
    stats[:, _S["tokens"]] = np.bincount(ids[run_start], minlength=n)[:n]

    folded = fold_codes(raw)
    kw_start, kw_end, kw_cat = matcher.find(folded)
    kw_pid = np.searchsorted(ss, kw_start, side="right") - 1  # the last paragraph starting at or before
    inside = (kw_pid >= 0) & (kw_end <= (ss + lens)[np.maximum(kw_pid, 0)])  # within its stripped text
    kw_pid, kw_start, kw_end, kw_cat = kw_pid[inside].astype(np.int32), kw_start[inside], kw_end[inside], kw_cat[inside]
    if len(kw_start):
        np.add.at(stats, (kw_pid, _stat_columns(matcher.columns)[kw_cat]), 1)
    keywords = (kw_pid, kw_start + lo, kw_end + lo, kw_cat)

    # n-grams: windows of the concatenation inside one paragraph, grouped by order
    orders = [order for order in NGRAM_ORDERS if order <= len(raw)]
    group_sizes = np.maximum(lens - (np.array(orders, dtype=np.int64)[:, None] - 1), 0)
    count = group_sizes.sum(axis=0).astype(np.float32)  # n-grams per paragraph
    scale = (1.0 / np.sqrt(np.maximum(count, 1.0))).astype(np.float32)
    if orders:
        inside, starts = np.ones(total, dtype=bool), []
        for order in orders:  # a window of order k+1 is one of order k plus the next character
            if order > 1:
                inside = inside[:-1] & same[order - 2:]
            starts.append(inside.nonzero()[0])
        rows = np.concatenate(starts)
        ngram_pid, ngram_pos = ids[rows], pos[rows] + lo
        ngram_len = np.repeat(np.array(orders, dtype=np.int8), [len(x) for x in starts])
        ngram_hash = _ngram_hashes(folded[pos], starts, orders)
        # A bag of n-gram hashes plus the length identifies a paragraph's text for repetition:
        # sum(hash + 0.5) + length * 1e12. The sum is exact in int64 and in float64 (far below
        # 2**52), so it is taken per (order, paragraph) group from a running sum.
        running = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(ngram_hash, out=running[1:])
        ends = np.cumsum(group_sizes.ravel())
        sums = (running[ends] - running[ends - group_sizes.ravel()]).reshape(group_sizes.shape).sum(axis=0)
        fingerprint = (sums + 0.5 * count) + lens * 1e12
    else:
        ngram_pid = ngram_hash = np.zeros(0, dtype=np.int32)
        ngram_pos, ngram_len = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8)
        fingerprint = lens * 1e12
    return Batch(first, stats, ngram_pid, ngram_hash, ngram_pos, ngram_len, group_sizes, scale, keywords,
                 fingerprint.astype(np.float64), text)


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


MAIN_BLOCK_GAP = 8  # prose paragraphs at most this many paragraphs apart join the main block


def main_block(prose: np.ndarray, chars: np.ndarray) -> np.ndarray:
    """The page's main block: grown from its longest prose paragraph over neighbouring prose
    paragraphs less than MAIN_BLOCK_GAP apart (a boolean mask over paragraphs)."""
    n = len(prose)
    block = np.zeros(n, dtype=bool)
    where = np.flatnonzero(prose)
    if not len(where):
        return block
    core = where[np.argmax(chars[where])]
    k = int(np.searchsorted(where, core))
    lo = hi = k
    while lo > 0 and where[lo] - where[lo - 1] <= MAIN_BLOCK_GAP:
        lo -= 1
    while hi < len(where) - 1 and where[hi + 1] - where[hi] <= MAIN_BLOCK_GAP:
        hi += 1
    block[where[lo]:where[hi] + 1] = True
    return block


def dense_features(stats: np.ndarray, fingerprint: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The dense feature matrix (n, len(DENSE_NAMES)) of a page from its paragraph `stats`
    and text fingerprints (for repetition), filled block by block."""
    n = len(stats)
    out = np.zeros((n, len(DENSE_NAMES)), dtype=np.float32)
    if not n:
        return out, list(DENSE_NAMES)
    chars = stats[:, 0]
    nn = np.maximum(chars, 1.0)[:, None]
    c = 0

    def put(block):
        nonlocal c
        block = np.asarray(block, dtype=np.float32)
        width = 1 if block.ndim == 1 else block.shape[1]
        out[:, c:c + width] = block.reshape(n, width)
        c += width

    log_chars = _log(chars) / 5
    put(log_chars)
    bins = np.digitize(chars, LEN_BINS, right=True)
    put(bins[:, None] == np.arange(len(LEN_BINS) + 1)[None])
    put(stats[:, _cols(_RATIO)] / nn)
    put(_log(stats[:, _cols(_DENSITY)]))
    put(np.minimum(stats[:, _cols(_DENSITY)] / nn * 20, 3))
    put(stats[:, _cols(_FLAGS)])
    put(_log(stats[:, _cols(_LOGGED)]))
    put(np.minimum(stats[:, _cols(_KW_DENSITY)] / nn * 10, 3))

    idx = np.arange(n)
    sent, comma, cjk = stats[:, _S["sent_end"]], stats[:, _S["comma"]], stats[:, _S["cjk"]]
    prose = (chars >= PROSE_MIN_CHARS) & (sent + comma >= 2) & (cjk >= 0.5 * chars)
    _, inverse, counts = np.unique(fingerprint, return_inverse=True, return_counts=True)
    repeated = counts[inverse].astype(np.float32) - 1
    where = np.flatnonzero(prose)
    block = main_block(prose, chars)
    in_block = np.flatnonzero(block)
    nxt = _distance_after(where, n)
    prv = _distance_before(where, n)
    inside = (idx >= where[0]) & (idx <= where[-1]) if len(where) else np.zeros(n, dtype=bool)
    tokens = stats[:, _S["tokens"]]
    context = [idx / max(n - 1, 1), _log(idx) / 5, _log(n - 1 - idx) / 5, _log(repeated), prose,
               _log(chars) - _log(chars.max()), np.argsort(np.argsort(chars, kind="stable"), kind="stable") / max(n - 1, 1),
               block, _log(np.minimum(np.minimum(_distance_after(in_block, n), _distance_before(in_block, n)),
                                      CONTEXT_CAP)),
               idx > (in_block[-1] if len(in_block) else n), idx < (in_block[0] if len(in_block) else -1),
               _log(np.minimum(nxt, CONTEXT_CAP)), _log(np.minimum(prv, CONTEXT_CAP)), inside,
               np.full(n, np.log1p(len(where))), stats[:, _S["indent"]] > 0, _log(chars / np.maximum(tokens, 1)),
               headline_candidate(stats, in_block[0] if len(in_block) else -1),
               np.abs(cjk / np.maximum(chars, 1) - _block_cjk_share(cjk, chars, block))]
    put(np.column_stack(context))

    spam_kw = (stats[:, _cols(("kw_gambling", "kw_adult", "kw_spam"))].sum(axis=1) > 0)
    own = np.column_stack([prose, log_chars, stats[:, _S["bullet"]], spam_kw, stats[:, _S["kw_navigation"]] > 0,
                           sent > 0, chars <= 12, (stats[:, _S["date"]] + stats[:, _S["time"]]) > 0]).astype(np.float32)
    for _, shift in _NEIGHBOURS:
        shifted = np.zeros_like(own)
        if shift > 0:
            shifted[shift:] = own[:-shift]
        else:
            shifted[:shift] = own[-shift:]
        put(shifted)
    assert c == len(DENSE_NAMES)
    return out, list(DENSE_NAMES)


def _block_cjk_share(cjk: np.ndarray, chars: np.ndarray, block: np.ndarray) -> float:
    """Share of CJK characters in the main block (the page's own script mix); 1 without one."""
    total = chars[block].sum()
    return float(cjk[block].sum() / total) if total else 1.0


HEADLINE_WINDOW = 6  # paragraphs before the main block searched for its headline


def headline_candidate(stats: np.ndarray, block_start: int) -> np.ndarray:
    """1 for the likeliest headline: the longest plain line (no bullet, date or sentence end,
    at least 6 characters, mostly CJK) among the HEADLINE_WINDOW paragraphs before the main block."""
    n = len(stats)
    flag = np.zeros(n, dtype=np.float32)
    lo = max(block_start - HEADLINE_WINDOW, 0)
    if block_start <= 0:
        return flag
    w = stats[lo:block_start]
    chars = w[:, _S["chars"]]
    plain = ((chars >= 6) & (w[:, _S["bullet"]] == 0) & (w[:, _S["date"]] + w[:, _S["time"]] == 0)
             & (w[:, _S["ends_sent"]] == 0) & (w[:, _S["cjk"]] >= 0.5 * chars) & (w[:, _S["sep"]] <= 1))
    if plain.any():
        flag[lo + int(np.argmax(np.where(plain, chars, -1)))] = 1.0
    return flag


def _distance_after(where: np.ndarray, n: int) -> np.ndarray:
    """Paragraphs from each paragraph to the next index in `where` (CONTEXT_CAP if none)."""
    if not len(where):
        return np.full(n, CONTEXT_CAP)
    idx = np.arange(n)
    k = np.searchsorted(where, idx, side="left")
    return np.where(k < len(where), where[np.minimum(k, len(where) - 1)] - idx, CONTEXT_CAP)


def _distance_before(where: np.ndarray, n: int) -> np.ndarray:
    if not len(where):
        return np.full(n, CONTEXT_CAP)
    idx = np.arange(n)
    k = np.searchsorted(where, idx, side="right") - 1
    return np.where(k >= 0, idx - where[np.maximum(k, 0)], CONTEXT_CAP)
