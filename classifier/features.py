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
}

STAT_NAMES = (("chars",) + CLASS_NAMES + ("ends_sent", "bullet", "indent", "tokens")
              + tuple(f"kw_{c}" for c in CATEGORIES) + tuple(PATTERNS))
_S = {name: i for i, name in enumerate(STAT_NAMES)}


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
    """Features of paragraphs ``first .. first+len(stats)-1`` of a page."""

    first: int
    stats: np.ndarray        # (n, len(STAT_NAMES)) float32 counts
    ngram_pid: np.ndarray    # paragraph index (within the batch) of each n-gram occurrence
    ngram_hash: np.ndarray   # hashed feature index
    ngram_val: np.ndarray    # weight of the occurrence
    ngram_pos: np.ndarray    # start offset in `joined`
    ngram_len: np.ndarray    # order
    joined: str              # the batch's stripped paragraphs joined by "\n"
    starts: np.ndarray       # offset of each paragraph in `joined`
    keywords: tuple          # (paragraph, start, end, category index) arrays of lexicon matches
    stripped: list           # the paragraphs' stripped text


def _hash(folded: np.ndarray, n: int) -> np.ndarray:
    k = np.full(len(folded) - n + 1, (0x9E3779B97F4A7C15 * n) & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    for i in range(n):
        k = (k ^ folded[i:len(folded) - n + 1 + i].astype(np.uint64)) * np.uint64(0x100000001B3)
    k ^= k >> np.uint64(29)
    k *= np.uint64(0xBF58476D1CE4E5B9)
    k ^= k >> np.uint64(32)
    return (k & np.uint64(N_HASH - 1)).astype(np.int32)


def _batch(first: int, texts: Sequence[str], matcher: Matcher) -> Batch:
    stripped = [t.strip() for t in texts]  # features ignore indentation; `indent` keeps it
    joined = "\n".join(stripped)
    lens = np.fromiter((len(s) for s in stripped), dtype=np.int64, count=len(stripped))
    starts = np.zeros(len(lens), dtype=np.int64)
    np.cumsum(lens[:-1] + 1, out=starts[1:])
    raw = codes_of(joined)
    folded = fold_codes(raw)
    folded_str = folded.tobytes().decode("utf-32-le", "surrogatepass")
    n = len(lens)
    pid = np.repeat(np.arange(n, dtype=np.int32), lens + 1)[:len(raw)]
    sep = np.zeros(len(raw), dtype=bool)
    ends = starts + lens
    sep[ends[ends < len(raw)]] = True  # the "\n" joiners

    stats = np.zeros((n, len(STAT_NAMES)), dtype=np.float32)
    stats[:, 0] = lens
    classes = class_table()[np.minimum(raw, LUT_SIZE - 1)]
    classes[sep] = 0
    for bit, name in enumerate(CLASS_NAMES):
        mask = (classes & (1 << bit)) != 0
        if mask.any():
            stats[:, _S[name]] = np.bincount(pid[mask], minlength=n)[:n]
    nonempty = lens > 0
    first_cls = classes[np.minimum(starts, max(len(raw) - 1, 0))] if len(raw) else np.zeros(n, np.uint16)
    last_cls = classes[np.maximum(ends - 1, 0)] if len(raw) else np.zeros(n, np.uint16)
    stats[:, _S["ends_sent"]] = nonempty & ((last_cls & SENT_END) != 0)
    stats[:, _S["bullet"]] = nonempty & ((first_cls & BULLET) != 0)
    stats[:, _S["indent"]] = np.fromiter((len(t) - len(t.lstrip()) for t in texts), dtype=np.float32, count=n)
    space = (classes & SPACE) != 0
    if len(raw) > 1:  # tokens = runs of non-space characters
        run_start = ~space & ~sep
        run_start[1:] &= space[:-1] | sep[:-1]
        stats[:, _S["tokens"]] = np.bincount(pid[run_start], minlength=n)[:n]

    kw_start, kw_end, kw_cat = (np.array(x, dtype=np.int64) for x in matcher.find(folded_str))
    if len(kw_start):
        inside = pid[kw_start] == pid[kw_end - 1]  # no match across paragraphs
        kw_start, kw_end, kw_cat = kw_start[inside], kw_end[inside], kw_cat[inside]
    kw_pid = pid[kw_start]
    if len(kw_start):
        columns = np.array([_S[c] for c in matcher.columns], dtype=np.int64)
        np.add.at(stats, (kw_pid, columns[kw_cat]), 1)
    keywords = (kw_pid, kw_start, kw_end, kw_cat)

    pids, hashes, poss, orders = [], [], [], []
    for order in NGRAM_ORDERS:
        if len(folded) < order:
            continue
        valid = ~sep[: len(sep) - order + 1]
        for i in range(1, order):
            valid &= ~sep[i: len(sep) - order + 1 + i]
        idx = np.flatnonzero(valid)
        pids.append(pid[idx])
        hashes.append(_hash(folded, order)[idx])
        poss.append(idx)
        orders.append(np.full(len(idx), order, dtype=np.int8))
    if pids:
        ngram_pid = np.concatenate(pids)
        count = np.bincount(ngram_pid, minlength=n).astype(np.float32)
        ngram_val = (1.0 / np.sqrt(np.maximum(count, 1.0)))[ngram_pid]
        batch_ngrams = (ngram_pid, np.concatenate(hashes), ngram_val, np.concatenate(poss), np.concatenate(orders))
    else:
        e = np.zeros(0, dtype=np.int32)
        batch_ngrams = (e, e, e.astype(np.float32), e.astype(np.int64), e.astype(np.int8))
    return Batch(first, stats, *batch_ngrams, joined, starts, keywords, stripped)


def batches(texts: Sequence[str], matcher: Matcher) -> Iterator[Batch]:
    """Features of `texts` (a page's paragraphs in order), `BATCH_CHARS` at a time."""
    first, size = 0, 0
    for i, t in enumerate(texts):
        size += len(t) + 1
        if size >= BATCH_CHARS:
            yield _batch(first, texts[first:i + 1], matcher)
            first, size = i + 1, 0
    if first < len(texts) or not texts:
        yield _batch(first, texts[first:], matcher)


# ---------------------------------------------------------------- page context

LEN_BINS = np.array([2, 5, 10, 20, 40, 80, 160], dtype=np.float32)
PROSE_MIN_CHARS = 40
CONTEXT_CAP = 30.0


def _log(x):
    return np.log1p(np.maximum(x, 0)).astype(np.float32)


def _layout(stats: np.ndarray) -> dict[str, np.ndarray]:
    s = {name: stats[:, i] for i, name in enumerate(STAT_NAMES)}
    n = np.maximum(s["chars"], 1.0)
    f: dict[str, np.ndarray] = {"log_chars": _log(s["chars"]) / 5}
    bins = np.digitize(s["chars"], LEN_BINS, right=True)
    for b in range(len(LEN_BINS) + 1):
        f[f"len_bin{b}"] = (bins == b).astype(np.float32)
    for name in ("cjk", "digit", "latin", "space", "punct", "sep", "bad"):
        f[f"{name}_ratio"] = s[name] / n
    for name in ("sent_end", "comma", "sep", "quote"):
        f[f"{name}_log"] = _log(s[name])
        f[f"{name}_density"] = np.minimum(s[name] / n * 20, 3)
    f["ends_sent"] = s["ends_sent"]
    f["bullet"] = s["bullet"]
    f["indent"] = (s["indent"] > 0).astype(np.float32)
    f["indent_log"] = _log(s["indent"])
    f["tokens_log"] = _log(s["tokens"])
    f["token_chars_log"] = _log(s["chars"] / np.maximum(s["tokens"], 1))
    for c in CATEGORIES:
        f[f"kw_{c}"] = _log(s[f"kw_{c}"])
        f[f"kw_{c}_density"] = np.minimum(s[f"kw_{c}"] / n * 10, 3)
    for p in PATTERNS:
        f[p] = _log(s[p])
    return f


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


def _distance_to(mask: np.ndarray, n: int) -> np.ndarray:
    """Distance in paragraphs from each paragraph to the nearest True of `mask`."""
    where = np.flatnonzero(mask)
    if not len(where):
        return np.full(n, CONTEXT_CAP)
    idx = np.arange(n)
    k = np.clip(np.searchsorted(where, idx), 0, len(where) - 1)
    k0 = np.clip(k - 1, 0, len(where) - 1)
    return np.minimum(np.abs(where[k] - idx), np.abs(where[k0] - idx)).astype(np.float64)


def dense_features(stats: np.ndarray, folded_texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """The dense feature matrix of a page from its paragraph `stats`, and the column names."""
    n = len(stats)
    f = _layout(stats)
    s = {name: stats[:, i] for i, name in enumerate(STAT_NAMES)}
    idx = np.arange(n, dtype=np.float32)
    f["rel_pos"] = idx / max(n - 1, 1)
    f["pos_log"] = _log(idx) / 5
    f["pos_from_end_log"] = _log(n - 1 - idx) / 5
    counts: dict[str, int] = {}
    for t in folded_texts:
        counts[t] = counts.get(t, 0) + 1
    f["repeated_log"] = _log(np.fromiter((counts[t] - 1 for t in folded_texts), dtype=np.float32, count=n))

    prose = (s["chars"] >= PROSE_MIN_CHARS) & (s["sent_end"] + s["comma"] >= 2) & (s["cjk"] >= 0.5 * s["chars"])
    where = np.flatnonzero(prose)
    if len(where):
        nxt_i = np.searchsorted(where, np.arange(n), side="left")
        nxt = np.where(nxt_i < len(where), where[np.minimum(nxt_i, len(where) - 1)] - np.arange(n), CONTEXT_CAP)
        prv_i = np.searchsorted(where, np.arange(n), side="right") - 1
        prv = np.where(prv_i >= 0, np.arange(n) - where[np.maximum(prv_i, 0)], CONTEXT_CAP)
        inside = (np.arange(n) >= where[0]) & (np.arange(n) <= where[-1])
    else:
        nxt = prv = np.full(n, CONTEXT_CAP)
        inside = np.zeros(n, dtype=bool)
    f["prose"] = prose.astype(np.float32)
    # Page-relative size: real pages differ in how long their paragraphs run.
    chars = s["chars"]
    f["rel_len_log"] = _log(chars) - _log(np.full(n, chars.max() if n else 0.0))
    f["rel_len_rank"] = (np.argsort(np.argsort(chars, kind="stable"), kind="stable") / max(n - 1, 1)).astype(np.float32)
    block = main_block(prose, chars)
    f["in_main_block"] = block.astype(np.float32)
    dist_block = _distance_to(block, n)
    f["dist_main_block"] = _log(np.minimum(dist_block, CONTEXT_CAP))
    f["after_main_block"] = ((np.arange(n) > (np.flatnonzero(block)[-1] if block.any() else n)) ).astype(np.float32)
    f["before_main_block"] = ((np.arange(n) < (np.flatnonzero(block)[0] if block.any() else -1))).astype(np.float32)
    f["dist_next_prose"] = _log(np.minimum(nxt, CONTEXT_CAP))
    f["dist_prev_prose"] = _log(np.minimum(prv, CONTEXT_CAP))
    f["inside_body"] = inside.astype(np.float32)
    f["page_prose_log"] = np.full(n, _log(len(where)), dtype=np.float32)
    spam_kw = ((s["kw_gambling"] + s["kw_adult"] + s["kw_spam"]) > 0).astype(np.float32)
    nav_kw = (s["kw_navigation"] > 0).astype(np.float32)
    own = {"prose": prose.astype(np.float32), "log_chars": f["log_chars"], "bullet": s["bullet"],
           "spam_kw": spam_kw, "nav_kw": nav_kw, "sent": (s["sent_end"] > 0).astype(np.float32),
           "short": (s["chars"] <= 12).astype(np.float32)}
    for side, shift in (("prev", 1), ("next", -1), ("prev2", 2), ("next2", -2)):
        for name, col in own.items():
            shifted = np.zeros(n, dtype=np.float32)
            if shift > 0:
                shifted[shift:] = col[:-shift] if n > shift else shifted[shift:]
            else:
                shifted[:shift] = col[-shift:] if n > -shift else shifted[:shift]
            f[f"{side}_{name}"] = shifted
    names = list(f)
    return np.column_stack([f[k] for k in names]).astype(np.float32) if n else np.zeros((0, len(names)), np.float32), names
