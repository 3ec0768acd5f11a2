"""Mining class-indicative keywords from labeled paragraphs, and user keyword files.

`mine_keywords` segments paragraphs with jieba (on the folded text) and scores every word
for each label against the rest with the log-odds ratio with an informative Dirichlet
prior (Monroe, Colaresi & Quinn 2008). The strongest words become the model's keyword
table, matched at run time by Aho-Corasick: jieba runs only at training time, because it
is far slower than the rest of the pipeline (see scripts/bench_jieba.py).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from .errors import LabeledDataError
from .lexicon import CATEGORIES
from .normalize import fold

LABEL_CATEGORY = {"spam": "spam", "navigation": "navigation", "ad": "ad", "article": "article"}
MIN_COUNT = 4           # a word must occur in at least this many paragraphs of the label,
MIN_ZSCORE = 4.0        # be this strongly indicative,
MIN_PRECISION = 0.9     # and at least this share of its paragraphs must carry the label
PER_LABEL = {"spam": 400, "ad": 200, "navigation": 200, "article": 100}
_WORD_RE = re.compile(r"[\u4e00-\u9fff]{2,}|[a-z][a-z0]{2,}")


# jieba cuts a text in runs of these characters (its `re_han_default`), each run on its own;
# what lies between runs comes out as single characters or spaces, never a word kept here.
_RUN_RE = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")


def _words(texts: Sequence[str]) -> list[set[str]]:
    """The words of each text: jieba's cut (no HMM) of the folded text, filtered by `_WORD_RE`.
    Each distinct run is cut once: runs repeat across paragraphs (brands, menu items, stock
    phrases), and cutting a run alone gives what the cut of the whole text gives for it."""
    import jieba  # only training needs it

    jieba.setLogLevel(60)
    cut: dict[str, list[str]] = {}
    out = []
    for t in texts:
        words: set[str] = set()
        for run in _RUN_RE.findall(fold(t.strip())):
            got = cut.get(run)
            if got is None:
                got = cut[run] = [w for w in jieba.cut(run, HMM=False) if _WORD_RE.fullmatch(w)]
            words.update(got)
        out.append(words)
    return out


def log_odds(counts: dict[str, Counter], prior: Counter) -> dict[str, list[tuple[str, float, int]]]:
    """Per label: (word, z-score, count) sorted by z, label vs all other labels."""
    a0 = sum(prior.values())
    out = {}
    for label, c in counts.items():
        rest = Counter()
        for other, oc in counts.items():
            if other != label:
                rest.update(oc)
        n1, n2 = sum(c.values()), sum(rest.values())
        scored = []
        for w, y1 in c.items():
            if y1 < MIN_COUNT:
                continue
            y2, aw = rest.get(w, 0), prior[w]
            l1 = math.log((y1 + aw) / (n1 + a0 - y1 - aw))
            l2 = math.log((y2 + aw) / (n2 + a0 - y2 - aw))
            var = 1.0 / (y1 + aw) + 1.0 / (y2 + aw)
            scored.append((w, (l1 - l2) / math.sqrt(var), y1))
        scored.sort(key=lambda x: (-x[1], x[0]))
        out[label] = scored
    return out


def segment_words(texts: Iterable[str]) -> dict[str, set[str]]:
    """The words of each distinct text, for `mine_keywords`."""
    distinct = list(dict.fromkeys(texts))
    return dict(zip(distinct, _words(distinct)))


def mine_keywords(texts: Sequence[str], labels: Sequence[str], weights: Sequence[float] | None = None,
                  words: Mapping[str, set[str]] | None = None) -> list[tuple[str, str, float]]:
    """(word, category, z-score) for the strongest words of each label, deterministic.
    A paragraph counts `weights[i]` times (user labels given --weight count more).
    `words`: the words of each text, when already segmented (see `segment_words`)."""
    per_label: dict[str, Counter] = {lab: Counter() for lab in LABEL_CATEGORY}
    prior: Counter = Counter()
    weights = weights if weights is not None else [1.0] * len(texts)
    unique: dict[tuple[str, str], float] = {}  # menus repeat: segment each distinct text once
    for t, lab, w in zip(texts, labels, weights):
        unique[(t, lab)] = unique.get((t, lab), 0.0) + w
    keys = list(unique)
    distinct = [t for t, _ in keys]
    for found, (_, lab), w in zip(_words(distinct) if words is None else [words[t] for t in distinct], keys,
                                  unique.values()):
        counts = dict.fromkeys(found, w)
        per_label[lab].update(counts)
        prior.update(counts)
    scale = 0.01  # a weak prior: 1% of the corpus frequencies
    prior = Counter({w: c * scale + 0.01 for w, c in prior.items()})
    out = []
    for lab, scored in log_odds(per_label, prior).items():
        total = {w: sum(c.get(w, 0) for c in per_label.values()) for w, _, _ in scored}
        kept = [(w, z, y) for w, z, y in scored if z >= MIN_ZSCORE and y / total[w] >= MIN_PRECISION]
        for w, z, _ in kept[:PER_LABEL[lab]]:
            out.append((w, LABEL_CATEGORY[lab], round(z, 3)))
    return out


# Brands: distinctive strings of spam paragraphs (`mine_brands`), matched exactly at run time.
BRAND_MIN_CHARS, BRAND_MAX_CHARS = 3, 8
BRAND_MIN_ASCII = 4          # an all-ASCII brand ("bet000") needs this many characters
BRAND_MIN_PLACED = 2         # standing as a unit of its own in at least this many spam paragraphs,
BRAND_MIN_SUPPORT = 3        # found in at least this many distinct spam paragraphs,
BRAND_OTHER_SHARE = 0.05     # and in at most this share of that many non-spam paragraphs (0 below 20)
BRAND_COMMON_FREQ = 10       # a word of jieba's dictionary this frequent is a common word, not a brand
MAX_BRANDS = 2000
_BRAND_RE = re.compile(r"[\u4e00-\u9fffa-z0]{%d,%d}" % (BRAND_MIN_CHARS, BRAND_MAX_CHARS))
_UNIT_RE = re.compile(r"[\s•·●◆■▪*\-【\[「《]*([^\s:：|｜_>＞›»\-—–【】\[\]「」《》]+)(?:$|\s*[:：|｜_>＞›»\-—–】\]」》])")


# not brands: place names (county lists of SEO pages name real places) and chapter numbers
_NOT_BRAND_RE = re.compile(r".{1,6}[省市县区镇乡村]|第0+[章节回集期]")


def _units(text: str) -> set[str]:
    """The strings of a folded paragraph standing where a brand stands: its whole text (a site
    name: "翠鸟汇") or its first unit before a separator ("翠鸟汇:网 > 教育 > 正文", "• 翠鸟汇 |
    首存送彩金", "【翠鸟汇】"), when made of 3-8 Han characters, letters or digits."""
    m = _UNIT_RE.match(text)
    return {m.group(1)} if m and _BRAND_RE.fullmatch(m.group(1)) else set()


def _containing(patterns: list[str], texts: Sequence[str]) -> list[int]:
    """For each pattern, the number of `texts` that contain it (Aho-Corasick, one pass per text)."""
    import ahocorasick_rs

    counts = [0] * len(patterns)
    if not patterns:
        return counts
    ac = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MATCHKIND_STANDARD)
    for t in texts:
        for i in {m[0] for m in ac.find_matches_as_indexes(t, overlapping=True)}:
            counts[i] += 1
    return counts


# what an operator's name ends with; a phrase of common words without one is no brand
BRAND_SUFFIXES = ("娱乐", "娱乐城", "国际", "体育", "官网", "彩票", "电竞", "棋牌", "平台", "app", "网", "城", "会")


def _common_word(word: str) -> bool:
    """A common word (a frequent one, or any word of jieba's dictionary not named like an
    operator: 合作伙伴), or a phrase made of common words of two characters or more that does
    not end like an operator's name (开奖记录, 高手论坛: a tips site's sections; 盛世娱乐 stays)."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    freq = jieba.dt.FREQ
    if freq.get(word, 0) >= BRAND_COMMON_FREQ or freq.get(word, 0) and not word.endswith(BRAND_SUFFIXES):
        return True  # frequent, or a dictionary word (合作伙伴) not named like an operator
    parts = jieba.lcut(word, HMM=False)
    return (len(parts) > 1 and all(len(w) >= 2 and freq.get(w, 0) >= BRAND_COMMON_FREQ for w in parts)
            and not word.endswith(BRAND_SUFFIXES))


def mine_brands(texts: Sequence[str], labels: Sequence[str], exclude: Iterable[str] = ()) -> list[tuple[str, int]]:
    """(brand, support) of the distinctive strings of the spam paragraphs, most supported first.

    A brand is a string of 3-8 Han characters, letters or digits (folded: traditional script
    as simplified, digits as 0, lower case) that stands where a brand stands (`_units`: the
    whole text, a site name; or the first unit before a separator, "翠鸟汇:网 > 教育" or a
    "翠鸟汇:" headline prefix) in at least BRAND_MIN_PLACED distinct spam paragraphs, and is
    * found anywhere in at least BRAND_MIN_SUPPORT distinct spam paragraphs (its support),
    * found in no non-spam paragraph of the training data (at most BRAND_OTHER_SHARE of its
      support, from 20 on: a spam site's own copyright line is navigation),
    * maximal: no longer such string containing it has the same support (``翠鸟汇``, not
      ``鸟汇``),
    * not a common word (jieba's dictionary frequency below BRAND_COMMON_FREQ: ``翠鸟`` may
      stand alone as a brand's name but is a word, and real bird news must not become spam),
      nor one of `exclude` (the shipped lexicons, which name their terms already), nor all
      ASCII below BRAND_MIN_ASCII, nor a place name (SEO county lists name real places) or a
      chapter number.
    Deterministic: ties by the string."""
    spam = sorted({fold(t.strip()) for t, lab in zip(texts, labels) if lab == "spam"})
    other = sorted({fold(t.strip()) for t, lab in zip(texts, labels) if lab != "spam"} - set(spam))
    if not spam:
        return []
    placed: Counter = Counter()
    for t in spam:
        placed.update(_units(t))
    cands = sorted(w for w, c in placed.items() if c >= BRAND_MIN_PLACED)
    support = dict(zip(cands, _containing(cands, spam)))
    limit = {w: int(BRAND_OTHER_SHARE * n) if n >= 20 else 0 for w, n in support.items()}
    found = dict(zip(cands, _containing(cands, other)))
    kept = {w: n for w, n in support.items() if found[w] <= limit[w] and n >= BRAND_MIN_SUPPORT}
    excluded = {fold(w) for w in exclude}
    # One character longer suffices: a longer string with the same support makes each string
    # between them have that support too, and as few non-spam paragraphs, so it is kept too.
    extended = {v[:-1] for v, n in kept.items() if len(v) > BRAND_MIN_CHARS and kept.get(v[:-1]) == n}
    extended |= {v[1:] for v, n in kept.items() if len(v) > BRAND_MIN_CHARS and kept.get(v[1:]) == n}
    out = []
    for w, n in kept.items():
        if (w in excluded or w in extended or (w.isascii() and len(w) < BRAND_MIN_ASCII)
                or _NOT_BRAND_RE.fullmatch(w)):
            continue
        if _common_word(w):
            continue
        out.append((w, n))
    out.sort(key=lambda x: (-x[1], x[0]))
    return out[:MAX_BRANDS]


def read_keyword_file(path: str | Path) -> list[tuple[str, str]]:
    """A user keyword file: ``word<TAB>category`` lines, '#' comments; errors name file:line."""
    out = []
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LabeledDataError(f"{path}: cannot read keyword file ({exc}); it must be UTF-8 text") from None
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 2 or not parts[0].strip():
            raise LabeledDataError(f"{path}:{n}: expected 'word<TAB>category'")
        word, cat = parts[0].strip(), parts[1].strip()
        if cat not in CATEGORIES:
            raise LabeledDataError(f"{path}:{n}: unknown category {cat!r}; use one of {', '.join(CATEGORIES)}")
        out.append((word, cat))
    return out


def strongest(keywords: Iterable[tuple], per_category: int = 20) -> dict[str, list[tuple]]:
    by_cat: dict[str, list[tuple]] = {}
    for k in keywords:
        by_cat.setdefault(k[1], []).append(k)
    return {c: ks[:per_category] for c, ks in by_cat.items()}
