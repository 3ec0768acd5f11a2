"""Sequence decisions: an HMM over the paragraph labels, decoded with Viterbi.

Emissions are the classifier's calibrated probabilities turned into scaled likelihoods
(``log p(label|paragraph) - log p(label)``); transitions and start probabilities are
learned from the labeled pages by `train`. Because confident paragraphs are never moved by
their neighbours in practice, decoding runs only over windows of uncertain paragraphs
(top probability below `CONFIDENT`), each bounded by a confident anchor on either side
whose label is fixed. That keeps the cost proportional to the uncertain part of a page.
Spam is never moved (LABELING.md: spam wins): a paragraph the classifier calls spam keeps
that label, and no other paragraph is decoded into spam.

After decoding, page rules that the paragraph model cannot see run in the order of one
table, `PAGE_RULES` (name, function, the note each changed paragraph gets in its reason):
`unsupported_spam` (spam with no lexical evidence takes its next label), the opt-in `rescue_empty`, unreadable paragraphs, `numbered_lists`, `cut_at_related_heading`,
`marked_teasers_and_ads`, `thread_replies`, `drop_trailing_blocks` (not on threads),
`code_blocks`, `enclosed_prose`, `list_sections`, `original_titles`, `title_headline`, `dateline_headlines`, `contact_lines`,
`official_lottery_menus`, `keyword_lists` (sure keyword stuffing), `keyword_variants`, `novel_doorway`,
`operator_lines` (names shaped like a betting operator's), `spam_lists`, `propagate_spam`, and the spam-lexicon
rules of `verdict`: `spread_terms` (an injected brand) and `site_offering` (whole spam sites).
"""
from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, NamedTuple, Sequence

import numpy as np

from . import kernels
from .model import AD, ARTICLE, NAVIGATION, SPAM
from .lexicon import name_places, operator_names, sure_seo_matcher
from .normalize import LUT_SIZE, char_set_table, codes_of, space_codes
from .verdict import SITE_NAMES, site_offering, spread_terms

ARTICLE_CONFIDENT = 0.7  # an article paragraph this sure is an anchor too (headlines between chrome)
CONFIDENT = 0.85         # paragraphs at least this sure anchor the decoding
TRANSITION_WEIGHT = 1.25  # scales the log transition probabilities against the emissions: 2-fold CV on the
# cc100 train pages (scripts/cv_cc100.py) ad F1 0.147 at 1.5, 0.204 at 1.25, 0.259 at 1.0; already clean
# articles kept (scripts/eval_clean_article.py) 0.952, 0.951, 0.949: 1.25 keeps that floor (0.95)


@dataclass(frozen=True)
class Segmentation:
    labels: np.ndarray   # (n,) final label index per paragraph
    changed: np.ndarray  # (n,) bool: the segmenter overrode the classifier's top label


def _as_list(values) -> list:
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


def _viterbi_windows(emit: np.ndarray, lo, hi, first, last, trans: np.ndarray, start: np.ndarray,
                     begins=None) -> np.ndarray:
    """Best label path of every window at once (numpy, lock-step over positions).

    Window w covers paragraphs lo[w]..hi[w]; `first[w]` / `last[w]` (-1: free) fix the labels
    of its anchors; the page start probabilities apply to a window that begins a page
    (`begins`; by default the one with ``lo == 0``). The window arguments are sequences of
    ints (lists or arrays).
    Returns the label of every covered paragraph, windows concatenated in order.

    Layout: windows are ranked longest first, so the windows still running at step t are
    ranks ``0 .. active[t]-1``, and their rows for step t are stored together, at
    ``base[t] + rank`` ("time-major"). Each step then reads its emissions and writes its back
    pointers as contiguous slices, and memory stays proportional to the covered paragraphs
    whatever the mix of window lengths. A page has a few dozen windows of a few paragraphs:
    this bookkeeping runs in plain Python, cheaper there than a numpy call per array."""
    k = emit.shape[1]
    lo, hi, first, last = _as_list(lo), _as_list(hi), _as_list(first), _as_list(last)
    begins = [a == 0 for a in lo] if begins is None else _as_list(begins)
    lengths = [b - a + 1 for a, b in zip(lo, hi)]
    order = sorted(range(len(lengths)), key=lengths.__getitem__, reverse=True)  # rank -> window (stable)
    width = lengths[order[0]]
    active = [0] * width  # windows longer than t, from the count of windows of each length
    for length in lengths:
        active[length - 1] += 1
    for t in range(width - 2, -1, -1):
        active[t] += active[t + 1]
    base = list(itertools.accumulate(active, initial=0))
    src = [0] * base[-1]  # the emission row of every time-major row
    for r, w in enumerate(order):
        for t in range(lengths[w]):
            src[base[t] + r] = lo[w] + t
    e = emit[src]
    starts = [r for r, w in enumerate(order) if begins[w]]  # windows that begin a page (first row: rank)
    if starts:
        e[starts] += start
    for anchor, at_end in ((first, False), (last, True)):
        fixed = [(base[lengths[w] - 1] + r if at_end else r, anchor[w]) for r, w in enumerate(order) if anchor[w] >= 0]
        if fixed:
            rows, labels = zip(*fixed)
            keep = e[rows, labels]
            e[rows, :] = -math.inf
            e[rows, labels] = keep
    back = np.zeros((len(src), k), dtype=np.int8)
    score = e[:active[0]].copy()
    for t in range(1, width):
        m, b = active[t], base[t]
        cand = score[:m, :, None] + trans  # cand[w, i, j]: the best path ending in i, then i -> j
        back[b:b + m] = cand.argmax(axis=1)
        np.add(cand.max(axis=1), e[b:b + m], out=score[:m])
    # Backtrack window by window in plain Python: a page has a few dozen covered paragraphs,
    # which costs less than a numpy call per step.
    offsets = list(itertools.accumulate(lengths, initial=0))  # where each window's path goes
    back_rows, path = back.tolist(), [0] * offsets[-1]
    for r, label in enumerate(score.argmax(axis=1).tolist()):
        w = order[r]
        at = offsets[w]
        path[at + lengths[w] - 1] = label
        for t in range(lengths[w] - 1, 0, -1):
            label = back_rows[base[t] + r][label]
            path[at + t - 1] = label
    return np.array(path, dtype=np.int64)


def segment(probs: np.ndarray, priors: np.ndarray, transitions: np.ndarray, start: np.ndarray,
            confident: float = CONFIDENT, weight: float = TRANSITION_WEIGHT,
            article_confident: float = ARTICLE_CONFIDENT, page_starts: np.ndarray | None = None) -> Segmentation:
    """Labels of the paragraphs of a page, or of several pages one after the other
    (`page_starts`: the index of each page's first paragraph; windows never cross pages).

    The windows (a few dozen per page) are found by `_kernels.decode_page`, else in plain
    Python from the uncertain paragraphs."""
    n = len(probs)
    if kernels.compiled is not None and n:
        return Segmentation(*kernels.compiled.decode_page(probs, _emissions(probs, priors), weight * transitions,
                                                          weight * start, confident, article_confident, page_starts))
    top = probs.argmax(axis=1) if n else np.zeros(0, dtype=np.int64)
    if n == 0:
        return Segmentation(top, np.zeros(0, dtype=bool))
    # Spam wins (LABELING.md rule 1): the segmenter neither demotes nor invents spam.
    is_spam = top == SPAM
    sure = (probs.max(axis=1) >= confident) | is_spam | (probs[:, ARTICLE] >= article_confident)
    labels = top.copy()
    unsure = (~sure).nonzero()[0].tolist()
    if unsure:
        # windows: maximal runs of unsure paragraphs of one page, widened by one anchor on each side
        if page_starts is None:
            page = [0] * len(unsure)
            page_lo, page_hi = [0], [n - 1]
        else:
            page = (page_starts.searchsorted(unsure, side="right") - 1).tolist()
            page_lo = page_starts.tolist()
            page_hi = [p - 1 for p in page_lo[1:]] + [n - 1]
        top_of = top.tolist()
        lo, hi, first, last, begins = [], [], [], [], []
        i = 0
        while i < len(unsure):
            j = i
            while j + 1 < len(unsure) and unsure[j + 1] == unsure[j] + 1 and page[j + 1] == page[j]:
                j += 1
            run_lo, run_hi, p = unsure[i], unsure[j], page[i]
            a, b = max(run_lo - 1, page_lo[p]), min(run_hi + 1, page_hi[p])
            lo.append(a)
            hi.append(b)
            first.append(top_of[a] if a < run_lo else -1)
            last.append(top_of[b] if b > run_hi else -1)
            begins.append(a == page_lo[p])
            i = j + 1
        emit = _emissions(probs, priors)
        emit[~is_spam, SPAM] = -math.inf
        covered = [i for a, b in zip(lo, hi) for i in range(a, b + 1)]
        labels[covered] = _viterbi_windows(emit, lo, hi, first, last, weight * transitions, weight * start, begins)
    return Segmentation(labels, labels != top)


def _emissions(probs: np.ndarray, priors: np.ndarray) -> np.ndarray:
    """Scaled likelihoods: log p(label|paragraph) - log p(label)."""
    return np.log(np.maximum(probs, 1e-9)) - np.log(np.maximum(priors, 1e-9))


BRAND_MAX_CHARS = 12   # only short paragraphs (a site name, a channel) inherit spam from their text
BRAND_MIN_HITS = 2     # ... when that text occurs in at least this many spam paragraphs


_BRAND_PREFIX_RE = re.compile(r"[\s•·\-*]*([^\s:：>|_]{2,%d})[:：]" % BRAND_MAX_CHARS)
_BRAND_NAME_RE = re.compile(r"[^\s:：>|_,，。、]+")  # one name: no space, separator or punctuation


def _brand_prefixed(texts: list[str], labels: np.ndarray, spam: list[str]) -> list[int]:
    """Paragraphs that open with a brand prefix ("琉璃湾:") that opens a spam paragraph of the
    page too ("琉璃湾:网 > 社会 > 正文"), or is the whole text of a short spam paragraph (the
    site name "琉璃湾" above "琉璃湾:多地出台…"), and occurs in no other article paragraph: the
    injection pattern of seed 000, where the brand prefixes the breadcrumb, the headline and the
    list items alike. Labels them spam in place."""
    prefixes = {m.group(1) for m in map(_BRAND_PREFIX_RE.match, spam) if m}
    # a spam paragraph that is a bare name ("翠鸟汇", the site name) prefixes headlines too
    prefixes |= {t for t in map(str.strip, spam) if 2 <= len(t) <= BRAND_MAX_CHARS and _BRAND_NAME_RE.fullmatch(t)}
    if not prefixes:
        return []
    article = (labels == ARTICLE).nonzero()[0].tolist()
    out = []
    for i in (labels != SPAM).nonzero()[0].tolist():
        m = (":" in texts[i] or "：" in texts[i]) and _BRAND_PREFIX_RE.match(texts[i])
        if m and m.group(1) in prefixes and not any(m.group(1) in texts[j] for j in article if j != i):
            out.append(i)
    labels[out] = SPAM
    return out


def propagate_spam(texts: Sequence[str], labels: np.ndarray, lengths: np.ndarray | None = None) -> list[int]:
    """Indexes of paragraphs made spam by an injected brand, labeled in place: those that open
    with the brand prefix of a spam paragraph (`_brand_prefixed`), and short paragraphs whose
    whole text is a brand: it occurs inside at least BRAND_MIN_HITS spam paragraphs of the page
    and in no article paragraph (seed 000: the bare site name "必威体育" above
    "必威体育:网 > 新闻中心"). `lengths` (the paragraphs' stripped lengths, see
    `page_candidates`) may limit the paragraphs read for the second test."""
    spam = [texts[i] for i in (labels == SPAM).nonzero()[0].tolist()]
    out = _brand_prefixed(texts, labels, spam)
    if len(spam) < BRAND_MIN_HITS:
        return out
    article = (labels == ARTICLE).nonzero()[0].tolist()
    others = labels != SPAM
    if lengths is not None:
        others &= (lengths >= 2) & (lengths <= BRAND_MAX_CHARS)
    others = others.nonzero()[0].tolist()
    where: dict[str, list[int]] = {}  # each distinct short text: its paragraphs
    for i, t in zip(others, map(str.strip, map(texts.__getitem__, others))):
        if 2 <= len(t) <= BRAND_MAX_CHARS:
            where.setdefault(t, []).append(i)
    # A text inside some spam paragraph is inside their concatenation: one C-level search per
    # distinct short text rules out almost all of them before the exact count (the separator
    # only adds false candidates, which the count then rejects).
    joined = "\n".join(spam)
    brands = [i for t in filter(joined.__contains__, where) if sum(t in s for s in spam) >= BRAND_MIN_HITS
              for i in where[t] if not any(t in texts[j] for j in article if j != i)]
    out += sorted(brands)
    labels[out] = SPAM
    return out


# A heading that opens a list of related items ("相关新闻", "猜你喜欢", "你可能還想看").
_RELATED_HEADING_RE = re.compile(
    r"\s*[•·]?\s*(?:相[关關](?:新[闻聞]|[阅閱][读讀]|文章|推荐|推薦|资讯|資訊|[报報]道|内容)|推[荐薦](?:[阅閱][读讀]|文章|内容)"
    r"|延伸[阅閱][读讀]|猜你喜[欢歡]|你可能(?:[还還])?(?:想看|喜[欢歡]|感[兴興]趣)|大家都在看|[热熱][门門]推[荐薦]|精彩推[荐薦]"
    r"|更多精彩|其他人[也還还]在看|[为為]你推[荐薦]|[热熱][门門]文章)\s*[:：]?\s*")
RELATED_HEADING_CHARS = 16   # longer paragraphs are not taken for such a heading
RELATED_MIN_ARTICLE = 100    # characters of article the heading must follow (not a sidebar above it)
RELATED_SECTION_CHARS = 60   # an article paragraph this long right after the heading: a section of the text
RELATED_LEADS = "相推延猜你大热熱精更其为為"  # every heading holds one (`holding`): the first characters of the words


def cut_at_related_heading(text_of: Callable[[int], str], labels: np.ndarray, sizes: np.ndarray,
                           leads: np.ndarray | None = None) -> tuple[int, list[int]]:
    """The first related-list heading that follows RELATED_MIN_ARTICLE characters of article
    and is followed by a list, and the article paragraphs after it, relabeled navigation in
    place (the teasers of the list). (-1, []) when none. A heading whose next two paragraphs
    hold an article paragraph of RELATED_SECTION_CHARS opens a section of the text (a
    newspaper's "相关新闻" with its own report: a title, then prose) and is left alone; short
    headlines after it are the list's. `leads` (bool per paragraph: holds one of RELATED_LEADS)
    may limit the paragraphs tested."""
    article = labels == ARTICLE
    short = ~article & (sizes <= RELATED_HEADING_CHARS)
    if leads is not None:
        short &= leads
    prose = article & (sizes >= RELATED_SECTION_CHARS)
    for i in short.nonzero()[0].tolist():  # the heading first (a few per page), then its place
        if _RELATED_HEADING_RE.fullmatch(text_of(i)) and not prose[i + 1:i + 3].any() \
                and sizes[:i][article[:i]].sum() >= RELATED_MIN_ARTICLE:
            after = (article[i + 1:]).nonzero()[0] + i + 1
            labels[after] = NAVIGATION
            return i, after.tolist()
    return -1, []


# A numbered list inside the text ("1、上海东方明珠", then its price and phone lines, "2、…").
_ITEM_RE = re.compile(r"\s*(\d{1,3})\s*[、．.)）](?!\d)\s*\S")
ITEM_MARKS = "、．.)）"  # an item holds one of these (`holding`)
_DATE_LINE_RE = re.compile(r"\s*(?:\S{0,12}\s)?(?:\d{2,4}[-/.年])?\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*")
LIST_MIN_ITEMS = 3


def numbered_lists(text_of: Callable[[int], str], labels: np.ndarray, marked: np.ndarray | None = None) -> list[int]:
    """The navigation paragraphs of numbered lists in the text, relabeled article in place.
    A list is a run of at least LIST_MIN_ITEMS paragraphs opening with 1, 2, 3, … ("1、",
    "2.", "3)"; one number may be missing) whose first item is article or follows article
    within three paragraphs, and whose items span several lines each (an item and its
    details: a price, a phone number, a note); the last item gets the median item's length. Lists of one-line items are left
    to the classifier (steps are article already; ranking lists are navigation), and a
    list whose lines hold a date alone is a list of links with their dates. `marked` (bool
    per paragraph: opens with a digit and holds one of ITEM_MARKS, see `page_candidates`)
    may limit the paragraphs tested."""
    tested = range(len(labels)) if marked is None else marked.nonzero()[0].tolist()
    items = [(i, int(m.group(1))) for i in tested if (m := _ITEM_RE.match(text_of(i)))]
    out: list[int] = []
    k = 0
    while k < len(items):
        run = [items[k]]
        while k + len(run) < len(items) and 1 <= items[k + len(run)][1] - run[-1][1] <= 2:  # a number may be skipped
            run.append(items[k + len(run)])
        k += len(run)
        first = run[0][0]
        if run[0][1] != 1 or len(run) < LIST_MIN_ITEMS or not (labels[max(first - 3, 0):first + 1] == ARTICLE).any():
            continue
        gaps = [b[0] - a[0] for a, b in zip(run, run[1:])]
        if max(gaps) == 1:
            continue
        span = range(first, min(run[-1][0] + int(np.median(gaps)), len(labels)))
        if any(_DATE_LINE_RE.fullmatch(text_of(i)) for i in span):
            continue
        out += [i for i in span if labels[i] == NAVIGATION]
    labels[out] = ARTICLE
    return out


# Marks a page puts on a teaser or an ad in a list: "…【详细】", "...阅读全文>>", "广告 ".
_MORE = r"(?:详细|详情|全文|阅读全文|查看全文|更多)"
_TEASER_END_RE = re.compile(rf"(?:(?:\.{{2,}}|…+)\s*[【\[]?\s*{_MORE}\s*[】\]]?|[【\[]\s*{_MORE}\s*[】\]])\s*(?:>>|»)?\s*$")
_AD_MARK_RE = re.compile(r"\s*(?:广告|赞助|Sponsored)(?:\s|[:：|])")


def marked_teasers_and_ads(text_of: Callable[[int], str], labels: np.ndarray,
                           candidates: np.ndarray | None = None) -> tuple[list[int], list[int]]:
    """Article paragraphs that carry a list's marks, relabeled in place: ending in a "more"
    link after an ellipsis or in brackets ("…【详细】": a teaser, navigation), or opening with
    an ad label ("广告 ": ad). `candidates` (bool per paragraph) may limit the paragraphs
    tested. Returns (indexes made navigation, indexes made ad)."""
    teasers, ads = [], []
    tested = labels == ARTICLE
    if candidates is not None:
        tested &= candidates
    for i in tested.nonzero()[0].tolist():
        text = text_of(i)
        if _TEASER_END_RE.search(text):
            teasers.append(i)
        elif _AD_MARK_RE.match(text):
            ads.append(i)
    labels[teasers] = NAVIGATION
    labels[ads] = AD
    return teasers, ads


_MARK_FIRST = "广赞S"           # `_AD_MARK_RE` opens with one
_MARK_LAST = "】]>»细情文多"     # `_TEASER_END_RE` ends with one


def marked_candidates(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Paragraphs whose first or last character may belong to a mark of
    `marked_teasers_and_ads` (an indented ad label or a mark followed by spaces is missed:
    most article paragraphs are indented, and testing them all cost 4% of `clean`)."""
    if not len(codes):
        return np.zeros(len(starts), dtype=bool)
    first, last = char_set_table(_MARK_FIRST), char_set_table(_MARK_LAST)
    return first.take(codes[starts], mode="clip") | last.take(codes[ends - 1], mode="clip")


# Trailing blocks: on a page that is mostly not article (a dump with its chrome: at least
# TAIL_GATE of its paragraphs), article paragraphs separated by at most TAIL_GAP others form
# a block; a block after the largest one holding less than TAIL_SHARE of its characters is
# a related list or a teaser, and becomes navigation.
TAIL_GATE = 0.7
TAIL_GAP = 1
TAIL_SHARE = 0.4
TAIL_TEXT_SENTENCES = 2
_SENTENCE_ENDS = "。！？!?”」』"
_TEXT_END_RE = re.compile(rf"[{_SENTENCE_ENDS}]\s*$")  # a sentence's end; not "…"


def drop_trailing_blocks(labels: np.ndarray, sizes: np.ndarray, text_of: Callable[[int], str] | None = None) -> list[int]:
    """Indexes of article paragraphs in small blocks after the page's main block (its
    largest by `sizes`, the paragraphs' character counts), relabeled navigation in place.
    A block with TAIL_TEXT_SENTENCES paragraphs that end a sentence (``text_of``; a teaser is
    cut short with "…") is more text: an afterword, answers below a question."""
    kept = (labels == ARTICLE).nonzero()[0]
    if len(labels) - len(kept) < TAIL_GATE * len(labels) or len(kept) < 2:
        return []
    breaks = (np.diff(kept) > TAIL_GAP + 1).nonzero()[0]
    if not len(breaks):  # one block: nothing after it
        return []
    firsts = np.concatenate(([0], breaks + 1))
    mass = np.add.reduceat(sizes[kept], firsts)
    main = int(mass.argmax())
    small = (mass < TAIL_SHARE * mass[main]) & (np.arange(len(mass)) > main)
    if not small.any():
        return []
    block = np.repeat(np.arange(len(mass)), np.diff(np.append(firsts, len(kept))))
    if text_of is not None:
        for b in small.nonzero()[0].tolist():
            ends = sum(1 for i in kept[block == b].tolist() if _TEXT_END_RE.search(text_of(i)))
            small[b] = ends < TAIL_TEXT_SENTENCES
    out = kept[small[block]]
    labels[out] = NAVIGATION
    return out.tolist()


def char_counts(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray, chars: str) -> np.ndarray:
    """Each paragraph's count of the characters `chars` (one table lookup and one cumulative
    sum over the page's code points)."""
    if not len(codes):
        return np.zeros(len(starts), dtype=np.int64)
    total = np.concatenate(([0], char_set_table(chars).take(codes, mode="clip").cumsum()))
    return total[ends] - total[starts]


def holding(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray, chars: str) -> np.ndarray:
    """Paragraphs holding any of `chars`: the candidates a page rule then tests with its regex."""
    return char_counts(codes, starts, ends, chars) > 0


class Candidates(NamedTuple):
    """Per paragraph, whether a page rule tests it (bool arrays), and the counts rules read."""

    timed: np.ndarray       # `time_candidates`
    code: np.ndarray        # `maybe_code`
    items: np.ndarray       # opens with a digit and holds one of ITEM_MARKS (`numbered_lists`)
    leads: np.ndarray       # holds one of RELATED_LEADS (`cut_at_related_heading`)
    lengths: np.ndarray     # characters without the whitespace around them (`propagate_spam`)
    contact: np.ndarray     # holds one of CONTACT_LEADS (`contact_lines`)
    at: np.ndarray          # holds "@" (`contact_lines`: an e-mail address)
    betting: np.ndarray     # may hold a betting word (`betting_candidates`; `operator_lines`)
    digits: np.ndarray      # its count of ASCII digits (`contact_lines`)
    separators: np.ndarray  # its count of STUFFING_SEPARATORS (`keyword_lists`)
    decimals: np.ndarray    # its count of decimal digits, those of the regex \d (`contact_lines`)
    han: np.ndarray         # its count of Han characters, U+4E00-U+9FFF (`enclosed_prose`)
    original: np.ndarray    # holds 原 (`original_titles`)
    marked: np.ndarray      # `marked_candidates`


def page_candidates(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> Candidates:
    """The candidate masks and counts of the page rules: by `_kernels.rule_candidates` in one
    pass over the page, else by `time_candidates`, `maybe_code`, `holding`, `char_counts`,
    `betting_candidates` and `_visible_bounds`."""
    if kernels.compiled is not None and len(codes) and len(codes) < 1 << 20:
        masks, lengths, counts = kernels.compiled.rule_candidates(codes, starts, ends, _rule_classes())
        timed, code, items, leads, contact, at, betting, original, marked = masks.T
        return Candidates(timed, code, items, leads, lengths, contact, at, betting, *counts.T, original, marked)
    if not len(codes):
        none, zero = np.zeros(len(starts), dtype=bool), np.zeros(len(starts), dtype=np.int64)
        return Candidates(none, none, none, none, zero, none, none, none, zero, zero, zero, zero, none, none)
    bounds = first, last = _visible_bounds(codes, starts, ends)
    digit = char_set_table(_decimals()).take(codes[np.minimum(first, len(codes) - 1)], mode="clip") & (first < last)
    return Candidates(time_candidates(codes, starts, ends), maybe_code(codes, starts, ends, bounds),
                      holding(codes, starts, ends, ITEM_MARKS) & digit, holding(codes, starts, ends, RELATED_LEADS),
                      last - first, holding(codes, starts, ends, CONTACT_LEADS), holding(codes, starts, ends, "@"),
                      betting_candidates(codes, starts, ends), char_counts(codes, starts, ends, "0123456789"),
                      char_counts(codes, starts, ends, STUFFING_SEPARATORS), char_counts(codes, starts, ends, _decimals()),
                      char_counts(codes, starts, ends, _han()), holding(codes, starts, ends, "原"),
                      marked_candidates(codes, starts, ends))


def _page_candidates_of(texts) -> Candidates:
    """`page_candidates` of the paragraphs of a `_Texts`, for a rule called without them."""
    return page_candidates(codes_of(texts.text), np.asarray(texts.starts, dtype=np.int64),
                           np.asarray(texts.ends, dtype=np.int64))


@lru_cache(maxsize=1)
def _han() -> str:
    """The Han characters of `_HAN_RE` (U+4E00-U+9FFF)."""
    return "".join(map(chr, range(0x4E00, 0xA000)))


@lru_cache(maxsize=1)
def _betting_chars() -> tuple[str, str]:
    """The characters that open and that end a betting word of `lexicon.operator_names`."""
    from .lexicon import _OPERATOR_WORDS
    return "".join(w[0] for w in _OPERATOR_WORDS), "".join(w[-1] for w in _OPERATOR_WORDS)


def betting_candidates(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Paragraphs that may hold a betting word (`lexicon._OPERATOR_WORDS`, two characters): a
    character that may end one right after one that may open one, that one possibly the
    character before the paragraph. A page where none does has no operator name."""
    if len(codes) < 2:
        return np.zeros(len(starts), dtype=bool)
    opens, closes = (char_set_table(chars) for chars in _betting_chars())
    pairs = np.zeros(len(codes) + 1, dtype=np.int64)  # pairs[k + 1]: code k ends a pair
    np.cumsum(opens.take(codes[:-1], mode="clip") & closes.take(codes[1:], mode="clip"), out=pairs[2:])
    return pairs[ends] > pairs[starts]


@lru_cache(maxsize=1)
def _whitespace() -> str:
    """The characters of str.isspace, str.strip and the regex \\s."""
    return "".join(map(chr, space_codes().tolist()))


@lru_cache(maxsize=1)
def _decimals() -> str:
    """The characters of the regex \\d (str.isdecimal) below LUT_SIZE (there are none past it)."""
    return "".join(chr(c) for c in range(LUT_SIZE) if chr(c).isdecimal())


def _visible_bounds(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each paragraph's text without the whitespace around it starts and ends (equal
    for a blank paragraph)."""
    solid = (~char_set_table(_whitespace()).take(codes, mode="clip")).nonzero()[0]
    a, z = solid.searchsorted(starts), solid.searchsorted(ends)  # the paragraph's solid characters: a..z-1
    filled = z > a
    first = np.where(filled, solid[np.minimum(a, len(solid) - 1)] if len(solid) else 0, starts)
    last = np.where(filled, (solid[np.maximum(z - 1, 0)] if len(solid) else 0) + 1, starts)
    return first, last


@lru_cache(maxsize=1)
def _rule_classes() -> np.ndarray:
    """The character bits of `_kernels.rule_candidates` (uint32, one slot past the table)."""
    table = np.zeros(LUT_SIZE + 1, dtype=np.uint32)
    time, code = _time_classes(), _code_classes()
    table |= (time & 7).astype(np.uint32)                       # 1 digit, 2 time mark, 4 space within a line
    table |= ((time >> 3) & 1).astype(np.uint32) << 3           # 8 前
    table |= ((time >> 23) & 1).astype(np.uint32) << 4          # 16 刚
    table |= ((code & 0xFFFFF) > 0).astype(np.uint32) << 5      # 32 visible
    table |= (((code >> 20) & 0xFFFFF) > 0).astype(np.uint32) << 6  # 64 visible ASCII
    opens, closes = _betting_chars()
    for bit, chars in ((7, _CODE_MARKS), (8, ITEM_MARKS), (9, RELATED_LEADS), (10, _whitespace()), (11, _decimals()),
                       (12, _CODE_OPENERS), (13, STUFFING_SEPARATORS), (14, "@"), (15, CONTACT_LEADS), (16, opens),
                       (17, closes), (18, _han()), (19, _CODE_WORD_OPENERS), (20, _CODE_MARK_CHARS), (21, "原"),
                       (22, _MARK_FIRST), (23, _MARK_LAST)):
        table |= char_set_table(chars).astype(np.uint32) << bit
    return table


# Threads: a forum or comment page is a run of posts, each a header (author, time, floor)
# and a body. A header holds a time of day or a relative time, and either a post mark
# ("发表于", "发布 #3", "2楼", "来自…") or nothing else ("2021-01-01 10:34:38").
_SP = r"[ \t\u3000\xa0]*"  # spaces within a line: a time never spans two paragraphs
_SP1 = r"[ \t\u3000\xa0]?"  # at most one, between the hour and its mark (see `time_candidates`)
_DATE_TIME = (rf"(?:\d{{2,4}}{_SP}[-/.年]{_SP})?\d{{1,2}}{_SP}[-/.月]{_SP}\d{{1,2}}{_SP}日?(?:{_SP}星期[一二三四五六日天])?{_SP}"
              rf"\d{{1,2}}{_SP1}[:：点时]{_SP}\d{{1,2}}(?:{_SP}[:：分]{_SP}\d{{1,2}})?{_SP}[分秒]?")
_AGO = rf"(?:\d+{_SP}(?:秒|分钟|小时|天|周|个?月|年){_SP}前|刚刚|(?:昨天|前天|今天){_SP}\d{{1,2}}:\d{{2}})"
_TIME_RE = re.compile(rf"{_DATE_TIME}|{_AGO}")
_TIME_HINT_RE = re.compile(rf"\d{_SP1}[:：点时]|前|刚刚")  # a cheap test that every time passes
# A post mark: "发表于", "2楼", "楼主", "#3", "来自", "IP属地" ... (`_post_marked`). Two patterns whose
# alternatives each open with a fixed character, which lets the regex engine skip to the
# characters that may open a match instead of trying every alternative at every character (as
# the one pattern with "\d+\s*[楼樓]" among the words did).
_POST_WORD_RE = re.compile(r"发表于|發表於|发布于|發佈於|回复于|回覆於|评论于|楼主|樓主|沙发|板凳|地板|#\s*\d|来自|來自"
                           r"|IP\s*属地|只看该作者")
_POST_FLOOR_RE = re.compile(r"\d\s*[楼樓]")  # "2楼", "12 樓"
_BARE_TIME_RE = re.compile(rf"\s*(?:{_DATE_TIME}|{_AGO})(?:\s*(?:来自|來自)\s*\S{{0,10}})?(?:\s+\d+)?\s*")
# A post's action bar: every token an action ("回复 | 引用 | 举报", "点赞", "赞(18)", "2 个赞").
_ACTION_RE = re.compile(r"(?:回[复覆]|引用|[举舉检檢][报報舉举]|打[赏賞]|[转轉][发發]|点赞|[评評][论論]|收藏|分享|[编編][辑輯]|删除|支持|反[对對]|赞同?|[顶頂]|踩|管理"
                        r"|只看(?:该作者|TA|他|她|[楼樓]主)|返回(?:列表|[顶頂]部)|快速回[复覆]|添加[评評][论論]|收起回[复覆]|查看[对對][话話]"
                        r"|\d+个?赞|[\(（]?\d*[\)）]?)+")
_TOKEN_SPLIT_RE = re.compile(r"[\s|｜·•/]+")
_FOOTER_RE = re.compile(r"©|版[权權]所有|ICP|Powered|Copyright", re.I)
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
THREAD_MIN_HEADERS = 2   # post headers that make a page a thread
THREAD_MAX_BODY = 30     # paragraphs of one post's body
HEADER_CHARS = 80        # a post header is no longer (stripped) ...
HEADER_SPAN = 160        # ... nor, with its indentation, than this


def time_candidates(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Paragraphs that may hold a time (a superset of those `_TIME_RE` finds, from one table
    lookup and two cumulative sums over the page): a digit and then, past at most one space,
    one of ":：点时" (every date and time of day), or a digit and 前 ("3 天前"), or 刚.
    Counts are packed in 20 bits each: a longer text (the cleaner's page parts are shorter)
    has every paragraph tested."""
    if not len(codes):
        return np.zeros(len(starts), dtype=bool)
    if len(codes) >= 1 << 20:
        return np.ones(len(starts), dtype=bool)
    cls = _time_classes().take(codes, mode="clip")
    digit, mark = (cls & 1).astype(bool), (cls & 2).astype(bool)
    after = np.zeros(len(codes), dtype=bool)  # a digit right before, or before one space
    after[1:] = digit[:-1]
    after[2:] |= digit[:-2] & ((cls[1:-1] & 4) > 0)
    packed = np.concatenate(([0], ((mark & after) + ((cls >> 3) << 20)).cumsum()))
    counts = packed[ends] - packed[starts]
    pairs, ago, now = counts & 0xFFFFF, (counts >> 20) & 0xFFFFF, counts >> 40
    return (pairs > 0) | (now > 0) | ((ago > 0) & holding(codes, starts, ends, "0123456789"))


@lru_cache(maxsize=1)
def _time_classes() -> np.ndarray:
    """Per code point: 1 a digit, 2 a time mark (":：点时"), 4 a space within a line, and
    ``1 << 3`` for 前, ``1 << 23`` for 刚 (counted above the marks by `time_candidates`)."""
    table = np.zeros(LUT_SIZE + 1, dtype=np.int64)
    table[[ord(c) for c in "0123456789"]] |= 1
    table[[ord(c) for c in ":：点时"]] |= 2
    table[[ord(c) for c in " \t\u3000\xa0"]] |= 4
    table[ord("前")] |= 1 << 3
    table[ord("刚")] |= 1 << 23
    return table


def _post_marked(text: str) -> bool:
    """The text holds a post mark (`_POST_WORD_RE`, `_POST_FLOOR_RE`)."""
    return _POST_WORD_RE.search(text) is not None or _POST_FLOOR_RE.search(text) is not None


def post_header(text: str) -> bool:
    """A post's header line: short, with a time, and a post mark or nothing but the time."""
    s = text.strip()
    if len(s) > HEADER_CHARS or not _TIME_HINT_RE.search(s) or not _TIME_RE.search(s):
        return False
    return _post_marked(s) or bool(_BARE_TIME_RE.fullmatch(s))


def _texty(text: str) -> bool:
    """Words someone wrote (two Han characters, or three words), not a user name like "Yang7569"."""
    return len(_HAN_RE.findall(text)) >= 2 or len(text.split()) >= 3


def _post_chrome(text: str, label: int, first: bool = False, timed: bool = True) -> bool:
    """Where a post's body ends: ad or spam, a time, an action bar, counts, a bullet item, a
    footer line, or, after a body's first paragraph, member statistics (a quarter of the
    characters digits; a first line may be "报名：2人 尾号8842"). `timed` False: the text holds
    no time (`time_candidates`), which spares the time pattern, the costliest test."""
    s = text.strip()
    if label == AD or label == SPAM or not s or s[0] in "•·●" or (timed and _TIME_RE.search(s)) \
            or _FOOTER_RE.search(s):
        return True
    if all(_ACTION_RE.fullmatch(t) for t in _TOKEN_SPLIT_RE.split(s) if t):
        return True
    digits = sum(map(str.isdigit, s))
    return digits == len(s.replace(" ", "")) or (not first and 4 * digits >= len(s.replace(" ", "")))


def thread_replies(text_of: Callable[[int], str], labels: np.ndarray, probs: np.ndarray,
                   sizes: np.ndarray, timed: np.ndarray | None = None) -> tuple[bool, list[int]]:
    """On a thread, the posts' bodies are content (LABELING.md: forum posts are article):
    their navigation paragraphs become article, in place. A page is a thread when it has at
    least THREAD_MIN_HEADERS post headers (`post_header`) and less than half of its article
    characters come before the first marked one ("发表于", "2楼"): a news report with a
    comment widget below it is not a thread. Bodies follow their headers (author, time, then
    text) or, when the paragraphs before the headers read more like text, precede them (text,
    then time); a body ends at post chrome (`_post_chrome`) or the next header, and the last
    one, which has only the page's footer after it, is no longer than the median body. `timed` (bool
    per paragraph, see `time_candidates`) may limit the paragraphs tested for a header or a time.
    Returns (whether the page is a thread, the indexes made article)."""
    n = len(labels)
    tested = (labels != SPAM) if timed is None else (timed & (sizes <= HEADER_SPAN) & (labels != SPAM))
    tested = tested.nonzero()[0].tolist()
    if len(tested) < THREAD_MIN_HEADERS:  # each header is one of them
        return False, []
    # The marked header is at or after the first tested paragraph with a post mark: when even
    # that one has half of the article before it, the page is no thread (and most pages stop
    # here, before the costly time pattern).
    first_mark = next((i for i in tested if _post_marked(text_of(i))), None)
    if first_mark is None:
        return False, []
    article = np.where(labels == ARTICLE, sizes, 0)
    total = article.sum()
    if 2 * article[:first_mark].sum() > total:
        return False, []
    heads = [i for i in tested if post_header(text_of(i))]
    if len(heads) < THREAD_MIN_HEADERS:
        return False, []
    marked = next((h for h in heads if _post_marked(text_of(h))), None)
    if marked is None or 2 * article[:marked].sum() > total:
        return False, []

    may_time = (lambda i: True) if timed is None else timed.__getitem__

    @functools.cache  # (labels change only at the end)
    def text_at(i: int) -> bool:
        return 0 <= i < n and not _post_chrome(text_of(i), labels[i], True, may_time(i)) and _texty(text_of(i))
    after = sum(probs[h + 1, ARTICLE] for h in heads if text_at(h + 1))
    before = sum(probs[h - 1, ARTICLE] for h in heads if text_at(h - 1))
    out: list[int] = []
    if before > after:
        out = [h - 1 for h in heads if text_at(h - 1) and labels[h - 1] == NAVIGATION]
    else:
        bodies: list[int] = []
        for h, nxt in zip(heads, heads[1:] + [n]):
            j = h + 1
            while j < min(h + 3, nxt) and not text_at(j) and labels[j] not in (AD, SPAM) \
                    and not (may_time(j) and _TIME_RE.search(text_of(j))):
                j += 1  # an action bar or a bullet ("• 已编辑") between the header and the text
            if not text_at(j):
                continue
            cap = THREAD_MAX_BODY if nxt < n else (int(np.ceil(np.median(bodies))) if bodies else 1)
            k = j
            while k < min(nxt, j + cap) and not _post_chrome(text_of(k), labels[k], False, may_time(k)):
                k += 1
            out += [i for i in range(j, k) if labels[i] == NAVIGATION]
            if nxt < n:
                bodies.append(k - j)
    labels[out] = ARTICLE
    return True, out


CODE_MIN_RUN = 3        # code-like paragraphs in a row that make a code block
CODE_MAX_CHARS = 400    # longer paragraphs are not taken for a line of code
# Words that open a shell command or a line of code (the first word, lower-cased; a set
# lookup: an alternation of them under re.I cost 5 microseconds a line).
_CODE_WORDS = frozenset("""
    export set unset curl wget sudo apt apt-get yum npm npx yarn pip pip3 python python3 git docker podman
    kubectl cd ls cat echo source alias chmod chown mkdir rm cp mv ssh scp tar make cmake go cargo java javac
    mvn gradle node import from def class return public private protected static const let var function if
    else elif for while try catch package using #include select insert update delete create drop print
    println printf console.log systemctl service brew conda""".split())
_FIRST_WORD_RE = re.compile(r"\s*(?:\$\s*)?(#?[A-Za-z][\w.-]*)")
_CODE_MARK_RE = re.compile(r"[=;{}$\\]|::|->|&&|\|\||~/|(?:^|\s)//|\(\)|^\s*#|^\s*--?[A-Za-z]|</?[a-z]+>"
                           r"|[A-Za-z0-9_]\(|!?\[[^\]]*\]\(")
# Markdown source (a post shown as its source): a heading, a quote, a fence, or inline syntax.
_MARKDOWN_RE = re.compile(r"^(?:#{1,6}\s+\S|>(?:\s|$)|```)|\*\*[^*\n]+\*\*|`[^`\n]+`|\]\([^)\s]+\)|</?(?:p|li|ul|ol|div|blockquote|sup|br)\b")
_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")  # a bare address is a link, not code
# Scripts of the page itself (analytics, ads) that a naive HTML-to-text conversion kept.
_PAGE_SCRIPT_RE = re.compile(r"_hmt|gtag\(|dataLayer|googletag|adsbygoogle|google-analytics|cnzz|_czc"
                             r"|hm\.baidu|document\.write|getElementsByTagName\(['\"]script")
# A client-side template the page fills in its browser (mustache, handlebars, jsrender, art-template,
# jQuery tmpl, JS template strings): "{{:title}}", "{{# if(x){ }}", "{{/if}}", "${name}".
_TEMPLATE_TAG_RE = re.compile(r"\{\{.*?\}\}|\$\{\s*[A-Za-z_$][^}]*\}")


def code_like(text: str) -> bool:
    """A line of program code or shell: mostly ASCII, opening with a command or keyword or
    holding code punctuation; or a short comment line (``# 设置代理``). String methods first:
    this runs on every navigation and article line, and most fail the ASCII test."""
    s = text.strip()
    if not s or len(s) > CODE_MAX_CHARS:
        return False
    if s[0] in "#/":
        if len(s) <= 40 and s.startswith(("#", "//")):
            return True
    if (s[0] in "#>`" or "*" in s or "`" in s or "](" in s or "<" in s) and _MARKDOWN_RE.search(s):
        return True  # (string tests first: each branch of the regex needs one of those)
    spaces = s.count(" ") + s.count("\t")
    if 5 * (len(s.encode("ascii", "ignore")) - spaces) < 3 * (len(s) - spaces - s.count("\u3000") - s.count("\xa0")):
        return False
    if s[0] in "•·●◆■▪▶►" or _URL_RE.fullmatch(s):
        return False
    first = _FIRST_WORD_RE.match(s)
    if first and first.group(1).lower().rstrip(".-") in _CODE_WORDS:
        return True
    return bool(_CODE_MARK_RE.search(s))


@lru_cache(maxsize=1)
def _code_classes() -> np.ndarray:
    """Per code point, packed for one cumulative sum (see `maybe_code`): 1 for a visible
    character, 1 << 20 for a visible ASCII one, 1 << 40 for a mark of code or markdown."""
    table = np.ones(LUT_SIZE + 1, dtype=np.int64)  # visible, not ASCII (also past the table)
    table[:33] = 0
    table[space_codes()] = 0
    table[33:128] = 1 + (1 << 20)
    for c in _CODE_MARKS:
        table[ord(c)] += 1 << 40
    return table


_CODE_MARKS = "*`]<"     # `code_like` needs one of these anywhere ("**", "`", "](", "<p>") ...
_CODE_OPENERS = "#/>"    # ... or one of these first ("# 注释", "// 注释", "## 标题", "> 引用"), or mostly ASCII
# and either a first word of `_FIRST_WORD_RE` (opening with one of these) or a character of
# `_CODE_MARK_RE` (each of its branches needs one of these)
_CODE_WORD_OPENERS = "$#ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CODE_MARK_CHARS = "=;{}$\\:-&|~/(#<["


def maybe_code(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray,
               bounds: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Paragraphs that may be code-like, for one table lookup and one cumulative sum over the
    page: at least 3/5 of their visible characters are ASCII and they open with a word
    (`_CODE_WORD_OPENERS`) or hold a character of a code mark (`_CODE_MARK_CHARS`), or they
    hold a mark of code or markdown (`_CODE_MARKS`), or open with one (`_CODE_OPENERS`: a
    comment, a heading, a quote; a superset of `code_like`, which then runs on runs of
    CODE_MIN_RUN of these only: a run of numbers, bullets or names is not tested). The
    three counts are packed in 20 bits each: a longer text (the cleaner's page parts are
    shorter) has every paragraph tested. `bounds`: `_visible_bounds`, when already computed."""
    if len(codes) >= 1 << 20 or not len(codes):
        return np.full(len(starts), len(codes) > 0)
    total = np.concatenate(([0], _code_classes().take(codes, mode="clip").cumsum()))
    diff = total[ends] - total[starts]
    seen, asc, marks = diff & 0xFFFFF, (diff >> 20) & 0xFFFFF, diff >> 40
    first, last = _visible_bounds(codes, starts, ends) if bounds is None else bounds
    first_code = codes[np.minimum(first, len(codes) - 1)]
    opens = char_set_table(_CODE_OPENERS).take(first_code, mode="clip") & (first < last)
    worded = char_set_table(_CODE_WORD_OPENERS).take(first_code, mode="clip") & (first < last)
    return ((5 * asc >= 3 * seen) & (worded | holding(codes, starts, ends, _CODE_MARK_CHARS))) | (marks > 0) | opens


def _runs(flags: np.ndarray, min_length: int) -> list[tuple[int, int]]:
    """(start, stop) of the runs of True at least `min_length` long (from the few True
    indexes, in plain Python)."""
    out: list[tuple[int, int]] = []
    start = stop = -1
    for i in flags.nonzero()[0].tolist():
        if i != stop:
            if stop - start >= min_length:
                out.append((start, stop))
            start = i
        stop = i + 1
    if stop - start >= min_length:
        out.append((start, stop))
    return out


def code_blocks(text_of: Callable[[int], str], labels: np.ndarray,
                maybe: np.ndarray | None = None, probs: np.ndarray | None = None) -> tuple[list[int], list[int]]:
    """Relabel code blocks in place: runs of at least CODE_MIN_RUN code-like paragraphs
    (`code_like` of ``text_of(i)``), none of them spam. The classifier, trained on
    prose, calls shell lines and code navigation, and a page's leaked analytics script article.
    A block that is the page's own script (`_PAGE_SCRIPT_RE`, or half its lines tags of a
    client-side template, `_TEMPLATE_TAG_RE`) becomes navigation; in any
    other block the navigation and ad lines become article, and so does the navigation paragraph
    right after it that the model (`probs`) calls article: the decoding, which saw the block as
    chrome, took the sentence that follows it along. `maybe` (see `maybe_code`) limits the
    paragraphs tested. Returns (indexes made article, indexes made navigation)."""
    code = labels != SPAM  # an ad too: the model, trained on real pages, calls a shell line with a path or an address one
    if maybe is not None:
        code &= maybe
    runs = _runs(code, CODE_MIN_RUN)
    if not runs:
        return [], []
    for a, z in runs:
        for i in range(a, z):
            code[i] = code_like(text_of(i))
    to_article: list[int] = []
    to_navigation: list[int] = []
    for a, z in _runs(code, CODE_MIN_RUN):
        lines = [text_of(i) for i in range(a, z)]
        script = _PAGE_SCRIPT_RE.search("\n".join(lines)) or 2 * sum(map(bool, map(_TEMPLATE_TAG_RE.search, lines))) >= len(lines)
        out, new = (to_navigation, NAVIGATION) if script else (to_article, ARTICLE)
        out += [i for i in range(a, z) if labels[i] != new]
        if not script and probs is not None and z < len(labels) and labels[z] == NAVIGATION \
                and probs[z].argmax() == ARTICLE:
            to_article.append(z)
    labels[to_article] = ARTICLE
    labels[to_navigation] = NAVIGATION
    return to_article, to_navigation


# Prose the model called navigation between two article paragraphs: a note in the text, a
# one-line aside, a caption written as a sentence. A sentence: ENCLOSED_MIN_HAN Han characters
# ending in a sentence mark, or with two commas; page metadata, copyright lines and list items
# with a separator bar ("国际生物多样性日 | 诗意开启！") are not.
ENCLOSED_MIN_HAN = 10
_SENTENCE_END_RE = re.compile(rf"[{_SENTENCE_ENDS}…]\s*$")  # here "…" ends a sentence too
_NOT_PROSE_RE = re.compile(r"©|版[权權]|[转轉]载|\s[|｜]\s|^\s*(?:作者|来源|來源|[编編][辑輯]|[责責]任[编編][辑輯])\s*[:：]")


def _sentence(text: str, counted: bool = False) -> bool:
    """ENCLOSED_MIN_HAN Han characters (`counted`: the caller knows there are), ending in a
    sentence mark or with two commas, and not page metadata (the costliest test, last)."""
    s = text.strip()
    return ((counted or (len(s) >= ENCLOSED_MIN_HAN and len(_HAN_RE.findall(s)) >= ENCLOSED_MIN_HAN))
            and (_SENTENCE_END_RE.search(s) is not None or s.count("，") >= 2) and not _NOT_PROSE_RE.search(s))


def enclosed_prose(text_of: Callable[[int], str], labels: np.ndarray, han: np.ndarray | None = None) -> list[int]:
    """Navigation paragraphs that are sentences (`_sentence`) and lie between two article
    paragraphs, relabeled article in place. Run after the rules that end the text (related
    lists, trailing blocks), so that it only fills the text they leave. `han` (each paragraph's
    count of Han characters, see `page_candidates`) spares the test of those with too few."""
    article = (labels == ARTICLE).nonzero()[0]
    if len(article) < 2:
        return []
    inside = np.zeros(len(labels), dtype=bool)
    inside[article[0]:article[-1]] = True
    tested = inside & (labels == NAVIGATION)
    if han is not None:
        tested &= han >= ENCLOSED_MIN_HAN
    out = [i for i in tested.nonzero()[0].tolist() if _sentence(text_of(i), han is not None)]
    labels[out] = ARTICLE
    return out


# A section of the text set as a list (a job post's "岗位职责：" and its duties, a manual's
# "注意事项：" and its points): a heading that ends in a colon, then items numbered 1, 2, 3 …
# ("1、", "(2)", "③", "四、"), right after article. The classifier, trained on menus of short
# lines, calls such items navigation; their numbering and their place after the text say they
# are the text's. A list of links (related reading, a ranking) also follows the text with
# numbers, so the items must carry a heading that is not a related-list heading, or end like
# sentences ("；", "。").
_SECTION_HEAD_RE = re.compile(r"\s*\S{2,12}\s*[:：]\s*")
_ENUMERATED_RE = re.compile(r"\s*(?:[(（]\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]|(\d{1,2})\s*(?:[、)）]|[.．](?!\d))"
                            r"|([一二三四五六七八九十]{1,3})\s*[、．.]|([①-⑳]))\s*\S")
_ITEM_END_RE = re.compile(r"[；;。]\s*$")
SECTION_MIN_ITEMS = 2
_CHINESE_NUMBERS = {w: k + 1 for k, w in enumerate("一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五".split())}


def _item_number(text: str) -> int | None:
    """The number an enumerated item opens with ("3、", "（三）", "③", "三、"), or None."""
    m = _ENUMERATED_RE.match(text)
    if m is None:
        return None
    arabic, chinese, circled = m.group(1) or m.group(2), m.group(3), m.group(4)
    if circled:
        return ord(circled) - ord("①") + 1
    word = chinese or (arabic if arabic and not arabic.isdigit() else None)
    if word is not None:
        return _CHINESE_NUMBERS.get(word)
    return int(arabic)



def list_sections(text_of: Callable[[int], str], labels: np.ndarray, sizes: np.ndarray) -> list[int]:
    """Navigation paragraphs that are the text's list sections, relabeled article in place:
    after an article paragraph, runs of a heading ending in a colon (`_SECTION_HEAD_RE`, not a
    related-list heading) and the SECTION_MIN_ITEMS or more items numbered from 1 that follow it,
    or items alone that end like sentences; the runs go on while section follows section."""
    out: list[int] = []
    n = len(labels)
    # only the article paragraphs a navigation paragraph follows open a run (most do not:
    # walking every article paragraph cost more than the rest of the rule)
    for a in ((labels[:-1] == ARTICLE) & (labels[1:] == NAVIGATION)).nonzero()[0].tolist():
        i = a + 1
        while i < n and labels[i] == NAVIGATION:
            head = sizes[i] <= 16 and _SECTION_HEAD_RE.fullmatch(text_of(i)) is not None \
                and _item_number(text_of(i)) is None and not _RELATED_HEADING_RE.fullmatch(text_of(i))
            k = i + 1 if head else i
            items, expected = [], 1
            while k < n and labels[k] == NAVIGATION and _item_number(text_of(k)) == expected:
                items.append(k)
                k, expected = k + 1, expected + 1
            if len(items) < SECTION_MIN_ITEMS or not (head or all(_ITEM_END_RE.search(text_of(j)) for j in items)):
                break
            out += ([i] if head else []) + items
            i = k
    labels[out] = ARTICLE
    return out


# The page's title (LABELING, cc100 README: "a title line goes by what most of its characters
# are"). Common Crawl's text, and the batch path's HTML conversion, open with the `<title>`,
# "headline - site name"; the page's own headline (its h1) repeats the title's opening words as a
# line of its own. That line is the headline (article), and so is the title when the headline is
# most of it. The headline must be long enough not to be a menu item or a site name.
TITLE_HEADLINE_MIN = 10      # a headline's weight: its non-blank characters, 2.5 a word in Latin script
TITLE_HEADLINE_WINDOW = 200  # paragraphs after the title searched for its headline
TITLE_HEADLINE_SHARE = 0.5   # the title is article when its headline is this much of it
_TITLE_STRIP = " \t\ufeff\u3000\xa0"
_BREADCRUMB_RE = re.compile(r"[>»›]")


def _title_weight(text: str) -> float:
    if text.isascii():
        return 2.5 * len(text.split())
    return len(text) - sum(map(str.isspace, text))


# A text that opens with its headline above its dateline (LABELING: the headline is article): an
# article's text sets the headline, then a line of metadata (a date and time, 来源, 作者, 发布时间),
# then the text. The model, which sees one line, may take a short headline for a menu item; its
# place says otherwise.
_DATELINE_RE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|(?:来源|來源|作者|发布|發布|发表|發表|编辑|編輯|记者|記者)\s*[:：]")
# a list item, a field ("关键词：…"), a member's counts, a site's name ("某县农业信息网")
_NOT_HEADLINE_RE = re.compile(r"^[•·\-*]|[:：]|\d{3,}|(?:网|網|网站|網站|首页|首頁)$")
DATELINE_MAX_CHARS = 120   # a longer paragraph is not a dateline
OPENING_LINES = 3          # the opening headline is among the page's first paragraphs
_WORD_CHAR_RE = re.compile(r"[^\W\d_]")
HEADLINE_MAX_CHARS = 50    # nor a longer one a headline
HEADLINE_MIN_WORDS = 6     # Han characters, or Latin words, of a headline at least
DATELINE_TEXT_WITHIN = 4   # article within this many paragraphs after the dateline (a paper: journal, keywords, author)


def dateline_headlines(text_of: Callable[[int], str], labels: np.ndarray, sizes: np.ndarray) -> list[int]:
    """The page's opening headline: its first paragraph with words that is not spam (an injected
    title above it), if it is among the first OPENING_LINES, labeled navigation, right above
    a dateline (`_DATELINE_RE`, at most
    DATELINE_MAX_CHARS) that article follows within DATELINE_TEXT_WITHIN paragraphs, short and
    not ending like a sentence, nor a breadcrumb, list item, field or member's counts
    (`_NOT_HEADLINE_RE`). Relabeled article in place. Only the opening one: a full page's
    dump opens with its site's chrome, and whether its headline is content is the gold's
    choice (../shared/data/dev leaves it out); a text that opens with its headline is an
    article's own text (the seeds, a clean article)."""
    n = len(labels)
    h = next((i for i in range(min(OPENING_LINES, n)) if labels[i] != SPAM and _WORD_CHAR_RE.search(text_of(i))), None)
    if h is None or h + 2 >= n:
        return []
    d = h + 1
    if labels[h] != NAVIGATION or sizes[h] > HEADLINE_MAX_CHARS or sizes[d] > DATELINE_MAX_CHARS \
            or labels[d] == ARTICLE or not (labels[d + 1:d + 1 + DATELINE_TEXT_WITHIN] == ARTICLE).any():
        return []
    head = text_of(h).strip(_TITLE_STRIP)
    words = len(head.split()) if head.isascii() else len(_HAN_RE.findall(head))
    if words < HEADLINE_MIN_WORDS or _NOT_HEADLINE_RE.search(head) or _SENTENCE_END_RE.search(head) \
            or _BREADCRUMB_RE.search(head) or _DATELINE_RE.search(head) or not _DATELINE_RE.search(text_of(d)):
        return []
    labels[h] = ARTICLE
    return [h]


def title_headline(text_of: Callable[[int], str], labels: np.ndarray,
                   sizes: np.ndarray) -> tuple[list[int], list[int]]:
    """Navigation paragraphs that are the page's headline: a later paragraph that the first
    one (the title) opens with, of TITLE_HEADLINE_MIN weight at least and not a breadcrumb;
    and the title itself when that headline is TITLE_HEADLINE_SHARE of it. Relabeled article
    in place; spam and ads stay. A title that such a headline is less of goes by the rest, its
    site's path and name: navigation, if it was article. Returns (indexes made article,
    indexes made navigation)."""
    if len(labels) < 2:
        return [], []
    title = text_of(0).strip(_TITLE_STRIP)
    if len(title) < TITLE_HEADLINE_MIN // 2 or _BREADCRUMB_RE.search(title):
        return [], []
    window = sizes[1:TITLE_HEADLINE_WINDOW]
    heads = []
    for k in ((window <= sizes[0]) & (window >= TITLE_HEADLINE_MIN // 2)).nonzero()[0].tolist():
        line = text_of(k + 1).strip(_TITLE_STRIP)
        if line and title.startswith(line) and _title_weight(line) >= TITLE_HEADLINE_MIN:
            heads.append(k + 1)
    if not heads:
        return [], []
    to_navigation = []
    if _title_weight(text_of(heads[0]).strip(_TITLE_STRIP)) >= TITLE_HEADLINE_SHARE * _title_weight(title):
        heads.insert(0, 0)
    elif labels[0] == ARTICLE:
        to_navigation = [0]
    out = [i for i in heads if labels[i] == NAVIGATION]
    labels[out] = ARTICLE
    labels[to_navigation] = NAVIGATION
    return out, to_navigation


RESCUE_FLOOR = 0.03    # article probability a paragraph must beat to count for the rescued run
RESCUE_MIN_GAIN = 0.5  # ... and the run's summed excess over that floor, so bare chrome stays empty


def rescue_empty(probs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """When no paragraph is labeled article, the run of paragraphs with the most article
    probability above RESCUE_FLOOR (a maximum-sum segment, skipping ad and spam) is the
    page's content: a table of contents, a thread of short replies. Its navigation paragraphs
    above the floor become article, in place; returns their indexes (none when the best run
    gains less than RESCUE_MIN_GAIN, as on a page of bare chrome)."""
    if not len(labels) or (labels == ARTICLE).any():
        return np.zeros(0, dtype=np.int64)
    gain = probs[:, ARTICLE] - RESCUE_FLOOR
    gain[(labels == SPAM) | (labels == AD)] = -1.0
    # Maximum-sum segment: best end at i is cumsum[i] - min(cumsum before i).
    csum = np.concatenate(([0.0], np.cumsum(gain)))
    low = np.minimum.accumulate(csum[:-1])
    end = int(np.argmax(csum[1:] - low))
    if csum[end + 1] - low[end] < RESCUE_MIN_GAIN:
        return np.zeros(0, dtype=np.int64)
    start = int(np.flatnonzero(csum[:end + 1] == low[end])[-1])
    run = np.arange(start, end + 1)
    run = run[(labels[run] == NAVIGATION) & (gain[run] > 0)]
    labels[run] = ARTICLE
    return run


# Rule 4 of LABELING.md: a newspaper's original-title line ("原标题：…", "原题：…") is page
# metadata, navigation, wherever the model put it.
_ORIGINAL_TITLE_RE = re.compile(r"\s*[【\[]?\s*原[标標]?[题題]\s*[】\]]?\s*[:：]")
ORIGINAL_TITLE_MAX_CHARS = 120  # a longer paragraph is text that opens with the words


def original_titles(text_of: Callable[[int], str], labels: np.ndarray, sizes: np.ndarray,
                    holding: np.ndarray | None = None) -> list[int]:
    """Article and ad paragraphs that are an original-title line ("原标题：…", "原题：…",
    at most ORIGINAL_TITLE_MAX_CHARS characters), relabeled navigation in place. `holding`
    (bool per paragraph: it holds 原, see `page_candidates`) may limit the paragraphs tested."""
    tested = ((labels == ARTICLE) | (labels == AD)) & (sizes <= ORIGINAL_TITLE_MAX_CHARS)
    if holding is not None:
        tested &= holding
    out = [i for i in tested.nonzero()[0].tolist() if "原" in (t := text_of(i)) and _ORIGINAL_TITLE_RE.match(t)]
    labels[out] = NAVIGATION
    return out


# A portal's own lottery channel (LABELING rule 3): a menu line of the state lotteries' games
# ("• 双色球 3D 大乐透 七乐彩 时时彩 足彩") is navigation, not promotion. Taken for spam, it made
# 63 of the 148 dev news pages (one portal's channel menu) "injected lottery" pages.
_OFFICIAL_LOTTERY_RE = re.compile(
    r"(?:福彩|體彩|体彩|中国)?(?:双色球|雙色球|大乐透|大樂透|七乐彩|七樂彩|七星彩|3[dD]|排列[35三五]|快[3三]|11选5|11選5|十一选五"
    r"|时时彩|時時彩|足彩|胜负彩|勝負彩|任[选選][9九]|竞彩(?:足球|篮球)?|競彩(?:足球|籃球)?|快乐8|快樂8|22选5|15选5|6\+1"
    r"|半全场|进球彩|北京单场|单场|数字彩|福彩|體彩|体彩|彩票|开奖|開獎|走势图?|走勢圖?|更多)")
_MENU_SPLIT_RE = re.compile(r"[\s|/·•、,，]+")
OFFICIAL_LOTTERY_MENU_CHARS = 60  # a longer paragraph is not a menu line
OFFICIAL_LOTTERY_MIN_GAMES = 2


def official_lottery_menus(text_of: Callable[[int], str], labels: np.ndarray, sizes: np.ndarray) -> list[int]:
    """Spam paragraphs that are a menu of the state lotteries' games (at most
    OFFICIAL_LOTTERY_MENU_CHARS characters, every item a game or channel name of
    `_OFFICIAL_LOTTERY_RE`, OFFICIAL_LOTTERY_MIN_GAMES games at least), relabeled navigation
    in place. A lottery-tips site's offering carries its jargon (特码, 三肖) and stays spam."""
    out = []
    for i in ((labels == SPAM) & (sizes <= OFFICIAL_LOTTERY_MENU_CHARS)).nonzero()[0].tolist():
        items = [t for t in _MENU_SPLIT_RE.split(text_of(i)) if t]
        if len(items) >= OFFICIAL_LOTTERY_MIN_GAMES and all(_OFFICIAL_LOTTERY_RE.fullmatch(t) for t in items):
            out.append(i)
    labels[out] = NAVIGATION
    return out


# Spam without lexical evidence. On unseen real pages the model calls spam a product menu, a
# shop's sort options, a forum's topic teasers: paragraphs with no promo term, no SEO term and
# no look of stuffing (cc100 train, 2-fold CV: 7 of 84 such paragraphs were spam). Such a
# paragraph stays spam only when it looks stuffed (`stuffing_like`), holds a term of the seo
# list or pinyin-obfuscated words, or sits on a page with UNSUPPORTED_PAGE_PROMO promo spam
# paragraphs (an injected page's or a spam site's other lines: CV spam recall 0.719 when only
# those the model is 0.8 sure of stayed, 0.722 as without the rule), or holds one of the model's
# learned brands (UNSUPPORTED_BRAND); else it takes the classifier's next label.
UNSUPPORTED_BRAND = 1 - 1e-6  # p(spam) only a brand of the model reaches (model.BRAND_LOGIT): always spam
UNSUPPORTED_PAGE_PROMO = 3
STUFFING_MIN_ITEMS = 3      # items between "_" or "|" separators ...
STUFFING_MIN_SHARE = 0.5    # ... at least this share of them (and 3) sharing a two-character keyword
KEYWORD_LIST_MIN_ITEMS = 4   # `keyword_lists`: items sharing the keyword at least ...
KEYWORD_LIST_MIN_SHARE = 0.6  # ... and this share of the items,
KEYWORD_LIST_MAX_ITEM = 24    # each item at most this long (a keyword, not a headline),
KEYWORD_LIST_MAX_ODD = 0.25   # at most this share of them with digits or sentence punctuation,
KEYWORD_LIST_MAX_CHARS = 400  # in a line at most this long
OPERATOR_SHORT_LINE = 80      # `operator_lines`: a line this short naming an operator is a name position
_COMMERCE_RE = re.compile(r"厂|廠|价格|價格|批发|批發|多少钱|多少錢|哪家|公司|报价|報價|型号|型號|供应|供應|生产|生產|销售|銷售"
                          r"|加工|定制|維修|维修|电话|電話")  # 厂 covers 厂家
_SENTENCE_OR_DIGIT_RE = re.compile(r"[0-9０-９。！？，；!?]")
STUFFING_SEPARATORS = "_|｜│¦"
_STUFFING_SEP_RE = re.compile(f"[{STUFFING_SEPARATORS}]+")
_PLACE_RE = re.compile(r"[\u4e00-\u9fff]{1,5}[县縣市区區镇鎮乡鄉旗州]")  # a county or city name (rule 10's runs)
_HAN_PAIR_RE = re.compile(r"(?=([\u4e00-\u9fff]{2}))")  # every two Han characters in a row (overlapping)
_PINYIN_GLOSS_RE = re.compile(r"[\u4e00-\u9fff][(（][a-zA-Z]{1,6}[)）]")  # 博(bo)彩(cai), rule 11


def stuffing_like(text: str, sure: bool = False) -> bool:
    """Keyword stuffing's look (LABELING.md rules 9-10): at least STUFFING_MIN_ITEMS items
    between "_" or "|" separators, of which at least 3 and STUFFING_MIN_SHARE share a keyword
    of two Han characters ("螺丝刀批发_电动螺丝刀_螺丝刀厂家"); a menu of distinct names
    ("首页| 产品中心| 新闻动态| 联系我们") is not. So is a run of place names, most of the items
    ("某某县| 某某市| 某某县": county-name runs).

    `sure`: the stricter look that makes a line spam on its own (`keyword_lists`): at least
    KEYWORD_LIST_MIN_ITEMS items sharing the keyword, KEYWORD_LIST_MIN_SHARE of them, items of
    keyword length (KEYWORD_LIST_MAX_ITEM chars), few with digits or sentence punctuation, and
    not a menu of one subject (items opening with the shared word, selling nothing); a footer of
    licence numbers, a list of headlines sharing a word, a travel site's "里斯本酒店 | 里斯本
    美食" or a region selector of county names is not."""
    if not _STUFFING_SEP_RE.search(text) or (sure and len(text) > KEYWORD_LIST_MAX_CHARS):
        return False
    items = [t for t in (x.strip() for x in _STUFFING_SEP_RE.split(text)) if t]
    least, share = (KEYWORD_LIST_MIN_ITEMS, KEYWORD_LIST_MIN_SHARE) if sure else (3, STUFFING_MIN_SHARE)
    if len(items) < (least if sure else STUFFING_MIN_ITEMS):
        return False
    if sure and (max(map(len, items)) > KEYWORD_LIST_MAX_ITEM
                 or sum(1 for t in items if _SENTENCE_OR_DIGIT_RE.search(t)) > KEYWORD_LIST_MAX_ODD * len(items)):
        return False
    if not sure and sum(1 for t in items if _PLACE_RE.fullmatch(t)) >= max(least, share * len(items)):
        return True  # (a region selector lists a city's counties too: never sure)
    counts: Counter = Counter()  # two-Han-character keyword -> the items holding it
    for item in items:
        counts.update(set(_HAN_PAIR_RE.findall(item)))
    need = max(least, share * len(items))
    shared = [g for g, n in counts.items() if n >= need]
    if not sure or not shared:
        return bool(shared)
    # A site's menu of one subject opens its items with the subject ("里斯本酒店 | 里斯本美食 |
    # 里斯本交通"); a keyword list varies what comes before its keyword ("滚珠扶正器_套管扶正器"),
    # or, when its items open alike, sells ("扶正器厂家_扶正器价格_扶正器批发").
    if sum(1 for t in items if _COMMERCE_RE.search(t)) >= 2:
        return True
    heads = Counter(t[:2] for t in items)
    return heads.most_common(1)[0][1] < len(items) - 1


def keyword_lists(texts, labels: np.ndarray, sizes: np.ndarray, separators: np.ndarray | None = None) -> list[int]:
    """Lines that are keyword lists beyond doubt (`stuffing_like(sure=True)`: "滚珠扶正器_套管
    扶正器_油管扶正器_钻井扶正器", a glued SEO title or a city x keyword list), labeled spam in
    place whatever the model said (LABELING.md rules 9-10). On cc100 train and dev every such
    line is gold spam; none in the gold content of ../shared/data/dev. Only the few paragraphs
    with enough separator characters are tested: `separators` gives each paragraph's count
    (`page_candidates`, computed here when not given). `texts`: the cleaner's `_Texts`
    (``text``, ``starts``, ``ends``)."""
    if separators is None:
        separators = _page_candidates_of(texts).separators
    tested = (separators >= KEYWORD_LIST_MIN_ITEMS - 1) & (labels != SPAM) & (sizes <= KEYWORD_LIST_MAX_CHARS)
    out = [i for i in tested.nonzero()[0].tolist() if stuffing_like(texts[i], sure=True)]
    labels[out] = SPAM
    return out


# Rule 10, keyword-variant lists: one search phrase written out with the words people type
# after it ("X价格", "X多少钱", "X厂家", "X哪家好"), as the items of a title or of several lines.
# Only search-intent words: "X图片", "X公司" or "X参数" are a product page's own headings.
_SEARCH_MODIFIERS = ("价格", "價格", "价钱", "價錢", "多少钱", "多少錢", "一般多少钱", "一般多少錢", "厂家", "廠家", "生产厂家",
                     "生產廠家", "哪家好", "哪个好", "哪個好", "哪里有", "哪裡有", "哪里买", "哪裡買", "怎么样", "怎麼樣", "报价",
                     "報價", "批发", "批發", "排名", "十大品牌", "供应商", "供應商", "直销", "直銷", "求购", "求購")
_ITEM_SEPARATORS = "_|｜,，、-—– \t\u3000"
_ITEM_ENDS = frozenset(_ITEM_SEPARATORS + "\r\n")
_VARIANT_RE = re.compile(rf"(.{{3,20}}?)({'|'.join(sorted(_SEARCH_MODIFIERS, key=len, reverse=True))})")
_ITEM_SPLIT_RE = re.compile(f"[{re.escape(_ITEM_SEPARATORS)}]+")
VARIANT_MIN_MODIFIERS = 3  # a phrase with this many different search words is a keyword-variant list
VARIANT_MAX_CHARS = 80     # a longer paragraph is prose, not a title or list line


@lru_cache(maxsize=1)
def _modifier_automaton():
    """The search words, one DFA pass over the page (the same as a regex with a look-ahead for
    the item's end, which ran at 16 MB/s: a third of `clean`'s time), and the table of the
    bytes it reads: one per character, a search word's character its own byte 1..255 and
    every other character 0, which no word holds. The code is one to one on the words'
    characters, so the automaton finds the leftmost-longest matches it finds in the text,
    at the same offsets; an automaton over the str itself made Python encode every page to
    UTF-8 first, which cost more than the scan (3% of `clean_many` on the dev pages)."""
    import ahocorasick_rs
    chars = sorted(set("".join(_SEARCH_MODIFIERS)))
    table = np.zeros(LUT_SIZE + 1, dtype=np.uint8)  # one slot past the table: larger code points
    table[[ord(c) for c in chars]] = np.arange(1, len(chars) + 1)
    words = [table[[ord(c) for c in w]].tobytes() for w in _SEARCH_MODIFIERS]
    return table, ahocorasick_rs.BytesAhoCorasick(words, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST,
                                                   implementation=ahocorasick_rs.Implementation.DFA)


def keyword_variants(texts, labels: np.ndarray, sizes: np.ndarray,
                     codes: np.ndarray | None = None) -> tuple[list[int], dict[str, list[str]]]:
    """Paragraphs of at most VARIANT_MAX_CHARS holding an item "phrase + search word"
    (`_SEARCH_MODIFIERS`) whose phrase the page writes with VARIANT_MIN_MODIFIERS different
    search words or more, across its paragraphs: the keyword-variant lists of LABELING rule 10.
    Labeled spam in place; returns them and each phrase's search words. One scan of the page finds the
    paragraphs ending an item in a search word; only pages with enough of them are read
    further. `texts`: the cleaner's `_Texts` (``text``, ``starts``); `codes`: the code points
    of its text, when already computed."""
    text = texts.text
    table, automaton = _modifier_automaton()
    keys = table.take(codes_of(text) if codes is None else codes, mode="clip")
    ends = [a for _, a, z in automaton.find_matches_as_indexes(keys) if z == len(text) or text[z] in _ITEM_ENDS]
    if len(ends) < VARIANT_MIN_MODIFIERS:
        return [], {}
    holding = np.unique(np.searchsorted(texts.starts, ends, side="right") - 1)
    modifiers: dict[str, set[str]] = {}
    lines: dict[str, set[int]] = {}
    for i in holding[sizes[holding] <= VARIANT_MAX_CHARS].tolist():
        for item in _ITEM_SPLIT_RE.split(texts[i]):
            if m := _VARIANT_RE.fullmatch(item):
                modifiers.setdefault(m[1], set()).add(m[2])
                lines.setdefault(m[1], set()).add(i)
    phrases = {stem: sorted(found) for stem, found in modifiers.items() if len(found) >= VARIANT_MIN_MODIFIERS}
    out = sorted({i for stem in phrases for i in lines[stem] if labels[i] != SPAM})
    labels[out] = SPAM
    return out, phrases


# Rule 8, spun-novel doorways: sites generated by the thousand that post shuffled, synonym-spun
# sentences of a popular web novel under titles of one template, "<praise>小说 <book>- 第<n>章
# <chapter> <idiom> <idiom> <word>-p<n>": the novel's name and chapter for search, glued words, a
# page suffix. The page's own title and its list of recent posts carry the template, and the
# spun text is the page's offering (cc100 train: a .cfd WordPress doorway, 83 spam lines).
_DOORWAY_TITLE_RE = re.compile(r"小[说說].{0,40}?第[\d一二三四五六七八九十百千零〇两兩]+[章节節回].{0,80}?\S-p\d{1,2}\b")
DOORWAY_MIN_TITLES = 2  # titles of the template on the page (its own, and another in a list)


def novel_doorway(texts, labels: np.ndarray, sizes: np.ndarray) -> list[int]:
    """On a page with DOORWAY_MIN_TITLES lines of the spun-novel doorway's title template
    (`_DOORWAY_TITLE_RE`), those lines and every article paragraph in Chinese (the spun text),
    labeled spam in place. `texts`: the cleaner's `_Texts` (``text``, ``starts``): one search of
    the page's text for the page suffix rules out the other pages."""
    if len(labels) < DOORWAY_MIN_TITLES or "-p" not in texts.text:
        return []
    text_of = texts.__getitem__
    titles = [i for i in (sizes <= 200).nonzero()[0].tolist() if "-p" in (t := text_of(i)) and _DOORWAY_TITLE_RE.search(t)]
    if len(titles) < DOORWAY_MIN_TITLES:
        return []
    text = [i for i in (labels == ARTICLE).nonzero()[0].tolist() if _HAN_RE.search(text_of(i))]
    out = [i for i in sorted(set(titles) | set(text)) if labels[i] != SPAM]
    labels[out] = SPAM
    return out


def operator_lines(texts, labels: np.ndarray, sizes: np.ndarray,
                   betting: np.ndarray | None = None) -> tuple[list[int], list[str]]:
    """Paragraphs naming a betting operator by its name's shape (`lexicon.operator_names`:
    "koko体育"), labeled spam in place, and the names. A name counts when some paragraph holding
    it is not a long article paragraph (a site name, a headline, a source or copyright line):
    news about an operator's crackdown names it inside its sentences only. `texts` needs
    ``text``, ``starts`` and ``ends`` (the cleaner's `_Texts`). `betting` (bool per paragraph,
    see `betting_candidates`): only the paragraphs that may hold a betting word are scanned for
    one (most pages have none or a few: the scan of the whole page was most of the rule's cost)."""
    text, starts = texts.text, texts.starts
    spans = None
    if betting is not None:  # the flagged paragraphs, each from the character before it, merged
        spans = []
        for i in betting.nonzero()[0].tolist():
            lo, hi = max(starts[i] - 1, 0), texts.ends[i]
            if spans and lo <= spans[-1][1]:
                spans[-1] = (spans[-1][0], hi)
            else:
                spans.append((lo, hi))
        if not spans:
            return [], []
    names = list(dict.fromkeys(operator_names(text, spans)))
    if not names:
        return [], []
    out: set[int] = set()
    used = []
    for name, holding in zip(names, name_places(names, text, starts)):
        if any(labels[i] != ARTICLE or sizes[i] <= OPERATOR_SHORT_LINE for i in holding):
            out |= {i for i in holding if labels[i] != SPAM}
            used.append(name)
    found = sorted(out)
    labels[found] = SPAM
    return found, used


def seo_evidence(text: str, sure: bool = False) -> bool:
    """Evidence that a spam paragraph with no promo term is spam: it looks stuffed
    (`stuffing_like`, with `sure` its strict form), glosses words with pinyin (rule 11), or
    holds a term of the seo list other than the name of a keyword line (`sure_seo_terms`: a
    site's own "本文关键词：" line is navigation, rule 10)."""
    return stuffing_like(text, sure) or bool(_PINYIN_GLOSS_RE.search(text)) or sure_seo_matcher().holds(text)


def unsupported_spam(text_of: Callable[[int], str], labels: np.ndarray, probs: np.ndarray, hits) -> list[int]:
    """Spam paragraphs with no lexical evidence (no promo term in `hits`, no `seo_evidence`; see
    UNSUPPORTED_PAGE_PROMO), relabeled in place with the classifier's likeliest other label.
    `hits`: the spam lexicon's (paragraph, kind, term) hits in the spam paragraphs, or a
    function returning them. Returns their indexes."""
    spam = (labels == SPAM).nonzero()[0].tolist()
    if not spam:
        return []
    promo = {i for i, _, _ in (hits() if callable(hits) else hits)}
    if len(promo & set(spam)) >= UNSUPPORTED_PAGE_PROMO:
        return []
    out = []
    for i in spam:
        if i in promo or probs[i, SPAM] >= UNSUPPORTED_BRAND:
            continue
        text = text_of(i)
        if seo_evidence(text):
            continue
        out.append(i)
    if out:
        others = probs[out].copy()
        others[:, SPAM] = -1.0
        labels[out] = others.argmax(axis=1)
    return out


# A company's contact line (LABELING rule 13: phone, hotline, QQ, WeChat, fax, sales e-mail) is
# an ad; an institution's (a school, a government office, a newsroom) is navigation.
_CONTACT_WORDS = ("电话|電話|热线|熱線|手机|手機|手 机|手 機|座机|座機|总机|總機|QQ|qq|Q Q|微信|传真|傳真|Tel|TEL|tel|E-?mail|e-?mail"
                  "|邮箱|郵箱|联系方式|聯繫方式|聯系方式|联系人|聯繫人|聯系人|咨询|諮詢")
_CONTACT_WORD_RE = re.compile(_CONTACT_WORDS)
CONTACT_LEADS = "".join(dict.fromkeys(w[0] for w in _CONTACT_WORDS.split("|")))  # every contact word opens with one
_CONTACT_RE = re.compile(rf"[\s•·\-*]*[^\s:：]{{0,6}}(?:{_CONTACT_WORDS})\s*[:：]?\s*[\w\-+()（）/ .@,，、]{{5,}}")
_CONTACT_NUMBER_RE = re.compile(r"\d{5}|@|\d{3,4}[ \-]\d{3,4}[ \-]\d{3,4}")  # a phone number, also written in groups
# a line that is only a phone number or an e-mail address (a company's contact block writes them
# under a heading or an icon): mobile, landline with area code, 400/800 hotline, +country
_BARE_CONTACT_RE = re.compile(r"[\s•·*]*(?:\+\d{1,3}[\s\-]?)?(?:\(?0\d{2,3}\)?[\s\-]?\d{7,8}|1[3-9]\d{9}|[48]00[\s\-]?\d{3}[\s\-]?\d{4}"
                              r"|\d{2,4}[\s\-]\d{3,4}[\s\-]\d{4})(?:\s*[/、,，]\s*\S+)*\s*|[\s•·*]*[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\s*")
# what a bare contact line opens with past its bullets: "+", "(" or a digit (a phone number), else
# it needs an "@" (an e-mail address); a cheap test that spares most candidates the full pattern
_BARE_LEAD_RE = re.compile(r"[\s•·*]*[+(\d]")
_NOT_SALES_RE = re.compile(r"举报|舉報|投递|投遞|简历|簡歷|记者|記者|投稿|editor|编辑部|編輯部")
_INSTITUTION_RE = re.compile(r"政府|学校|學校|大学|大學|学院|學院|中学|中學|小学|小學|幼儿园|教育局|委员会|委員會|报社|報社|日报|日報"
                             r"|晚报|晚報|电视台|電視台|广播|廣播|党委|黨委|人大|政协|政協|法院|检察院|公安|教会|教會|协会|協會")
CONTACT_MAX_CHARS = 60  # a longer paragraph is not one contact line
INSTITUTION_HEAD = 20   # the page's first paragraphs read for an institution's name


def contact_lines(texts, labels: np.ndarray, sizes: np.ndarray, marks: Candidates | None = None) -> list[int]:
    """Navigation and article paragraphs of at most CONTACT_MAX_CHARS that are a contact line
    (`_CONTACT_RE` with a number or an e-mail address) or only a phone number or an e-mail
    address (`_BARE_CONTACT_RE`), relabeled ad in place, unless the page's head names an
    institution or the line is a report, job or press address. `texts`: the cleaner's `_Texts`
    (``text``, ``starts``, ``ends``). Only few paragraphs get the full tests (each paragraph's
    own regex calls cost 9% of `clean` on the dev pages), those `marks` (`page_candidates`,
    computed here when not given) names: a contact line holds one of CONTACT_LEADS and an "@"
    or 5 decimal digits (`_CONTACT_NUMBER_RE`), a bare one an "@" or 7 ASCII digits."""
    tested = ((labels == NAVIGATION) | (labels == ARTICLE)) & (sizes <= CONTACT_MAX_CHARS)
    if not tested.any():
        return []
    if marks is None:
        marks = _page_candidates_of(texts)
    # a contact line's candidates, then the paragraphs that may be bare, less those holding a
    # contact word (the contact line's test, not the bare one, decides those)
    numbered = tested & marks.contact & (marks.at | (marks.decimals >= 5))
    holding = [i for i in numbered.nonzero()[0].tolist() if _CONTACT_WORD_RE.search(texts[i])]
    bare = {i for i in (tested & (marks.at | (marks.digits >= 7))).nonzero()[0].tolist()
            if not (marks.contact[i] and _CONTACT_WORD_RE.search(texts[i]))}
    out = [i for i in holding if _CONTACT_NUMBER_RE.search(t := texts[i].strip()) and _CONTACT_RE.fullmatch(t)
           and not _NOT_SALES_RE.search(t)]
    out = sorted(out + [i for i in bare if ("@" in (t := texts[i]) or _BARE_LEAD_RE.match(t))
                        and _BARE_CONTACT_RE.fullmatch(t)])
    if out and any(_INSTITUTION_RE.search(texts[i]) for i in range(min(INSTITUTION_HEAD, len(labels)))):
        return []
    labels[out] = AD
    return out


# A keyword list the model half recognised (rule 10), the counterfeit-goods lists that comment
# spam leaves on blogs: a run of short Latin-script lines, one product phrase each, in which
# several are spam to the model ("cheap nike shox", "wholesale nike shoes"; `unsupported_spam`
# takes back those without a lexicon term, and a new brand has none) and the others name the
# same goods ("nike shox nz", "Nike Air Max 90 Chaussures"). The model's spam items are spam
# then, and so is an item that shares a word of SPAM_LIST_WORD letters with them (or with the
# items found so, once more). A menu with one odd item does not qualify (SPAM_LIST_MIN_SPAM).
SPAM_LIST_ITEM_CHARS = 48   # an item is at most this long
SPAM_LIST_MIN_RUN = 8       # items in the run at least
SPAM_LIST_MIN_SPAM = 3      # items the model calls spam at least
SPAM_LIST_MIN_SHARE = 0.1   # ... and at least this share of the run's items
SPAM_LIST_WORD = 4          # letters of a shared word at least
_LIST_WORD_RE = re.compile(rf"[A-Za-z]{{{SPAM_LIST_WORD},}}")


def spam_lists(texts: Sequence[str], labels: np.ndarray, sizes: np.ndarray, probs: np.ndarray,
               han: np.ndarray | None = None) -> list[int]:
    """Navigation and article items of a spam keyword list, relabeled spam in place (see
    SPAM_LIST_*): the items labeled spam or that the model (`probs`) calls spam, and the items
    sharing a word with them. `han` (each paragraph's count of Han characters, see
    `page_candidates`) spares reading the paragraphs that hold some; and a page with fewer
    than SPAM_LIST_MIN_SPAM spam items has no such list."""
    spamish = (labels == SPAM) | (probs.argmax(axis=1) == SPAM)
    if spamish.sum() < SPAM_LIST_MIN_SPAM:
        return []
    maybe = sizes <= SPAM_LIST_ITEM_CHARS
    if han is not None:
        maybe &= han == 0
    out: list[int] = []
    for first, stop in _runs(maybe, SPAM_LIST_MIN_RUN):
        if spamish[first:stop].sum() < SPAM_LIST_MIN_SPAM:
            continue
        latin = np.fromiter((texts[i].isascii() for i in range(first, stop)), bool, stop - first)
        for a, z in _runs(latin, SPAM_LIST_MIN_RUN):
            a, z = a + first, z + first
            spam = [i for i in range(a, z) if spamish[i]]
            if len(spam) < max(SPAM_LIST_MIN_SPAM, SPAM_LIST_MIN_SHARE * (z - a)):
                continue
            words = {i: {w.lower() for w in _LIST_WORD_RE.findall(texts[i])} for i in range(a, z)}
            found = {i for i in spam if labels[i] in (NAVIGATION, ARTICLE)}
            known = set().union(*(words[i] for i in spam))
            for _ in range(2):  # the spam items' words, then those of the items they found
                new = [i for i in range(a, z) if labels[i] in (NAVIGATION, ARTICLE) and i not in found and words[i] & known]
                found.update(new)
                known = known.union(*(words[i] for i in new))
            out += sorted(found)
    labels[out] = SPAM
    return out


def _spam_lists(s: PageState):
    out = spam_lists(s.texts, s.labels, s.sizes, s.probs, s.marks.han)
    s.sure_seo.update(out)
    return (out,)


# --- the page rules, in order ---------------------------------------------------------------

@dataclass
class PageState:
    """What the page rules read and change: the page's paragraphs (`text_of`, `texts`), their
    labels (changed in place), probabilities, sizes (characters) and candidate masks, and what
    earlier rules found (`thread`, the spam-lexicon `hits`, the spam `site` kind, `facts`
    that fill the rules' notes)."""

    text_of: Callable[[int], str]
    texts: Sequence[str]
    labels: np.ndarray
    probs: np.ndarray
    sizes: np.ndarray
    marks: Candidates                   # `page_candidates`
    hits: Callable[[], list]            # (paragraph, kind, term) of the spam lexicon's terms, computed once when asked
    flagged: Sequence[int] = ()         # unreadable paragraphs (mojibake the repairs could not fix)
    rescue: bool = False                # run `rescue_empty` (Options.rescue_empty)
    unsupported: bool = True            # run `unsupported_spam`
    thread: bool = False
    site: str | None = None
    facts: dict = None
    sure_seo: set = None                # spam paragraphs a rule found sure seo evidence for (the verdict counts them)
    codes: np.ndarray | None = None     # the code points of the page's text, when computed

    def __post_init__(self):
        self.facts = {} if self.facts is None else self.facts
        self.sure_seo = set() if self.sure_seo is None else self.sure_seo


class PageRule(NamedTuple):
    """One page rule: `apply` changes the state's labels and returns one list of indexes per
    note; each index gets that note (a format string over the state's facts) in its reason."""

    name: str
    apply: Callable[[PageState], Sequence[Sequence[int]]]
    notes: tuple[str, ...]


def _unsupported(s: PageState):
    return (unsupported_spam(s.text_of, s.labels, s.probs, s.hits) if s.unsupported else [],)


def _rescue(s: PageState):
    return (rescue_empty(s.probs, s.labels).tolist() if s.rescue else [],)


def _unreadable(s: PageState):
    if len(s.flagged):
        s.labels[list(s.flagged)] = NAVIGATION
    return ()


def _related(s: PageState):
    heading, related = cut_at_related_heading(s.text_of, s.labels, s.sizes, s.marks.leads)
    if heading >= 0:
        s.facts["heading"] = s.text_of(heading).strip()
    return (related,)


def _thread(s: PageState):
    s.thread, replies = thread_replies(s.text_of, s.labels, s.probs, s.sizes, s.marks.timed)
    return (replies,)


def _keyword_variants(s: PageState):
    out, phrases = keyword_variants(s.texts, s.labels, s.sizes, s.codes)
    if out:
        phrase, words = next(iter(phrases.items()))
        s.facts["variants"] = f"{phrase} + {', '.join(words[:3])}{'…' if len(words) > 3 else ''}"
        s.sure_seo.update(out)
    return (out,)


def _novel_doorway(s: PageState):
    out = novel_doorway(s.texts, s.labels, s.sizes)
    if out:
        s.sure_seo.update(out)
        s.site = "seo"  # the page is a doorway, not a page with spam injected (the verdict's form)
    return (out,)


def _operator_names(s: PageState):
    out, names = operator_lines(s.texts, s.labels, s.sizes, s.marks.betting)
    if names:
        s.facts["operators"] = ", ".join(names[:3])
    return (out,)


def _spam_brands(s: PageState):
    if not (s.labels == SPAM).any():
        return ([],)
    if not s.sure_seo:
        return (propagate_spam(s.texts, s.labels, s.marks.lengths),)
    # a keyword-variant list's phrase is the page's keyword, not a brand (the product it names
    # stays what it is elsewhere on the page), and a doorway's titles name a novel
    view = s.labels.copy()
    view[list(s.sure_seo)] = NAVIGATION
    out = [i for i in propagate_spam(s.texts, view, s.marks.lengths) if i not in s.sure_seo]
    s.labels[out] = SPAM
    return (out,)


def _spam_terms(s: PageState):
    if not (s.labels == SPAM).any():
        return ([],)
    return (spread_terms(s.texts, s.labels, s.probs, s.hits),)


def _spam_site(s: PageState):
    if not (s.labels == SPAM).any():
        return ([],)
    site, out = site_offering(s.text_of, s.labels, s.sizes, s.hits, s.probs)
    if site:
        s.site = site
        s.facts["site"] = SITE_NAMES[site]
    return (out,)


# Every page rule, in the order the cleaner runs them after decoding (cf. jusText's revision
# stage). Each rule sees the labels the previous ones left.
PAGE_RULES: tuple[PageRule, ...] = (
    PageRule("unsupported_spam", _unsupported, ("segmenter: spam without a promo or seo term or stuffing, "
                                                "given its next label",)),
    PageRule("rescue_empty", _rescue, ("segmenter: no article found, kept as part of the likeliest run",)),
    PageRule("unreadable", _unreadable, ()),  # the repairs' note says why
    PageRule("numbered_lists", lambda s: (numbered_lists(s.text_of, s.labels, s.marks.items),),
             ("segmenter: a line of a numbered list in the text",)),
    PageRule("related_list", _related, ("segmenter: in the list after the heading {heading!r}",)),
    PageRule("marked_teasers_and_ads", lambda s: marked_teasers_and_ads(s.text_of, s.labels, s.marks.marked),
             ("segmenter: ends in a 'more' link, a teaser", "segmenter: opens with an ad label")),
    PageRule("thread_replies", _thread, ("segmenter: a post's text in a thread",)),
    PageRule("trailing_blocks", lambda s: ([] if s.thread else drop_trailing_blocks(s.labels, s.sizes, s.text_of),),
             ("segmenter: a small block after the main text (related or teaser)",)),
    PageRule("code_blocks", lambda s: code_blocks(s.text_of, s.labels, s.marks.code, s.probs),
             ("segmenter: a line of a code block", "segmenter: the page's own script, left in the text")),
    PageRule("enclosed_prose", lambda s: (enclosed_prose(s.text_of, s.labels, s.marks.han),),
             ("segmenter: a sentence between article paragraphs",)),
    PageRule("list_sections", lambda s: (list_sections(s.text_of, s.labels, s.sizes),),
             ("segmenter: a numbered list section of the text, after its article",)),
    PageRule("original_title", lambda s: (original_titles(s.text_of, s.labels, s.sizes, s.marks.original),),
             ("segmenter: an original-title line, page metadata",)),
    PageRule("title_headline", lambda s: title_headline(s.text_of, s.labels, s.sizes),
             ("segmenter: the page's headline, which its title opens with",
              "segmenter: the page's title, more its site's path and name than its headline")),
    PageRule("dateline_headline", lambda s: ([] if s.thread else dateline_headlines(s.text_of, s.labels, s.sizes),),
             ("segmenter: the headline the text opens with, above its dateline",)),
    PageRule("contact_lines", lambda s: (contact_lines(s.texts, s.labels, s.sizes, marks=s.marks),),
             ("segmenter: a company's contact line, an ad (rule 13)",)),
    PageRule("official_lottery_menu", lambda s: (official_lottery_menus(s.text_of, s.labels, s.sizes),),
             ("segmenter: a menu of the state lotteries' games, the portal's own channel (rule 3)",)),
    PageRule("keyword_lists", lambda s: (keyword_lists(s.texts, s.labels, s.sizes, s.marks.separators),),
             ("segmenter: a keyword list glued with '_' or '|' (rules 9-10)",)),
    PageRule("keyword_variants", _keyword_variants,
             ("segmenter: a keyword-variant list, one search phrase with its search words ({variants}; rule 10)",)),
    PageRule("novel_doorway", _novel_doorway,
             ("segmenter: a spun-novel doorway's title or text (rule 8)",)),
    PageRule("operator_names", _operator_names, ("segmenter: names a betting operator ({operators})",)),
    PageRule("spam_lists", _spam_lists,
             ("segmenter: an item of a keyword list whose other items are spam (rule 10)",)),
    PageRule("spam_brands", _spam_brands, ("segmenter: carries a brand found in spam paragraphs of the page",)),
    PageRule("spam_terms", _spam_terms, ("segmenter: holds a promo term of a spam paragraph of the page",)),
    PageRule("spam_site", _spam_site, ("segmenter: part of the offering of a {site} (whole spam site)",)),
)


def run_page_rules(state: PageState, notes: dict[int, list[str]], rules: Sequence[PageRule] = PAGE_RULES) -> None:
    """Run `rules` in order on the state; every paragraph a rule changes gets its note in `notes`."""
    for rule in rules:
        for note, indexes in zip(rule.notes, rule.apply(state)):
            if len(indexes):
                text = note.format(**state.facts) if "{" in note else note
                for i in indexes:
                    notes.setdefault(i, []).append(text)
