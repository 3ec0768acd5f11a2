"""Page verdicts: is this page spam, of which kind, and is it a spam site or a page with
injected spam?

The paragraph model labels lines one by one; a verdict reads the whole page. `PageStats`
sums what the verdict needs over a page's paragraphs (summable, so a page cleaned in parts
gets one verdict): characters and lines in spam paragraphs, the lines the model is sure of,
the summed p(spam), the spam lexicon's terms by kind (gambling, lottery, adult) in spam
paragraphs (the lexicon is read only on pages with spam, and only in their spam paragraphs),
and repeated spam lines. `verdict` turns them into a `Verdict`: a calibrated score (a
logistic regression over `FEATURES`; its coefficients `WEIGHTS` / `BIAS` are constants below,
fitted by ``scripts/fit_verdict.py`` on held-out predictions for labeled/ and cc100 train
pages), the kind, the form (``site``: the page is the offering; ``injected``: spam lines in
an otherwise ordinary page; ``seo``), and a short reason.

`site_offering` is the page rule of LABELING.md rule 6: when the page is a gambling,
lottery or porn site, its offering paragraphs (titles, menus, tip tables, story text) are
spam even when each looks harmless alone, while generic chrome (`chrome`) stays navigation.
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .lexicon import name_places, operator_names
from .model import ARTICLE, NAVIGATION, SPAM
from .normalize import fold_codes

KINDS = ("gambling", "lottery", "adult", "seo")   # a page's spam kind
PROMO = ("gambling", "lottery", "adult")          # kinds that promote an operator: paragraph kind promo
# the lexicon's promo lists -> page kind (its seo list is left to the model and the forced terms)
_LEXICON_KIND = {"betting": "gambling", "lottery": "lottery", "adult": "adult"}

SITE_NAMES = {"gambling": "gambling site", "lottery": "lottery-tips site", "adult": "porn site", "seo": "seo doorway"}
REASON_TERMS = 3

# Rule 6 (`site_offering`): a page is a promo site when its spam is the offering: most of its
# content lines (article, ad, spam) are spam, little of its text is article, and its spam
# lines carry promo terms. (A hijacked page keeps its article; a keyword list appended to a
# company page is one block, and the company's chrome lies outside it.)
SITE_MIN_SPAM_LINES = 3      # spam paragraphs at least
SITE_MIN_LINE_SHARE = 0.5    # ... at least this share of the content lines
SITE_MIN_PAGE_SHARE = 0.15   # ... and of all the page's lines (a hijacked product page: 3 of 120)
SITE_KEEP_ARTICLE = 0.9      # p(article) at least this: not taken into a site's offering
SITE_MAX_ARTICLE_SHARE = 0.25  # article characters at most this share of the content characters
SITE_MIN_PROMO_LINES = 3     # spam lines with a promo term at least
SITE_MIN_PROMO_SHARE = 0.3   # ... and at least this share of the spam lines


# --- the spam lexicon by kind -------------------------------------------------------------

class _Kinds:
    """Terms by page kind, found with one Aho-Corasick pass over the folded page."""

    def __init__(self, terms: dict[str, list[str]]):
        import ahocorasick_rs

        from .normalize import fold
        self.kinds, entries = [], []
        for kind, words in terms.items():
            for w in dict.fromkeys(k for k in (fold(w) for w in words) if k.strip()):
                entries.append(w)
                self.kinds.append(kind)
        self._ac = ahocorasick_rs.AhoCorasick(entries, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST) \
            if entries else None

    def spans(self, folded: str) -> list[tuple[int, int, str]]:
        if self._ac is None or not folded:
            return []
        kinds = self.kinds
        return [(s, e, kinds[i]) for i, s, e in self._ac.find_matches_as_indexes(folded)]


CONTEXT = "_context"  # a kind's ambiguous words: promo inside a spam paragraph, never spread (`spread_terms`)


def base_kind(kind: str) -> str:
    """The page kind of a hit's kind ("gambling_context" -> "gambling")."""
    return kind[:-len(CONTEXT)] if kind.endswith(CONTEXT) else kind


@lru_cache(maxsize=1)
def kind_terms() -> _Kinds:
    """The spam lexicon's terms by page kind: its betting (gambling), lottery and adult lists,
    and its ambiguous ``*_context`` lists as kinds of their own (``gambling_context``: they tell
    a spam paragraph's kind, nothing more). A term listed under two kinds counts for the first."""
    from . import lexicon
    terms: dict[str, list[str]] = {k: [] for k in PROMO}
    for name, kind in _LEXICON_KIND.items():
        terms[kind] += lexicon.lexicon_list(name)
    for name in lexicon.LEXICON_CATEGORY:
        if name.endswith(CONTEXT) and base_kind(name) in PROMO:
            terms[name] = list(lexicon.lexicon_list(name))
    seen: set[str] = set()
    for kind in list(terms):
        terms[kind] = [t for t in terms[kind] if not (t in seen or seen.add(t))]
    return _Kinds(terms)


_SEP = np.array([0xFFFF], dtype=np.intp)  # between paragraphs: no term holds it


def page_terms(text: str, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray,
               which: np.ndarray | None = None, betting: np.ndarray | None = None) -> list[tuple[int, str, str]]:
    """(paragraph index, kind, term as written) of every spam-lexicon term in the paragraphs
    `which` (indexes; default all) of the page (`codes` its code points, ``starts:ends`` its
    paragraphs), by one Aho-Corasick pass over their folded text; then the names shaped like a
    betting operator's (`lexicon.operator_names`) the lexicon does not list, as gambling terms,
    looked for only in the paragraphs that may hold a betting word when `betting` (bool per
    paragraph, `segmenter.betting_candidates`) says which."""
    idx = np.arange(len(starts)) if which is None else np.asarray(which, dtype=np.int64)
    if not len(codes) or not len(idx):
        return []
    out = _lexicon_terms(text, codes, starts, ends, idx)
    paras = [(i, text[a:z]) for i, a, z in zip(idx.tolist(), starts[idx].tolist(), ends[idx].tolist())]
    named = paras if betting is None else [(i, t) for i, t in paras if betting[i]]
    names = list(dict.fromkeys(n for _, t in named for n in operator_names(t)))  # a name found once counts everywhere
    if names:
        listed = {(i, t) for i, _, t in out}
        held: dict[int, list[int]] = {}  # paragraph -> the names it holds, in `names`' order
        for k, places in enumerate(name_places(names, text, starts.tolist())):
            for i in places:
                held.setdefault(i, []).append(k)
        out.extend((i, "gambling", names[k]) for i, _ in paras for k in held.get(i, ())
                   if (i, names[k]) not in listed)
    return out


def _lexicon_terms(text: str, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                   idx: np.ndarray) -> list[tuple[int, str, str]]:
    if 4 * len(idx) > len(starts):  # most of the page: one pass over all of it, then keep `which`'s hits
        folded = fold_codes(codes).astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
        spans = kind_terms().spans(folded)
        if not spans:
            return []
        para = (np.searchsorted(starts, [a for a, _, _ in spans], side="right") - 1).tolist()
        keep = np.zeros(len(starts) + 1, dtype=bool)
        keep[idx] = True
        ends_of = ends.tolist()
        return [(i, kind, text[a:z]) for i, (a, z, kind) in zip(para, spans) if keep[i] and z <= ends_of[i]]
    lo, hi = starts[idx].tolist(), ends[idx].tolist()
    pieces = [x for a, z in zip(lo, hi) for x in (codes[a:z], _SEP)]
    joined = fold_codes(np.concatenate(pieces))
    offsets = np.cumsum([0] + [z - a + 1 for a, z in zip(lo, hi)])[:-1]  # where each paragraph starts in `joined`
    spans = kind_terms().spans(joined.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass"))
    if not spans:
        return []
    where = (np.searchsorted(offsets, [s for s, _, _ in spans], side="right") - 1).tolist()
    out = []
    for k, (s, e, kind) in zip(where, spans):
        at = lo[k] + s - int(offsets[k])
        out.append((int(idx[k]), kind, text[at:at + e - s]))
    return out


# --- generic chrome of a spam site (rule 6) ---------------------------------------------------

# Lines of generic chrome that stay navigation on a spam site: home, pagination, login,
# copyright and disclaimers, age warnings, contact and site-map links, dates, metadata fields,
# stray symbols and numbers.
_CHROME_RE = re.compile(
    r"首[页頁]|主[页頁]|返回|登[录錄入]|[注註]冊|注册|[上下][一1]?[页頁]|[尾末][页頁]|第\s*\d+\s*[页頁]|[页頁]次|分[页頁]|更多"
    r"|搜[索尋寻]|[网網]站地[图圖]|[联聯][系繫]我[们們]|[关關]于我[们們]|友情[链鏈]接|[隐隱]私|免[责責]|[声聲]明|版[权權]|侵[权權]"
    r"|copyright|©|icp|[备備]案|未[满滿]|年[满滿]|18\s*[岁歲]|成年|[浏瀏][览覽]器|flash|收藏|分享|[评評][论論]|留言"
    r"|客服|[邮郵]箱|e-?mail|rss|sitemap|home|login|next|prev|loading|[加载載]中|[会會][员員]|[帐帳账賬][号號戶户]|密[码碼]"
    r"|[验驗][证證]|[设設]置|[帮幫]助|本站|[网網]站|[删刪]除|[说說]明|[条條]款",
    re.I)
_META_RE = re.compile(r"\s*\S{1,6}\s*[:：]\s*[\d\s\-/.:年月日时分秒]*\s*")  # "年份：2022", "更新时间：11-24"
_WORD_RE = re.compile(r"[\u4e00-\u9fffA-Za-z]")
CHROME_MAX_CHARS = 40  # a menu item or a footer link with a chrome word; longer lines only by the words below
_LONG_CHROME_RE = re.compile(r"版[权權]|侵[权權]|免[责責]|[声聲]明|copyright|©|icp|[备備]案|未[满滿]|年[满滿]|18\s*[岁歲]|本站|[浏瀏][览覽]器",
                             re.I)


def chrome(text: str) -> bool:
    """A generic chrome line of a spam site (stays navigation under rule 6): no word at all
    (numbers, dates, symbols), a metadata field with a number ("更新时间：11-24"), a short line
    with a chrome word (home, pagination, login, site map, contact), or any line with a
    copyright, disclaimer or age-warning word."""
    s = text.strip()
    if not _WORD_RE.search(s) or _META_RE.fullmatch(s):
        return True
    if len(s) <= CHROME_MAX_CHARS:
        return bool(_CHROME_RE.search(s))
    return bool(_LONG_CHROME_RE.search(s))


# --- page statistics and the verdict ---------------------------------------------------------

@dataclass
class PageStats:
    """What a verdict reads, summed over a page's paragraphs (two parts of a page add up)."""

    lines: int = 0
    chars: int = 0
    spam_lines: int = 0
    spam_chars: int = 0
    spam_prob: float = 0.0          # summed p(spam) over the paragraphs
    strong_spam_lines: int = 0      # spam paragraphs the model itself gives p(spam) >= STRONG
    promo_spam_lines: int = 0       # spam paragraphs holding a promo term
    seo_evidence_lines: int = 0     # other spam paragraphs with sure seo evidence (`segmenter.seo_evidence`)
    repeated_spam: int = 0          # spam paragraphs whose text repeats an earlier spam paragraph
    site: str | None = None         # the promo kind when `site_offering` fired, seo on a doorway (`novel_doorway`)
    terms: dict[str, Counter] = field(default_factory=dict)  # kind -> term -> count, in spam paragraphs

    def __add__(self, other: "PageStats") -> "PageStats":
        terms = {k: Counter(self.terms.get(k, ())) + Counter(other.terms.get(k, ()))
                 for k in {*self.terms, *other.terms}}
        return PageStats(*(getattr(self, f) + getattr(other, f) for f in
                           ("lines", "chars", "spam_lines", "spam_chars", "spam_prob", "strong_spam_lines",
                            "promo_spam_lines", "seo_evidence_lines", "repeated_spam")),
                         site=self.site or other.site, terms=terms)


STRONG = 0.9
FEATURES = ("spam_char_share", "spam_line_share", "mean_p_spam", "log_spam_lines", "log_strong_spam_lines",
            "log_promo_spam_lines", "log_seo_evidence_lines", "repeated_spam_share")
# Fitted by ``python scripts/fit_verdict.py --refit --write`` (2 folds over labeled/ and cc100 train,
# 1067 pages, real pages weighted 5; with the training code of 21300a6 and the seo list's forced terms;
# held-out cc100 train: 20/24 spam pages flagged, 0/26 spam-free; labeled/ 245/281 and 13/736).
# Refit when the paragraph model changes much: the verdict reads its labels.
WEIGHTS = (-0.218, -0.521, 0.908, 0.697, 1.281, 3.787, 2.875, 0.061)
BIAS = -2.677


def features(s: PageStats) -> list[float]:
    lines, chars = max(s.lines, 1), max(s.chars, 1)
    return [s.spam_chars / chars, s.spam_lines / lines, s.spam_prob / lines, math.log1p(s.spam_lines),
            math.log1p(s.strong_spam_lines), math.log1p(s.promo_spam_lines), math.log1p(s.seo_evidence_lines),
            s.repeated_spam / max(s.spam_lines, 1)]


def score_of(s: PageStats) -> float:
    """The calibrated probability that the page carries spam; below 0.5 on a page without a
    spam paragraph (the verdict follows the paragraphs: it never flags a page they call clean)."""
    z = BIAS + sum(w * x for w, x in zip(WEIGHTS, features(s)))
    p = 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))
    return round(p if s.spam_lines else min(p, 0.49), 4)


@dataclass(frozen=True)
class Verdict:
    """A page's spam verdict. `score`: calibrated probability that the page carries spam;
    `kind`: gambling, lottery, adult, seo or None; `form`: ``site`` (the page is the
    offering), ``injected`` (spam lines in an ordinary page), ``seo`` or None; `reason`:
    a short sentence."""

    score: float
    kind: str | None = None
    form: str | None = None
    reason: str = ""

    @property
    def is_spam(self) -> bool:
        return self.score >= 0.5

    def to_dict(self) -> dict:
        return {"score": self.score, "is_spam": self.is_spam, "kind": self.kind, "form": self.form,
                "reason": self.reason}


def _top_terms(s: PageStats, kinds=PROMO) -> list[str]:
    c = Counter()
    for k in kinds:
        c.update(s.terms.get(k, {}))
    return [t for t, _ in c.most_common(REASON_TERMS)]


def page_kind(s: PageStats) -> str | None:
    """The promo kind with the most term hits in spam paragraphs, else seo for spam without
    promo terms, else None."""
    if s.site:
        return s.site
    counts = {k: sum(s.terms.get(k, {}).values()) for k in PROMO}
    best = max(PROMO, key=lambda k: counts[k])
    if counts[best]:
        return best
    return "seo" if s.spam_lines else None


def verdict(s: PageStats) -> Verdict:
    score = score_of(s)
    if not s.spam_lines:
        return Verdict(score, None, None, "no spam paragraph")
    share = s.spam_chars / max(s.chars, 1)
    kind = page_kind(s)
    terms = _top_terms(s) if s.terms else []
    said = f"; terms {', '.join(terms)}" if terms else ""
    if s.site:
        return Verdict(score, kind, "site", f"{SITE_NAMES[kind]}: {share:.0%} of characters in spam paragraphs{said}")
    lines = f"{s.spam_lines} spam line{'s' if s.spam_lines > 1 else ''}"
    if kind == "seo":
        return Verdict(score, kind, "seo", f"seo: {lines}, {share:.0%} of characters")
    if kind is None:
        return Verdict(score, None, None, f"{lines}, {share:.0%} of characters")
    return Verdict(score, kind, "injected", f"injected {kind}: {lines}, {share:.0%} of characters{said}")


def stats_of(texts, labels: np.ndarray, probs: np.ndarray, sizes: np.ndarray,
             hits: list[tuple[int, str, str]], site: str | None,
             sure_seo: set[int] | frozenset = frozenset()) -> tuple[PageStats, dict[int, list[str]]]:
    """The page's `PageStats` and, per spam paragraph, the promo terms it holds (kind order
    gambling, lottery, adult; "kind:term"). `sure_seo`: paragraphs a page rule found sure seo
    evidence for that the paragraph alone does not show (a keyword-variant list's items, a
    spun-novel doorway's text)."""
    spam = labels == SPAM
    n_spam = int(spam.sum())
    if not n_spam:  # most pages: what the verdict reads of them is their size and summed p(spam)
        return PageStats(lines=len(labels), chars=int(sizes.sum()),
                         spam_prob=float(probs[:, SPAM].sum()) if len(probs) else 0.0), {}
    s = PageStats(lines=len(labels), chars=int(sizes.sum()), spam_lines=n_spam,
                  spam_chars=int(sizes[spam].sum()), spam_prob=float(probs[:, SPAM].sum()) if len(probs) else 0.0,
                  strong_spam_lines=int((probs[spam, SPAM] >= STRONG).sum()) if len(probs) else 0, site=site)
    per: dict[int, list[str]] = {}
    for i, kind, term in hits:
        if spam[i]:
            kind = base_kind(kind)
            per.setdefault(i, []).append(f"{kind}:{term}")
            s.terms.setdefault(kind, Counter())[term] += 1
    s.promo_spam_lines = len(per)
    from .segmenter import seo_evidence
    s.seo_evidence_lines = sum(1 for i in spam.nonzero()[0].tolist()
                               if i not in per and (i in sure_seo or seo_evidence(texts[i], sure=True)))
    if s.spam_lines > 1:
        seen: set[str] = set()
        for i in spam.nonzero()[0].tolist():
            t = texts[i].strip()
            s.repeated_spam += t in seen
            seen.add(t)
    return s, per


# --- rule 7: a brand injected into several paragraphs ------------------------------------------

SPREAD_MIN_CHARS = 3   # a promo term this long ...
SPREAD_SURE = 0.5      # ... in a spam paragraph the model is this sure of (cc100 train 2-fold CV: spam F1
# 0.823 at 0.9, 0.834 at 0.7, 0.836 at 0.5, precision 0.971-0.972; cc100 dev, seeds, dev content F1 alike) ...
SPREAD_SURE_ARTICLE = 0.9  # ... or this sure, to mark an article paragraph (news of a Mark Six draw
# on a page where the model half-believes one line is spam stays article)
SPREAD_MAX_TERMS = 50  # ... (at most this many distinct terms are followed) marks every paragraph holding it


def spread_terms(texts, labels: np.ndarray, probs: np.ndarray, hits) -> list[int]:
    """Paragraphs that hold a promo term (a brand, a porn title word, a tip-site term) of at
    least SPREAD_MIN_CHARS characters that occurs in a spam paragraph the model gives
    p(spam) >= SPREAD_SURE (SPREAD_SURE_ARTICLE to mark an article paragraph): the brand was
    injected there too (LABELING.md rule 7: a casino name in place of the company's, in the
    breadcrumb, the headline and the copyright line). Labels them spam in place. `texts` needs
    ``text``, ``starts`` and ``ends`` (the cleaner's `_Texts`)."""
    spam = labels == SPAM
    p_spam = probs[:, SPAM] if len(probs) else np.ones(len(labels))
    sure = spam & (p_spam >= SPREAD_SURE)
    if not sure.any() or spam.all():
        return []
    terms = {}  # term -> the surest p(spam) of a spam paragraph holding it
    for i, kind, t in (hits() if callable(hits) else hits):
        if sure[i] and len(t.strip()) >= SPREAD_MIN_CHARS and not kind.endswith(CONTEXT):
            terms[t] = max(terms.get(t, 0.0), float(p_spam[i]))
    if not terms:
        return []
    text, starts = texts.text, texts.starts
    out: set[int] = set()
    for t, p in list(terms.items())[:SPREAD_MAX_TERMS]:
        at = text.find(t)
        while at >= 0:
            i = bisect.bisect_right(starts, at) - 1
            if i >= 0 and not spam[i] and (labels[i] != ARTICLE or p >= SPREAD_SURE_ARTICLE):
                out.add(i)
            at = text.find(t, max(at + len(t), texts.ends[i] if i >= 0 else 0))  # the next paragraph on
    found = sorted(out)
    labels[found] = SPAM
    return found


# --- rule 6: whole spam sites -------------------------------------------------------------------

def site_kind(labels: np.ndarray, sizes: np.ndarray, hits) -> str | None:
    """The promo kind when the page is a gambling, lottery or porn site (see SITE_*), else None.
    `hits`: the spam lexicon's (paragraph, kind, term) hits, or a function returning them
    (called only when the page's layout already looks like a site's)."""
    spam = labels == SPAM
    n_spam = int(spam.sum())
    if n_spam < SITE_MIN_SPAM_LINES:
        return None
    content = labels != NAVIGATION
    if n_spam < SITE_MIN_PAGE_SHARE * len(labels) or n_spam < SITE_MIN_LINE_SHARE * content.sum() \
            or sizes[labels == ARTICLE].sum() > SITE_MAX_ARTICLE_SHARE * sizes[content].sum():
        return None
    by_kind: dict[str, set[int]] = {}
    for i, kind, _ in (hits() if callable(hits) else hits):
        if spam[i]:
            by_kind.setdefault(base_kind(kind), set()).add(i)
    promo = len(set().union(*by_kind.values())) if by_kind else 0
    if promo < SITE_MIN_PROMO_LINES or promo < SITE_MIN_PROMO_SHARE * n_spam:
        return None
    return max(PROMO, key=lambda k: len(by_kind.get(k, ())))


def site_offering(text_of, labels: np.ndarray, sizes: np.ndarray, hits,
                  probs: np.ndarray | None = None) -> tuple[str | None, list[int]]:
    """Rule 6: on a promo spam site (`site_kind`), the offering becomes spam, in place: from its
    first to its last spam paragraph, widened over the lines next to them up to the first
    generic `chrome` line on either side (a category menu above the titles), every article
    and ad paragraph and every navigation paragraph that is not chrome, but not an article
    paragraph the model is sure of (`probs`, SITE_KEEP_ARTICLE: a hijacked company page whose
    injected lines make it look like a site keeps its own text). Returns (the site's kind or
    None, the indexes made spam)."""
    kind = site_kind(labels, sizes, hits)
    if kind is None:
        return None, []
    where = (labels == SPAM).nonzero()[0]
    lo, hi = int(where[0]), int(where[-1])
    while lo > 0 and (labels[lo - 1] != NAVIGATION or not chrome(text_of(lo - 1))):
        lo -= 1  # a menu right above the first spam line, up to the header's chrome
    while hi + 1 < len(labels) and (labels[hi + 1] != NAVIGATION or not chrome(text_of(hi + 1))):
        hi += 1  # ... and right below the last one, down to the footer's
    sure = (labels == ARTICLE) & (probs[:, ARTICLE] >= SITE_KEEP_ARTICLE) if probs is not None else labels < 0
    out = [i for i in range(lo, hi + 1) if labels[i] != SPAM and not sure[i]
           and (labels[i] != NAVIGATION or not chrome(text_of(i)))]
    labels[out] = SPAM
    return kind, out
