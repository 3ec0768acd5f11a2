"""Keyword lexicons by category, matched with Aho-Corasick over folded page text.

The hand-written lists live in ``lexicons/<name>.txt``; each list feeds one feature category
(`LEXICON_CATEGORY`), so the model's keyword columns stay ``kw_<category>``. The spam lists
also carry a finer *kind* (`SPAM_KINDS`): ``betting`` (casino and sports-betting brands and
their come-ons) and ``lottery`` (Mark Six tip-site and fast-lottery jargon) both count as
``gambling``, ``adult`` as ``adult``, ``seo`` (keyword-stuffing and doorway strings) as
``spam``. `spam_kind_hits` tells which kinds of spam terms a text holds, for page verdicts.
The ``*_context`` lists hold words too ambiguous alone to name spam (在线观看, 少妇, 平特,
登录入口, 365体育's folded form 000体育 which years share): they add to the ``gambling`` and
``adult`` counts the model weighs in context, but are no kind and `spam_kind_hits` skips them.
A trained model adds mined keywords (``model.keywords``) and users may add their own
(``word<TAB>category`` files).
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

import ahocorasick_rs
import numpy as np

from .normalize import LUT_SIZE, fold

CATEGORIES = ("gambling", "adult", "spam", "navigation", "ad", "article")
# hand-written lists in lexicons/ and the feature category each feeds; mined keywords fill the rest
LEXICON_CATEGORY = {"betting": "gambling", "lottery": "gambling", "adult": "adult", "seo": "spam",
                    "gambling_context": "gambling", "adult_context": "adult",
                    "navigation": "navigation", "ad": "ad"}
LEXICON_FILES = tuple(LEXICON_CATEGORY)
SPAM_KINDS = ("betting", "lottery", "adult", "seo")  # the spam lists, each its own kind
# *_context lists: words too ambiguous alone to be a spam kind; they only add to the counts


def _read_list(text: str) -> list[str]:
    return [w.strip() for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#")]


@lru_cache(maxsize=None)
def lexicon_list(name: str) -> tuple[str, ...]:
    """The entries of the hand-written list ``lexicons/<name>.txt``, as written."""
    base = resources.files("classifier") / "lexicons"
    return tuple(_read_list((base / f"{name}.txt").read_text("utf-8")))


@lru_cache(maxsize=1)
def builtin_keywords() -> tuple[tuple[str, str], ...]:
    """(word, category) pairs of the hand-written lexicons shipped with the package."""
    return tuple((w, LEXICON_CATEGORY[name]) for name in LEXICON_FILES for w in lexicon_list(name))


class KindMatcher:
    """Finds the terms of the spam lists by kind in a text: per kind, the leftmost-longest
    non-overlapping matches on the folded text (so ``澳门新葡京`` is one hit, not three).
    Folding keeps a text's length, so the spans index the original text."""

    def __init__(self, terms: dict[str, Iterable[str]]):
        self.kinds = tuple(terms)
        self._entries: dict[str, list[str]] = {}
        self._automata = {}
        for kind, words in terms.items():
            entries = list(dict.fromkeys(k for k in (fold(w) for w in words) if k.strip()))
            self._entries[kind] = entries
            self._automata[kind] = ahocorasick_rs.AhoCorasick(
                entries, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST) if entries else None

    def spans(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, kind, folded lexicon entry) of every hit, by start then kind order."""
        folded = fold(text)
        out = []
        for kind in self.kinds:
            ac = self._automata[kind]
            if ac is not None:
                entries = self._entries[kind]
                out.extend((s, e, kind, entries[i]) for i, s, e in ac.find_matches_as_indexes(folded))
        out.sort(key=lambda h: (h[0], self.kinds.index(h[2])))
        return out

    def holds(self, text: str) -> bool:
        """Whether `text` holds a term of any kind."""
        folded = fold(text)
        return any(ac is not None and ac.find_matches_as_indexes(folded) for ac in self._automata.values())

    def hits(self, text: str) -> dict[str, list[str]]:
        """kind -> the hit terms as the text writes them, in text order; only kinds with hits."""
        out: dict[str, list[str]] = {}
        for s, e, kind, _ in self.spans(text):
            out.setdefault(kind, []).append(text[s:e])
        return out


# Operators the lists do not know yet are still recognised by the shape of their names: a Latin
# name glued to a betting word ("koko体育", "ky棋牌", "ob真人", "xx电竞"), the form doorway sites
# inject into site names, headlines, sources and copyright lines, and a Chinese name + betting
# word followed by the doorway's own search words ("乐动体育网页版登录", "某某娱乐官网入口":
# the name is "乐动体育"). Sports media ("CCTV体育", "PP体育", "腾讯体育") are the exception.
# Measured by scripts/eval_lexicon.py's operator row: on cc100 train and dev every paragraph
# holding such a name is gold spam (25 of 25); none in the gold content of ../shared/data/dev.
_OPERATOR_WORDS = ("体育", "體育", "真人", "棋牌", "电竞", "電競", "娱乐", "娛樂")
_OPERATOR_RE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]{1,7})(?:体育|體育|真人|棋牌|电竞|電競)")
_OPERATOR_HAN_RE = re.compile(r"([\u4e00-\u9fff]{2,4}?)(体育|體育|娱乐|娛樂|棋牌|电竞|電競)(?:官网|官網|官方|app|APP|App)?"
                              r"(?:网页版|網頁版|入口|登录|登錄|登陆|登陸|网址|網址|注册|註冊)")
_MEDIA_HAN = frozenset("腾讯 騰訊 新浪 搜狐 网易 網易 央视 央視 咪咕 虎扑 虎撲 凤凰 鳳凰 人民 新华 新華 中国 中國 中央 五星 劲爆 勁爆 "
                       "风云 風雲 百度 懂球 直播 东方 東方 环球 環球 体坛 體壇 优酷 優酷 爱奇艺 愛奇藝 北京 上海 广东 廣東".split())
_MEDIA_NAMES = frozenset({"cctv", "cntv", "btv", "pp", "espn", "nba", "cba", "fifa", "tv", "bbc", "cnn", "cgtn",
                          "sina", "qq", "sohu", "ifeng", "hupu", "dongqiudi", "zhibo", "migu", "iqiyi", "youku",
                          "tvb", "now", "ftv", "cts", "ttv", "star", "fox", "sky", "dazn", "hk", "ea"})


_OPERATOR_WORD_RE = re.compile("|".join(_OPERATOR_WORDS))
_SEARCH_WORDS = ("网页版", "網頁版", "入口", "登录", "登錄", "登陆", "登陸", "网址", "網址", "注册", "註冊")  # `_OPERATOR_HAN_RE`'s
_LATIN_WORDS = frozenset(("体育", "體育", "真人", "棋牌", "电竞", "電競"))  # `_OPERATOR_RE`'s betting words
_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def operator_names(text: str, spans: Iterable[tuple[int, int]] | None = None) -> list[str]:
    """Names shaped like a betting operator's in `text` ("koko体育"), as written, in text order:
    the matches of `_OPERATOR_RE` and `_OPERATOR_HAN_RE`, looked for only where a betting word
    stands (`_OPERATOR_WORD_RE`, literal words; both patterns run over the whole page cost 17%
    of `clean`). Latin form: the whole run of ASCII letters and digits before the word, 2 to 8
    long, opening with a letter. Han form: `_OPERATOR_HAN_RE` tried 2 to 4 characters before a
    word followed by a search word, left to right, matches not overlapping (as its finditer
    would). Checked equal to both patterns' finditer on 500,000 random strings and every page
    of the dev, cc100 and labeled sets. `spans`: ranges (start, end) of `text`, not overlapping,
    that hold every betting word of it (`segmenter.betting_candidates` finds the paragraphs):
    only they are scanned for one, while the names around a word are read in the whole text."""
    latin, starts = [], set()
    found = (_OPERATOR_WORD_RE.finditer(text, lo, hi) for lo, hi in (spans or ((0, len(text)),)))
    for m in itertools.chain.from_iterable(found):
        at, w = m.start(), m.group()
        if w in _LATIN_WORDS:
            k = at
            while k > 0 and at - k <= 8 and text[k - 1] in _ASCII_ALNUM:
                k -= 1
            run = text[k:at]
            if 2 <= len(run) <= 8 and run[0].isalpha() and (k == 0 or text[k - 1] not in _ASCII_ALNUM) \
                    and run.lower() not in _MEDIA_NAMES:
                latin.append((k, run + w))
        after = text[at + 2:at + 8]  # the Han form needs a search word within 6 characters after the word
        if any(x in after for x in _SEARCH_WORDS):
            starts.update(range(max(at - 4, 0), at - 1))
    han, end = [], 0
    for k in sorted(starts):
        if k >= end and (m := _OPERATOR_HAN_RE.match(text, k)):
            end = m.end()
            if not any(m.group(1).endswith(x) for x in _MEDIA_HAN):
                han.append((k, m.group(1) + m.group(2)))
    return [name for _, name in sorted(latin + han)]


def name_places(names: list[str], text: str, starts: list[int]) -> list[set[int]]:
    """For each of `names` (operator names, no blank in them), the paragraphs of `text` holding
    it, by their sorted start offsets `starts`: one automaton of all the names over the text (a
    search per name, or a test of each name in each paragraph, was quadratic on a page of
    thousands of distinct names)."""
    import bisect

    places: list[set[int]] = [set() for _ in names]
    for k, at, _ in ahocorasick_rs.AhoCorasick(names).find_matches_as_indexes(text, overlapping=True):
        if (i := bisect.bisect_right(starts, at) - 1) >= 0:
            places[k].add(i)
    return places


# Lines of keywords ("本文关键词：…") are spam when stuffed or branded, navigation when they are a
# site's own tags (LABELING.md rule 10): these seo-list terms are evidence, not a verdict.
_KEYWORD_LINE_TERMS = ("关键词", "關鍵詞", "关键字", "關鍵字")


@lru_cache(maxsize=1)
def sure_seo_terms() -> tuple[str, ...]:
    """The terms of the seo list that are strong evidence of spam on their own (`Model.forced_terms`,
    `segmenter.seo_evidence`): all but the names of keyword lines (ending in 关键词). On cc100
    train and dev every paragraph holding one is gold spam (scripts/eval_lexicon.py, seo row:
    17 of 17); none in ../shared/data/dev."""
    return tuple(t for t in lexicon_list("seo") if not t.endswith(_KEYWORD_LINE_TERMS))


@lru_cache(maxsize=1)
def sure_seo_matcher() -> KindMatcher:
    """A `KindMatcher` of `sure_seo_terms` (kind "seo")."""
    return KindMatcher({"seo": sure_seo_terms()})


@lru_cache(maxsize=1)
def spam_kind_matcher() -> KindMatcher:
    """The `KindMatcher` of the shipped spam lists (`SPAM_KINDS`)."""
    return KindMatcher({kind: lexicon_list(kind) for kind in SPAM_KINDS})


def spam_kind_hits(text: str) -> dict[str, list[str]]:
    """Which kinds of spam terms `text` holds: ``{kind: [term as written, ...]}`` for the kinds
    of `SPAM_KINDS` with at least one hit (leftmost-longest, non-overlapping, in text order).
    E.g. ``spam_kind_hits("必威体育app下载 六合彩特码")`` ->
    ``{"betting": ["必威体育"], "lottery": ["六合彩", "特码"]}``."""
    return spam_kind_matcher().hits(text)


@dataclass
class Matcher:
    """Finds keywords of every category in folded text (all overlapping matches), with the
    Rust Aho-Corasick automaton of ahocorasick_rs: measured 4x faster here than pyahocorasick
    on the dev pages, and its cost barely grows with the number of keywords.

    The automaton is a DFA over a small alphabet: every character of some keyword becomes
    two "digit" bytes (1..base, then 129..128 + base), every other character the bytes 0 0,
    through one lookup table (`alphabet`). Few byte classes keep the DFA small enough to
    stay in cache, which made it 3x faster on the dev pages than over the text itself; the
    encoding is one-to-one on keyword characters and no keyword contains a 0 byte, so the
    matches are exactly those in the text. First and second bytes never share a value, so
    no match starts inside a character (with the same digits for both, a match could start
    at an odd byte, straddling two characters, and had to be dropped: the automaton found
    17% more matches on the dev pages and took 12% longer)."""

    automaton: ahocorasick_rs.BytesAhoCorasick | None
    pattern_category: np.ndarray   # category index of each pattern
    categories: tuple[str, ...]    # a lexicon category, or "pattern:<name>" for layout patterns
    columns: tuple[str, ...]       # the feature statistic each category index counts into
    alphabet: np.ndarray           # (code points + 1, 2) uint8: a character's two bytes (last row: 0 0)

    def __post_init__(self):
        # The alphabet's rows as one uint16 each: a 1-D take of those is several times
        # faster than a take of rows, and its bytes are the same.
        self.keys = self.alphabet.view(np.uint16).reshape(-1)

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, str]]) -> "Matcher":
        cats: list[str] = list(CATEGORIES)
        seen: dict[tuple[str, int], None] = {}
        for word, cat in pairs:
            key = fold(word)  # not stripped: patterns such as "市 " end in a space
            if not key.strip():
                continue
            if cat not in cats:
                if not cat.startswith("pattern:"):
                    raise ValueError(f"unknown keyword category {cat!r}; use one of {', '.join(CATEGORIES)}")
                cats.append(cat)
            seen[(key, cats.index(cat))] = None
        patterns = [k for k, _ in seen]
        alphabet = _alphabet(sorted(set("".join(patterns))))
        automaton = ahocorasick_rs.BytesAhoCorasick(
            [alphabet[[ord(c) for c in p]].tobytes() for p in patterns], matchkind=ahocorasick_rs.MATCHKIND_STANDARD,
            implementation=ahocorasick_rs.Implementation.DFA) if patterns else None
        columns = tuple(c.split(":", 1)[1] if c.startswith("pattern:") else f"kw_{c}" for c in cats)
        return cls(automaton, np.array([c for _, c in seen], dtype=np.int64), tuple(cats), columns, alphabet)

    def find(self, folded: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Start offsets, end offsets and category indexes of every match in the folded text
        given as code points (see `normalize.fold_codes`)."""
        if self.automaton is None or not len(folded):
            return _NO_MATCHES
        found = self.matches(self.keys.take(folded, mode="clip"))  # past the table: no keyword's
        if not found:
            return _NO_MATCHES
        m = np.fromiter(itertools.chain.from_iterable(found), dtype=np.int64, count=3 * len(found)).reshape(-1, 3)
        return m[:, 1] // 2, m[:, 2] // 2, self.pattern_category[m[:, 0]]

    def matches(self, keys: np.ndarray) -> list[tuple[int, int, int]]:
        """The automaton's (pattern, start byte, end byte) matches in `keys`, the folded text's
        characters looked up in `self.keys` (uint16, two bytes each)."""
        if self.automaton is None or not len(keys):
            return []
        return self.automaton.find_matches_as_indexes(keys.view(np.uint8), overlapping=True)  # reads the buffer


def _alphabet(chars: list[str]) -> np.ndarray:
    """The two bytes of each code point for `Matcher`: the i-th of `chars` gets the digits of
    i in base ``ceil(sqrt(len(chars)))``, plus one and plus 129; every other code point 0 0."""
    base = max(math.isqrt(max(len(chars) - 1, 0)) + 1, 2)
    if base > 127:
        raise ValueError(f"keywords use {len(chars)} distinct characters; at most {127 * 127} are supported")
    table = np.zeros((max([LUT_SIZE] + [ord(c) + 1 for c in chars]) + 1, 2), dtype=np.uint8)
    ids = np.arange(len(chars))
    table[[ord(c) for c in chars]] = np.stack((ids // base + 1, ids % base + 129), axis=1)
    return table


_NO_MATCHES = (np.zeros(0, dtype=np.int64),) * 3
