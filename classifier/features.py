"""Paragraph features, computed a page at a time with numpy, or by the compiled kernels (`kernels`).

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

import itertools
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Iterator, NamedTuple, Sequence

import numpy as np

from . import kernels
from .lexicon import CATEGORIES, Matcher
from .normalize import LUT_SIZE, codes_of, fold_codes, fold_table

NGRAM_BITS = 18
N_HASH = 1 << NGRAM_BITS
CHUNK_CHARS = 100_000  # consecutive pages are featurised together (`pages_batch`) up to this many characters
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
_CLASS_COLS = slice(1, 1 + len(CLASS_NAMES))  # the class counts follow "chars" in STAT_NAMES


def pattern_keywords() -> list[tuple[str, str]]:
    """(pattern, "pattern:<name>") pairs for `Matcher.build`."""
    return [(p, f"pattern:{name}") for name, pats in PATTERNS.items() for p in pats]


@lru_cache(maxsize=1)
def class_table() -> np.ndarray:
    lut = np.zeros(LUT_SIZE, dtype=np.uint16)
    # the general category of every BMP code point in one pass: two ASCII letters each, the
    # first "P" or "S" for punctuation and symbols (surrogates pass as themselves)
    bmp = np.arange(0x10000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    major = np.frombuffer("".join(map(unicodedata.category, bmp)).encode("ascii"), dtype=np.uint8)[0::2]
    lut[:0x10000][(major == ord("P")) | (major == ord("S"))] |= PUNCT
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
    short_groups: np.ndarray  # groups (order * n + paragraph) scored without their last occurrence
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
        same = self.char_pid[1:] == self.char_pid[:-1]
        return np.concatenate([np.zeros(0, dtype=np.int64)]
                              + [inside.nonzero()[0] for inside in _windows(same, len(self.char_pid), orders)])

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
def class_index() -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The class table in compact form: (index, flags, bits, spaces). `index` maps a code
    point to one of the few distinct flag combinations (uint8), `flags[index]` gives back
    `class_table()`, and ``bits[index, c]`` (float32 0/1) says whether the combination has the
    class of ``CLASS_NAMES[c]``. Counting class combinations per paragraph (one bincount) and
    multiplying by `bits` gives every class count at once (exact: small integers). The
    combinations with SPACE come first: ``index < spaces`` tells space without a lookup."""
    table = class_table()
    values = np.flatnonzero(np.bincount(table, minlength=1 << 16))  # np.unique without its sort (uint16)
    flags = np.concatenate((values[(values & SPACE) != 0], values[(values & SPACE) == 0]))
    place = np.zeros(1 << 16, dtype=np.int64)
    place[flags] = np.arange(len(flags))
    index = place[table]  # value -> its place in flags
    bits = (flags[:, None] & np.array([1 << i for i in range(len(CLASS_NAMES))])[None] != 0).astype(np.float32)
    return index.astype(np.uint8), flags, bits, int(((flags & SPACE) != 0).sum())


@lru_cache(maxsize=8)
def _stat_columns(columns: tuple[str, ...]) -> np.ndarray:
    """The `stats` column of each keyword category of a matcher (see `Matcher.columns`)."""
    return np.array([_S[c] for c in columns], dtype=np.int64)


def _windows(same: np.ndarray, size: int, orders) -> list[np.ndarray]:
    """For each order k (ascending from 1), which windows of k consecutive characters of the
    concatenation (`size` characters; ``same[i]``: characters i and i+1 are in one paragraph)
    lie inside one paragraph: the n-grams. A window of order k+1 is one of order k whose next
    character is in the same paragraph."""
    out = [np.ones(size, dtype=bool)]
    for order in orders[1:]:
        out.append(same if order == 2 else out[-1][:-1] & same[order - 2:])
    return out


def _uncounted(lens: np.ndarray, page_ends: Sequence[int]) -> list[int]:
    """Paragraphs whose last character stays out of their class counts. Kept from an earlier
    formulation (a reduceat clipped to the last row): when a page's batch ends with empty
    (all-space) paragraphs, the last non-empty paragraph lost its last character, unless it
    is its only one. Such pages do not occur in practice (paragraphs are non-blank lines)."""
    out, first = [], 0
    for end in page_ends:
        if end > first and not lens[end - 1]:
            filled = lens[first:end].nonzero()[0]
            if len(filled) and lens[first + filled[-1]] >= 2:
                out.append(first + int(filled[-1]))
        first = end
    return out


def _short_groups(group_sizes: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                  page_ends: Sequence[int]) -> np.ndarray:
    """(order, paragraph) groups whose n-gram score leaves out their last occurrence; kept from
    the same earlier formulation as `_uncounted`, for the n-gram scores: when the last group of
    a page's batch (its highest order, its last paragraph) is empty, the last non-empty group
    before it lost its last row, unless it had only one. A page alone has the orders up to
    the length of its span, from its first paragraph's start to its last one's end."""
    n = group_sizes.shape[1]
    out, first = [], 0
    for end in page_ends:
        if end > first:
            k = min(len(group_sizes), max(int(ends[end - 1] - starts[first]), 0))  # orders 1..k
            if k and not group_sizes[k - 1, end - 1]:
                flat = group_sizes[:k, first:end].ravel()
                filled = flat.nonzero()[0]
                if len(filled) and flat[filled[-1]] >= 2:
                    order, j = divmod(int(filled[-1]), end - first)
                    out.append(order * n + first + j)
        first = end
    return np.array(sorted(out), dtype=np.int64) if out else _NONE


_NONE = np.zeros(0, dtype=np.int64)
_NONE.flags.writeable = False  # shared by every batch without short groups
_SEEDS = np.array([(0x9E3779B97F4A7C15 * n) & 0xFFFFFFFFFFFFFFFF for n in range(max(NGRAM_ORDERS) + 1)],
                  dtype=np.uint64)


def _mix(chars: np.ndarray, order: int, out: np.ndarray | None = None) -> np.ndarray:
    """FNV-style mixing (uint64) of every window of `order` consecutive `chars`, one pass per
    character on contiguous slices, into `out` if given; `_finalise` then makes it a hashed
    feature index."""
    m = max(len(chars) - order + 1, 0)
    k = np.bitwise_xor(chars[:m], _SEEDS[order], out=out)
    k *= np.uint64(0x100000001B3)
    for i in range(1, order):
        k ^= chars[i:i + m]
        k *= np.uint64(0x100000001B3)
    return k


def _finalise(k: np.ndarray) -> np.ndarray:
    """The splitmix finaliser and the table mask, in place."""
    k ^= k >> np.uint64(29)
    k *= np.uint64(0xBF58476D1CE4E5B9)
    k ^= k >> np.uint64(32)
    k &= np.uint64(N_HASH - 1)
    return k


@lru_cache(maxsize=1)
def _unigram_table() -> np.ndarray:
    """The hashed feature index of every code point below LUT_SIZE as a 1-gram (uint64)."""
    return _finalise(_mix(np.arange(LUT_SIZE, dtype=np.uint32), 1))


def _ngram_hashes(chars: np.ndarray, windows: list[np.ndarray], counts: list[int], orders) -> np.ndarray:
    """The hashed feature index (as uint64) of the n-grams of `chars` (folded code points) that
    `windows` keeps (`counts` of them), order by order (ascending from 1), in one array, and
    a zero after them. A 1-gram's index is a lookup in `_unigram_table` (computed past it);
    longer ones are mixed over every window (every order into one buffer), and the kept ones
    taken by one boolean index (`compress` copies twice) and finalised together. `chars` are
    intp (the lookup's index type: no cast); the mixing runs on the same bits viewed as
    uint64 (numpy mixes uint32 into uint64 far slower)."""
    out = np.empty(sum(counts) + 1, dtype=np.uint64)
    out[-1] = 0
    table = _unigram_table()
    unigrams = out[:counts[0]]  # every character is a 1-gram
    table.take(chars, mode="clip", out=unigrams)
    chars = chars.view(np.uint64)  # code points: never negative
    if len(chars) and chars.max() >= len(table):
        high = (chars >= len(table)).nonzero()[0]
        unigrams[high] = _finalise(_mix(chars[high], 1))
    if len(orders) > 1:
        sizes = [len(keep) for keep in windows[1:]]  # every window of each order
        mixed = np.empty(sum(sizes), dtype=np.uint64)
        for order, at, size in zip(orders[1:], itertools.accumulate(sizes, initial=0), sizes):
            _mix(chars, order, out=mixed[at:at + size])
        keep = windows[1] if len(windows) == 2 else np.concatenate(windows[1:])
        out[counts[0]:-1] = _finalise(mixed[keep])
    return out


def _batch(text: str, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray, first: int, last: int,
           matcher: Matcher, page_ends: Sequence[int] | None = None) -> Batch:
    """Features of paragraphs first..last-1, whose spans are ``starts[i]:ends[i]`` of `text`;
    they may belong to several pages, ending at the (batch) paragraph indexes `page_ends`.

    The paragraphs' stripped characters are gathered into one concatenated array (`pos`:
    their offsets in `raw`, `ids`: their paragraph); per-paragraph counts are then bincounts
    over `ids`, and the n-grams of order k are the windows of that array whose first and
    last characters belong to the same paragraph."""
    n = last - first
    lo, hi = (int(starts[first]), int(ends[last - 1])) if n else (0, 0)
    raw = codes[lo:hi]
    s, e = starts[first:last] - lo, ends[first:last] - lo
    if kernels.compiled is not None:
        return _compiled_batch(text, raw, lo, s, e, first, matcher, page_ends)
    index, flags, bits, spaces = class_index()
    cid = index.take(raw, mode="clip")  # code points past the table: CJK planes
    solid = np.zeros(len(raw) + 1, dtype=np.int64)
    (cid >= spaces).cumsum(out=solid[1:])
    # Stripped bounds: features ignore a paragraph's leading and trailing space.
    ss = solid.searchsorted(solid[s] + 1, side="left") - 1
    se = solid.searchsorted(solid[e], side="left")
    lens = np.maximum(se - ss, 0)
    ss = np.where(lens > 0, ss, s)
    offsets = lens.cumsum() - lens  # where each paragraph starts in the concatenation
    total = int(lens.sum())
    ids = np.arange(n, dtype=np.int32).repeat(lens)
    pos = np.arange(total) + (ss - offsets).repeat(lens)

    stats = np.zeros((n, len(STAT_NAMES)), dtype=np.float32)
    stats[:, 0] = lens
    cid_in = cid[pos]
    cells = ids * len(flags) + cid_in  # (paragraph, class combination) of each character
    for j in _uncounted(lens, [n] if page_ends is None else page_ends):
        cells[offsets[j] + lens[j] - 1] = n * len(flags)  # counted in a bin left out below
    combos = np.bincount(cells, minlength=n * len(flags) + 1)[:n * len(flags)].reshape(n, len(flags))
    stats[:, _CLASS_COLS] = combos.astype(np.float32) @ bits
    filled = lens > 0
    if len(raw):  # the class of a paragraph's last and first character ("clip": empty paragraphs)
        sent_end_of, bullet_of = _edge_classes()
        stats[:, _S["ends_sent"]] = filled & sent_end_of[cid.take(se - 1, mode="clip")]
        stats[:, _S["bullet"]] = filled & bullet_of[cid.take(ss, mode="clip")]
    stats[:, _S["indent"]] = ss - s
    same = ids[1:] == ids[:-1]  # character i + 1 is in the paragraph of character i
    solid_in = cid_in >= spaces
    run_start = solid_in.copy()  # tokens = runs of non-space characters
    run_start[1:] &= ~(solid_in[:-1] & same)
    stats[:, _S["tokens"]] = np.bincount(ids[run_start], minlength=n)[:n]

    folded = fold_codes(raw)
    keywords = _keywords(matcher, folded, ss, lens, stats, lo)

    # n-grams: windows of the concatenation inside one paragraph, grouped by order
    orders = [order for order in NGRAM_ORDERS if order <= len(raw)]
    group_sizes = np.maximum(lens - _ORDER_OFFSETS[:len(orders)], 0)
    count = group_sizes.sum(axis=0).astype(np.float32)  # n-grams per paragraph
    scale = 1.0 / np.sqrt(np.maximum(count, 1.0))  # float32
    if orders:
        hashes = _ngram_hashes(folded[pos], _windows(same, total, orders), group_sizes.sum(axis=1).tolist(), orders)
        ngram_hash = hashes[:-1].view(np.int64)  # < N_HASH: the same values as intp, the index type of `take`
        # A bag of n-gram hashes plus the length identifies a paragraph's text for repetition:
        # sum(hash + 0.5) + length * 1e12. The sum is exact in integers and in float64 (far
        # below 2**52); it is taken per (order, paragraph) group by one reduceat (`hashes`
        # ends with a zero, so that every group's first row is a valid index; an empty
        # group's "sum" is the row at its index, set to 0).
        sizes = group_sizes.ravel()
        sums = np.add.reduceat(hashes, sizes.cumsum() - sizes)
        sums[sizes == 0] = 0
        fingerprint = (sums.reshape(group_sizes.shape).sum(axis=0) + 0.5 * count) + lens * 1e12
    else:
        ngram_hash = np.zeros(0, dtype=np.int64)
        fingerprint = lens * 1e12
    short = _short_groups(group_sizes, s, e, [n] if page_ends is None else page_ends)
    return Batch(first, stats, ngram_hash, group_sizes, short, scale, keywords, fingerprint.astype(np.float64, copy=False),
                 text, ids, pos + lo)


def _keywords(matcher: Matcher, folded: np.ndarray, ss: np.ndarray, lens: np.ndarray, stats: np.ndarray, lo: int):
    """Lexicon matches inside the paragraphs' stripped text, counted into `stats`; returns
    (paragraph, start, end, category) with offsets in the page text."""
    kw_start, kw_end, kw_cat = matcher.find(folded)
    kw_pid = ss.searchsorted(kw_start, side="right") - 1  # the last paragraph starting at or before
    inside = (kw_pid >= 0) & (kw_end <= (ss + lens)[np.maximum(kw_pid, 0)])  # within its stripped text
    kw_pid, kw_start, kw_end, kw_cat = kw_pid[inside].astype(np.int32), kw_start[inside], kw_end[inside], kw_cat[inside]
    if len(kw_start):  # one count per match (exact: small integers)
        np.add.at(stats.reshape(-1), kw_pid * stats.shape[1] + _stat_columns(matcher.columns)[kw_cat], 1)
    return kw_pid, kw_start + lo, kw_end + lo, kw_cat


@lru_cache(maxsize=1)
def _kernel_tables() -> tuple:
    """`class_index` and `_edge_classes` in the types `_kernels.batch_core` reads."""
    index, flags, bits, spaces = class_index()
    sent_end_of, bullet_of = _edge_classes()
    return (index, spaces, bits.astype(np.uint8), sent_end_of.astype(np.uint8), bullet_of.astype(np.uint8),
            fold_table().astype(np.int32))


def _compiled_batch(text: str, raw: np.ndarray, lo: int, s: np.ndarray, e: np.ndarray, first: int,
                    matcher: Matcher, page_ends: Sequence[int] | None) -> Batch:
    """`_batch` by `_kernels.batch_core` (the same arrays, from one pass in C) and `_keywords`."""
    n = len(s)
    index, spaces, bits, sent_end_of, bullet_of, fold = _kernel_tables()
    stats = np.zeros((n, len(STAT_NAMES)), dtype=np.float32)
    ends = [n] if page_ends is None else page_ends
    ss, lens, keys, ids, pos, hashes, group_sizes, scale, fingerprint = kernels.compiled.batch_core(
        raw, s, e, index, spaces, bits, sent_end_of, bullet_of, fold, matcher.keys, _SEEDS, max(NGRAM_ORDERS),
        N_HASH - 1, stats, 1, _S["ends_sent"], _S["bullet"], _S["indent"], _S["tokens"])
    for j in _uncounted(lens, ends):  # rare: take the last character back out of the class counts
        stats[j, _CLASS_COLS] -= bits[index[min(int(raw[ss[j] + lens[j] - 1]), len(index) - 1)]]
    keywords = kernels.compiled.keyword_hits(matcher.matches(keys), matcher.pattern_category, ss, lens,
                                             _stat_columns(matcher.columns), stats, lo)
    short = _short_groups(group_sizes, s, e, ends)
    return Batch(first, stats, hashes, group_sizes, short, scale, keywords, fingerprint, text, ids, pos + lo)


_ORDER_OFFSETS = np.array(NGRAM_ORDERS, dtype=np.int64)[:, None] - 1  # an order-k window spans k - 1 more characters


@lru_cache(maxsize=1)
def _edge_classes() -> tuple[np.ndarray, np.ndarray]:
    """Per class combination of `class_index`: has SENT_END, has BULLET."""
    flags = class_index()[1]
    return (flags & SENT_END) != 0, (flags & BULLET) != 0


def batches(text: str, starts: np.ndarray, ends: np.ndarray, matcher: Matcher,
            codes: np.ndarray | None = None) -> Iterator[Batch]:
    """Features of the paragraphs ``text[starts[i]:ends[i]]``, `BATCH_CHARS` characters at a time."""
    if codes is None:
        codes = codes_of(text)
    n = len(starts)
    first = 0
    while first < n or (n == 0 and first == 0):
        last = int(ends.searchsorted(starts[first] + BATCH_CHARS, side="right")) if n else 0
        last = min(max(last, first + 1), n)
        yield _batch(text, codes, starts, ends, first, last, matcher)
        if n == 0:
            return
        first = last


def pages_batch(text: str, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray, page_starts: np.ndarray,
                matcher: Matcher) -> Batch:
    """Features of the paragraphs of several pages laid out in one text, as one batch (the
    paragraphs of page p from ``page_starts[p]`` on); each paragraph's features are the ones
    its page alone gets (a page's batch ends with its last paragraph)."""
    page_ends = np.append(page_starts[1:], len(starts)).tolist()
    return _batch(text, codes, starts, ends, 0, len(starts), matcher, page_ends)


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
    """log1p of non-negative values (every caller's are), rounded to float32."""
    return np.log1p(x).astype(np.float32, copy=False)


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
_LOG_DST = np.array([_DENSE[x] for x in ["log_chars"] + [f"{x}_log" for x in _DENSITY + _LOGGED]])
_DIV_SRC = np.array(_cols(_RATIO + _DENSITY + _KW_DENSITY))         # per character: ratios, densities
_DIV_DST = np.array([_DENSE[x] for x in [f"{x}_ratio" for x in _RATIO] + [f"{x}_density" for x in _DENSITY + _KW_DENSITY]])
# ... scaled and capped: ratios as they are (x * 1, at most inf: exact), densities * 20 or * 10, at most 3
_DIV_SCALE = np.array([1] * len(_RATIO) + [20] * len(_DENSITY) + [10] * len(_KW_DENSITY), dtype=np.float32)
_DIV_CAP = np.array([np.inf] * len(_RATIO) + [3] * (len(_DENSITY) + len(_KW_DENSITY)), dtype=np.float32)
_FLAG_SRC = np.array(_cols(_FLAGS))


def _dense_slice(first: str, width: int) -> slice:
    return slice(_DENSE[first], _DENSE[first] + width)


MAIN_BLOCK_GAP = 8  # prose paragraphs at most this many paragraphs apart join the main block


def main_block(where: list[int], chars: list[float]) -> tuple[int, int]:
    """The main block of a page with prose paragraphs `where` (of `chars` characters): grown
    from the longest (the first of equals) over neighbouring prose paragraphs less than
    MAIN_BLOCK_GAP apart. Its first and last paragraph."""
    lo = hi = max(range(len(where)), key=chars.__getitem__)
    while lo > 0 and where[lo] - where[lo - 1] <= MAIN_BLOCK_GAP:
        lo -= 1
    while hi < len(where) - 1 and where[hi + 1] - where[hi] <= MAIN_BLOCK_GAP:
        hi += 1
    return where[lo], where[hi]


class _Pages(NamedTuple):
    """Where the pages are among the paragraphs of a `dense_features` call."""

    first: list[int]          # index of each page's first paragraph
    last: list[int]           # ... and of its last
    page: np.ndarray | None   # (n,) page of each paragraph; None: one page
    local: np.ndarray         # (n,) index of each paragraph in its page

    def spread(self, values):
        """Per-page values (a list or an array) for each paragraph: one page's value as a
        scalar (numpy broadcasts it, so one page costs no gather), else gathered by page."""
        return values[0] if self.page is None else np.asarray(values)[self.page]


def _pages(page_starts: np.ndarray | None, idx: np.ndarray) -> _Pages:
    """The pages of paragraphs ``idx = arange(n)``."""
    n = len(idx)
    if page_starts is None:
        return _Pages([0], [n - 1], None, idx)
    first = np.asarray(page_starts, dtype=np.int64)
    last = np.append(first[1:] - 1, n - 1)
    page = np.repeat(np.arange(len(first)), last - first + 1)
    return _Pages(first.tolist(), last.tolist(), page, idx - first[page])


def dense_features(stats: np.ndarray, fingerprint: np.ndarray,
                   page_starts: np.ndarray | None = None) -> tuple[np.ndarray, list[str]]:
    """The dense feature matrix (n, len(DENSE_NAMES)) of a page from its paragraph `stats`
    and text fingerprints (for repetition); or of several pages one after the other, each
    with its own page context (`page_starts`: the index of each page's first paragraph).

    Written for few numpy calls (a page has a few hundred paragraphs, so call overhead is
    most of the cost): each elementwise block is one gather of stats columns, one operation
    and one write into its columns of `out`. Every value is computed in the same dtype and
    by the same operations as the feature definitions ask, so the output is exact."""
    n = len(stats)
    out = np.zeros((n, len(DENSE_NAMES)), dtype=np.float32)
    if not n:
        return out, list(DENSE_NAMES)
    chars = stats[:, 0]
    logs = np.log1p(stats[:, _LOG_SRC])  # counts: never negative
    if kernels.compiled is not None:
        bounds = [0, n] if page_starts is None else np.asarray(page_starts).tolist() + [n]
        _compiled_features(out, stats, fingerprint, logs, [(a, z) for a, z in zip(bounds, bounds[1:]) if z > a])
        return out, list(DENSE_NAMES)
    out[:, _LOG_DST] = logs
    out[:, _DENSE["log_chars"]] /= 5
    # length bin k holds LEN_BINS[k-1] < chars <= LEN_BINS[k] (np.digitize with right=True)
    idx = np.arange(n)
    out[idx, LEN_BINS.searchsorted(chars) + _DENSE["len_bin0"]] = 1
    out[:, _DIV_DST] = np.minimum(stats[:, _DIV_SRC] / np.maximum(chars, 1.0)[:, None] * _DIV_SCALE, _DIV_CAP)
    out[:, _dense_slice("ends_sent", len(_FLAGS))] = stats[:, _FLAG_SRC]
    pages = _pages(page_starts, idx)
    prose = _context(out, stats, fingerprint, logs[:, 0], idx, pages)
    _neighbours(out, stats, prose, pages)
    return out, list(DENSE_NAMES)


_KERNEL_SRC = np.array(_cols(("chars", "sent_end", "comma", "cjk", "indent", "tokens", "bullet", "date", "time",
                              "ends_sent", "sep", "kw_navigation", "kw_gambling", "kw_adult", "kw_spam")))


def _compiled_features(out: np.ndarray, stats: np.ndarray, fingerprint: np.ndarray, logs: np.ndarray,
                       pages: list[tuple[int, int]]) -> None:
    """`dense_features` by `_kernels.page_features`, page by page (rows ``a:z`` of each of
    `pages`, contiguous views), which leaves the logarithms to numpy: the same functions as
    `_context` calls, on the same values, taken for all the pages at once (log1p is
    elementwise: a value's logarithm does not depend on the values taken with it), instead
    of a dozen small numpy calls per page."""
    dists, args, prose_counts = [], [], []
    for a, z in pages:
        dist, arg, prose_count = kernels.compiled.page_features(
            stats[a:z], fingerprint[a:z], logs[a:z], out[a:z], _KERNEL_SRC, _KERNEL_DST, _LOG_DST, _DIV_SRC,
            _DIV_DST, _DIV_SCALE, _DIV_CAP, LEN_BINS, PROSE_MIN_CHARS, MAIN_BLOCK_GAP, HEADLINE_WINDOW, CONTEXT_CAP)
        dists.append(dist)
        args.append(arg)
        prose_counts.append(prose_count)
    if not pages:
        return
    rows = slice(pages[0][0], pages[-1][1])  # the pages' rows (every row but those of no page)
    dist = _log(dists[0] if len(pages) == 1 else np.concatenate(dists, axis=1))
    dist[:2] /= 5  # pos_log, pos_from_end_log
    out[rows, _CONTEXT_LOGS] = dist.T
    arg = _log(args[0] if len(pages) == 1 else np.concatenate(args, axis=1))
    out[rows, _DENSE["repeated_log"]] = arg[0]
    out[rows, _DENSE["token_chars_log"]] = arg[1]
    firsts = [a for a, _ in pages]
    sizes = [z - a for a, z in pages]
    longest = _log(np.maximum.reduceat(stats[rows, 0], np.subtract(firsts, firsts[0])))  # each page's
    out[rows, _DENSE["rel_len_log"]] = logs[rows, 0] - longest.repeat(sizes)
    out[rows, _DENSE["page_prose_log"]] = np.log1p(prose_counts).repeat(sizes)


# context columns that are log1p of float64 distances, filled together (see `_context`)
_CONTEXT_LOGS = np.array([_DENSE[x] for x in ("pos_log", "pos_from_end_log", "dist_main_block", "dist_next_prose",
                                               "dist_prev_prose")])


def _context(out: np.ndarray, stats: np.ndarray, fingerprint: np.ndarray, log_chars: np.ndarray,
             idx: np.ndarray, pages: _Pages) -> np.ndarray:
    """Fill the page-context columns (`_CONTEXT`) of `out`; returns the prose mask.

    Distances are capped at CONTEXT_CAP and computed in float64 from exact integers, as the
    definitions have them; log1p then rounds once to float32 (the five such columns in one
    pass, `_CONTEXT_LOGS`). Per-page values (the longest paragraph, the main block, the prose
    count) are computed page by page and spread to the paragraphs (`_Pages.spread`)."""
    n, col, local, spread = len(stats), _DENSE, pages.local, pages.spread
    chars, sent, comma, cjk = (stats[:, _S[c]] for c in ("chars", "sent_end", "comma", "cjk"))
    prose = (chars >= PROSE_MIN_CHARS) & (sent + comma >= 2) & (cjk >= 0.5 * chars)
    out[:, col["prose"]] = prose
    dist = np.empty((len(_CONTEXT_LOGS), n))  # float64 rows, in the order of _CONTEXT_LOGS
    last_local = spread([z - a for a, z in zip(pages.first, pages.last)])
    dist[0] = local
    np.subtract(last_local, local, out=dist[1])
    denominator = spread([max(z - a, 1) for a, z in zip(pages.first, pages.last)])
    out[:, col["rel_pos"]] = local / denominator
    out[:, col["repeated_log"]] = _log(_repeats(fingerprint, pages.page) - 1)
    out[:, col["rel_len_log"]] = log_chars - spread(_log(np.maximum.reduceat(chars, pages.first)))
    rank = np.empty(n, dtype=np.int64)  # the inverse permutation: a stable argsort of the stable argsort
    rank[chars.argsort(kind="stable") if pages.page is None else np.lexsort((chars, pages.page))] = local
    out[:, col["rel_len_rank"]] = rank / denominator

    where = prose.nonzero()[0]
    starts, ends = _main_blocks(where, chars, pages)
    b0, b1, has = spread(starts), spread(ends), spread([b >= 0 for b in starts])
    before, after = idx < b0, idx > b1
    out[:, col["in_main_block"]] = ~(before | after)
    out[:, col["after_main_block"]] = has & after
    out[:, col["before_main_block"]] = has & before
    gap = np.minimum(np.maximum(np.maximum(b0 - idx, idx - b1), 0), CONTEXT_CAP)
    dist[2] = np.where(has, gap, CONTEXT_CAP)
    # Nearest prose paragraph at or after / at or before each paragraph: a running min / max
    # over the prose indexes (it may reach into the next / previous page: then there is none).
    big = n + int(CONTEXT_CAP)
    nxt = np.minimum.accumulate(np.where(prose, idx, big)[::-1])[::-1]
    prv = np.maximum.accumulate(np.where(prose, idx, -big))
    first, last = spread(pages.first), spread(pages.last)
    np.minimum(np.where(nxt <= last, nxt - idx, CONTEXT_CAP), CONTEXT_CAP, out=dist[3])
    np.minimum(np.where(prv >= first, idx - prv, CONTEXT_CAP), CONTEXT_CAP, out=dist[4])
    logs = _log(dist)
    logs[:2] /= 5  # pos_log, pos_from_end_log
    out[:, _CONTEXT_LOGS] = logs.T
    out[:, col["inside_body"]] = (nxt[first] <= idx) & (idx <= prv[last])  # first to last prose of the page
    prose_count = [len(where)] if pages.page is None else np.bincount(pages.page[where], minlength=len(pages.first))
    out[:, col["page_prose_log"]] = spread(np.log1p(prose_count))
    out[:, col["indent_flag"]] = stats[:, _S["indent"]] > 0
    out[:, col["token_chars_log"]] = _log(chars / np.maximum(stats[:, _S["tokens"]], 1))
    out[_headlines(stats, starts, pages), col["headline_candidate"]] = 1
    out[:, col["script_gap"]] = np.abs(cjk / np.maximum(chars, 1) - spread(_block_cjk_share(chars, cjk, starts, ends)))
    return prose


def _main_blocks(where: np.ndarray, chars: np.ndarray, pages: _Pages) -> tuple[list[int], list[int]]:
    """First and last paragraph of each page's main block (-1, -1: a page without prose)."""
    cut = where.searchsorted(pages.first).tolist() + [len(where)]
    where_list, where_chars = where.tolist(), chars[where].tolist()
    spans = [main_block(where_list[a:z], where_chars[a:z]) if a < z else (-1, -1) for a, z in itertools.pairwise(cut)]
    return [a for a, _ in spans], [z for _, z in spans]


def _block_cjk_share(chars: np.ndarray, cjk: np.ndarray, b0: list[int], b1: list[int]) -> np.ndarray:
    """Share of CJK characters in each page's main block (its own script mix), float32; 1
    without one."""
    share = np.ones(len(b0), dtype=np.float32)
    for p, (lo, hi) in enumerate(zip(b0, b1)):
        total = chars[lo:hi + 1].sum() if lo >= 0 else 0
        if total:
            share[p] = cjk[lo:hi + 1].sum() / total
    return share


def _repeats(fingerprint: np.ndarray, page: np.ndarray | None) -> np.ndarray:
    """For each paragraph, how many paragraphs of its page share its fingerprint (itself
    included): the counts of np.unique per page, from one sort without its overhead."""
    n = len(fingerprint)
    single = page is None
    order = fingerprint.argsort() if single else np.lexsort((fingerprint, page))
    ordered = fingerprint[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    if not single:
        new[1:] |= page[order][1:] != page[order][:-1]
    group = new.cumsum()
    counts = np.empty(n, dtype=np.float32)  # small integers: exact
    counts[order] = np.bincount(group)[group]
    return counts


def _neighbours(out: np.ndarray, stats: np.ndarray, prose: np.ndarray, pages: _Pages) -> None:
    """Fill the `_NEIGHBOURS` columns: the `_OWN` layout facts of the paragraphs 1 and 2
    before and after in the page (zeros past the page's ends)."""
    present = stats[:, _OWN_SRC] > 0  # counts: a sum is positive when one of its terms is
    own = np.empty((len(stats), len(_OWN)), dtype=np.float32)
    own[:, 0] = prose
    own[:, 1] = out[:, _DENSE["log_chars"]]
    own[:, 2] = present[:, 0]  # bullet (0 or 1)
    own[:, 3] = present[:, 3:6].any(axis=1)  # spam keywords
    own[:, 4:6] = present[:, 1:3]  # navigation keywords, sentence ends
    own[:, 6] = stats[:, 0] <= 12
    own[:, 7] = present[:, 6:8].any(axis=1)  # date or time
    if pages.page is not None:
        last_local = pages.spread([z - a for a, z in zip(pages.first, pages.last)])
    for shift, cols in _NEIGHBOUR_COLUMNS:
        if shift > 0:
            out[shift:, cols] = own[:-shift]
        else:
            out[:shift, cols] = own[-shift:]
        if pages.page is not None:  # rows whose neighbour is in another page
            across = pages.local < shift if shift > 0 else pages.local > last_local + shift
            out[across, cols] = 0


_KERNEL_DST = np.array([_DENSE[x] for x in ("prose", "rel_pos", "rel_len_rank", "in_main_block", "after_main_block",
                                             "before_main_block", "inside_body", "indent_flag", "headline_candidate",
                                             "script_gap", "log_chars")]
                       + [_DENSE[f"{side}_{_OWN[0]}"] for side, _ in _NEIGHBOURS]
                       + [_DENSE[x] for x in ("len_bin0", "ends_sent", "bullet")])
_OWN_SRC = np.array(_cols(("bullet", "kw_navigation", "sent_end", "kw_gambling", "kw_adult", "kw_spam", "date", "time")))
_NEIGHBOUR_COLUMNS = [(shift, _dense_slice(f"{side}_{_OWN[0]}", len(_OWN))) for side, shift in _NEIGHBOURS]
HEADLINE_WINDOW = 6  # paragraphs before the main block searched for its headline
_HEADLINE_SRC = np.array(_cols(("chars", "bullet", "date", "time", "ends_sent", "cjk", "sep")))


def _headlines(stats: np.ndarray, b0: list[int], pages: _Pages) -> list[int]:
    """Each page's likeliest headline: the longest plain line (no bullet, date or sentence
    end, at least 6 characters, mostly CJK) among the HEADLINE_WINDOW paragraphs before its
    main block; the first of equals. A handful of rows per page: plain Python on exact counts."""
    windows = [(max(b - HEADLINE_WINDOW, f), b) for f, b in zip(pages.first, b0) if b > f]
    rows = [i for lo, b in windows for i in range(lo, b)]
    if not rows:
        return []
    values = iter(stats.take(rows, axis=0)[:, _HEADLINE_SRC].tolist())
    heads = []
    for lo, b in windows:
        best, best_chars = -1, -1.0
        for i in range(lo, b):
            chars, bullet, date, time, ends_sent, cjk, sep = next(values)
            plain = (chars >= 6 and bullet == 0 and date + time == 0 and ends_sent == 0 and cjk >= 0.5 * chars
                     and sep <= 1)
            if plain and chars > best_chars:
                best, best_chars = i, chars
        if best >= 0:
            heads.append(best)
    return heads
