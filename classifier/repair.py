"""Repairs of text damage that web dumps carry before any cleaning: pinyin, mojibake, glued blocks.

Three independent, conservative repairs. Each one leaves ordinary text exactly as it was and
says what it did as data, so the cleaner can report it:

* `strip_pinyin`: converter sites ("简繁转换 + 注音") print a toned pinyin syllable after some
  characters: ``數(shù)字政府建設(shè)``. The annotation is removed only when it is one pinyin
  syllable with a tone mark, right after a Han character.
* `mojibake_status` / `fix_mojibake`: UTF-8 bytes that were decoded as GBK/GB18030
  (``鏁板瓧鏀垮簻``) are detected from two signals: the share of rare GBK characters (outside the
  common sets of GB2312 and Big5) and how much of the text, encoded back to GB18030, is valid
  UTF-8. A repair is made only when the round trip is exact (strict codecs both ways); runs of
  U+FFFD (bytes already lost) are only flagged.
* `glued_boundaries`: offsets where a naive HTML-to-text dump glued a footer marker
  (``上一篇：``, ``【打印】``, ``责任编辑：`` ...) to the end of a sentence on the same line.

This module uses only the standard library and numpy and imports nothing else of the package
(the cleaner imports it).
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

# ---------------------------------------------------------------------------------------------
# Pinyin annotations
# ---------------------------------------------------------------------------------------------

TONED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"  # a tone mark on a vowel (or on the nasal of 嗯/呣)
_VOWEL = f"[aeiouü{TONED_VOWELS[:24]}]"
_INITIAL = "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
# One syllable: optional initial, one to three vowels, optional n/ng/r coda; or the bare nasals
# ń/ň/ǹ (+g) and ḿ. The look-ahead insists on a tone mark inside the parentheses.
_SYLLABLE = f"(?:{_INITIAL}{_VOWEL}{{1,3}}(?:ng|n|r)?|[ńňǹ]g?|ḿ)"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
MAX_SYLLABLE_CHARS = 6  # the longest syllables (zhuang, shuang) have six letters

# The match starts at the parenthesis (a fast first test for the regex engine); the look-behind
# then asks for the Han character before it, which is kept.
PINYIN_RE = re.compile(
    rf"[(（](?<=[{_HAN}][(（])(?=[^()（）]{{0,{MAX_SYLLABLE_CHARS - 1}}}[{TONED_VOWELS}]){_SYLLABLE}[)）]")
_TONE_RE = re.compile(f"[{TONED_VOWELS}]")


def strip_pinyin(text: str) -> tuple[str, int]:
    """Remove converter-site pinyin annotations: '數(shù)字政府建設(shè)' -> '數字政府建設'.

    Only a Han character immediately followed by a parenthesised group (ASCII or full-width
    parentheses, mixed pairs allowed) that is ONE pinyin syllable with at least one tone-marked
    vowel is touched. '(記者 蔡敏婕)', '(2021)', '(shu)' (no tone mark), '（記者 王小明）' and
    'Zverev（Alexander Zverev）' stay. Returns (text, number of annotations removed).
    Text without a parenthesis or without a tone-marked letter is returned at once.
    """
    if ("(" not in text and "（" not in text) or not _TONE_RE.search(text):
        return text, 0
    return PINYIN_RE.subn("", text)


# ---------------------------------------------------------------------------------------------
# Mojibake
# ---------------------------------------------------------------------------------------------

OK, UTF8_AS_GBK, REPLACEMENT = "ok", "utf8_as_gbk", "replacement"
REPAIRED, FLAGGED = "repaired", "flagged"

# Character classes of the lookup table (BMP code point -> class).
OTHER, COMMON, RARE = 0, 1, 2
LUT_SIZE = 0x10000  # GBK and the GB18030 two-byte area are all inside the BMP

MIN_RARE_CHARS = 2  # fewer rare characters than this is never mojibake (one odd name is not)
# Mis-decoded UTF-8 Chinese has >= 1/3 rare characters (dev lines: min 0.33, median 0.63);
# real simplified or traditional text stays below 0.2 (dev lines: max 0.19, 99th pct 0.07).
MIN_RARE_SHARE = 0.25
# Share of the non-ASCII bytes of text.encode('gb18030') that form valid UTF-8 sequences.
# Exact mojibake gives back its UTF-8 bytes: 1.0 on every dev positive. Mojibake decoded with
# errors='replace' lost bytes: 96% of such dev lines are >= 0.7. Real text: max 0.63 over all
# dev lines, and max 0.25 among the few lines that pass the rare-character test.
MIN_UTF8_COVERAGE = 0.7
MIN_NON_ASCII_BYTES = 6  # at least two mis-decoded characters' worth of bytes
MIN_REPLACEMENT_CHARS = 2  # U+FFFD: two or more means bytes were lost, one may be a stray glyph

_UTF8_SEQ = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_ASCII_BYTES = bytes(range(128))
_TRAILS = list(range(0x40, 0x7F)) + list(range(0x80, 0xFF))  # GBK / Big5 second bytes


def _decode_pairs(leads, trails, codec: str) -> list[str]:
    """Every character a two-byte code (lead, trail) of `codec` decodes to (each code decoded
    alone, strictly; in code order).

    One decode call for all the codes instead of one each (tens of thousands of calls were
    most of a worker's start-up): every code is followed by a line feed, which no two-byte
    code holds, and the bytes are decoded with errors="replace". A piece between line feeds
    without U+FFFD is the code's own decoding; a piece with one (an invalid code, whose bytes
    may decode as other characters around the replacement) is decoded alone, as before.
    Should the line feeds not cut the output into one piece per code, every code is decoded
    alone."""
    lead, trail = np.array(list(leads), dtype=np.uint8), np.array(list(trails), dtype=np.uint8)
    codes = np.empty((len(lead), len(trail), 3), dtype=np.uint8)
    codes[:, :, 0], codes[:, :, 1], codes[:, :, 2] = lead[:, None], trail[None, :], 0x0A
    codes = codes.reshape(-1, 3)
    cps = _codes(codes.tobytes().decode(codec, "replace"))
    ends = np.flatnonzero(cps == 0x0A)
    if len(ends) == len(codes):
        starts = np.concatenate(([0], ends[:-1] + 1))
        bad = np.concatenate(([0], (cps == 0xFFFD).cumsum()))
        bad = bad[ends] > bad[starts]  # pieces holding a replacement
        one = ~bad & (ends - starts == 1)  # pieces of one character
        where, chars = one.nonzero()[0], cps[starts[one]]
        alone = bad.nonzero()[0].tolist()
    else:
        where, chars, alone = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32), range(len(codes))
    more = []
    for i in alone:
        try:
            c = bytes(codes[i, :2]).decode(codec)
        except UnicodeDecodeError:
            continue
        if len(c) == 1:
            more.append((i, ord(c)))
    if more:
        extra = np.array(more, dtype=np.int64)
        order = np.concatenate((where, extra[:, 0])).argsort(kind="stable")
        chars = np.concatenate((chars, extra[:, 1].astype(np.uint32)))[order]
    return list(chars.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass"))


def _decode_pairs_one_by_one(leads, trails, codec: str) -> list[str]:
    """`_decode_pairs` as it is defined: one decode per code (the tests check the two agree)."""
    out = []
    for lead in leads:
        for trail in trails:
            try:
                out.append(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                pass
    return [c for c in out if len(c) == 1]


@lru_cache(maxsize=1)
def char_classes() -> np.ndarray:
    """Lookup table code point -> OTHER / COMMON / RARE, built once from Python's codecs.

    RARE: a two-byte GBK character (or a private-use character, which GB18030 gives for the
    user-defined areas) that is not COMMON. COMMON: GB2312's symbol rows and level-1 hanzi (the
    3755 frequent simplified characters) and Big5's symbols and level-1 hanzi (the 5401 frequent
    traditional characters). Everything else (ASCII, Latin, kana outside GB2312, ...) is OTHER.
    One slot past the BMP (OTHER) takes every larger code point in `_classes`.
    """
    lut = np.zeros(LUT_SIZE + 1, dtype=np.uint8)
    for ch in _decode_pairs(range(0x81, 0xFF), _TRAILS, "gbk"):
        lut[ord(ch)] = RARE
    lut[0xE000:0xF900] = RARE
    common = _decode_pairs(range(0xA1, 0xAA), range(0xA1, 0xFF), "gb2312")   # symbol rows 1-9
    common += _decode_pairs(range(0xB0, 0xD8), range(0xA1, 0xFF), "gb2312")  # level-1 hanzi
    common += _decode_pairs(range(0xA1, 0xC7), _TRAILS, "big5")              # symbols, level 1
    for ch in common:
        lut[ord(ch)] = COMMON
    return lut


@lru_cache(maxsize=1)
def rare_char_re() -> re.Pattern:
    """A regex matching any RARE character (a cheap first test; ranges keep it small)."""
    cps = np.flatnonzero(char_classes() == RARE)
    breaks = np.flatnonzero(np.diff(cps) != 1)
    starts, ends = np.r_[cps[0], cps[breaks + 1]], np.r_[cps[breaks], cps[-1]]
    ranges = "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in zip(starts, ends))
    return re.compile(f"[{ranges}]")


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _classes(codes: np.ndarray) -> np.ndarray:
    """The class of each code point; "clip" sends code points past the BMP to the table's
    last slot, which is OTHER."""
    return char_classes().take(codes, mode="clip")


def _class_counts(cls: np.ndarray) -> tuple[int, int]:
    return int(np.count_nonzero(cls == RARE)), int(np.count_nonzero(cls == COMMON))


def rare_counts(text: str) -> tuple[int, int]:
    """(rare, common) character counts of `text` (see `char_classes`)."""
    if text.isascii():
        return 0, 0
    return _class_counts(_classes(_codes(text)))


def utf8_coverage(text: str) -> tuple[float, int]:
    """(share, n): share of the n non-ASCII bytes of text in GB18030 that form valid UTF-8.

    U+FFFD is replaced by '?' first so lost bytes neither count nor join their neighbours.
    """
    raw = text.replace("\ufffd", "?").encode("gb18030", "replace")
    n = len(raw.translate(None, _ASCII_BYTES))  # non-ASCII bytes
    if n == 0:
        return 0.0, 0
    return len(b"".join(_UTF8_SEQ.findall(raw))) / n, n


def _looks_utf8_as_gbk(text: str, rare: int, common: int) -> bool:
    if rare < MIN_RARE_CHARS or rare < MIN_RARE_SHARE * (rare + common):
        return False
    coverage, n = utf8_coverage(text)
    return n >= MIN_NON_ASCII_BYTES and coverage >= MIN_UTF8_COVERAGE


def _candidate_lines(text: str, rare_at: list[int], cls: np.ndarray) -> list[str]:
    """Lines of a multi-line text whose rare-character counts alone qualify, from the offsets
    of the text's rare characters (`rare_at`, ascending) and the class of each character
    (`cls`). Only a line holding two rare characters is counted, and most pages have none:
    the rare characters are walked line by line in plain Python (a handful per page), and
    the common characters are counted only on the lines holding two."""
    out = []
    i, n = 0, len(rare_at)
    while i < n - 1:
        end = text.find("\n", rare_at[i])
        end = len(text) if end < 0 else end
        j = i + 1
        while j < n and rare_at[j] < end:
            j += 1
        rare = j - i  # rare characters on this line
        if rare >= MIN_RARE_CHARS:
            start = text.rfind("\n", 0, rare_at[i]) + 1
            common = int(np.count_nonzero(cls[start:end] == COMMON))
            if rare >= MIN_RARE_SHARE * (rare + common):
                out.append(text[start:end])
        i = j
    return out


def mojibake_report(text: str, codes: np.ndarray | None = None, counts: tuple | None = None) -> dict:
    """Why `mojibake_status` says what it says: status plus the evidence, as data.

    Keys: status, rare (rare characters), common, rare_share, utf8_coverage (None when not
    computed), replacement (U+FFFD count), lines (suspect lines, when only some lines of a
    multi-line text are mojibake). `codes` may pass the text's code points when already
    computed, and `counts` what `_kernels.page_pass` counts for them (rare, common, the
    spans of the candidate lines).
    """
    report = {"status": OK, "rare": 0, "common": 0, "rare_share": 0.0, "utf8_coverage": None,
              "replacement": 0, "lines": []}
    if text.isascii():
        return report
    report["replacement"] = text.count("\ufffd")
    rare = common = 0
    if counts is not None:
        rare, common, spans = counts
        candidates = lambda: [text[a:z] for a, z in spans]  # noqa: E731
    # Normal lines have no rare character: one regex scan and done. A page's code points
    # (most pages hold a few rare characters) are classified at once instead.
    elif codes is not None or rare_char_re().search(text):
        cls = _classes(_codes(text) if codes is None else codes)
        is_rare = cls == RARE
        if is_rare.any():
            rare, common = int(np.count_nonzero(is_rare)), int(np.count_nonzero(cls == COMMON))
            candidates = lambda: _candidate_lines(text, is_rare.nonzero()[0].tolist(), cls)  # noqa: E731
    if rare:
        share = rare / max(rare + common, 1)
        report.update(rare=rare, common=common, rare_share=round(share, 3))
        if rare >= MIN_RARE_CHARS and share >= MIN_RARE_SHARE:
            coverage, n = utf8_coverage(text)
            report["utf8_coverage"] = round(coverage, 3)
            if n >= MIN_NON_ASCII_BYTES and coverage >= MIN_UTF8_COVERAGE:
                report["status"] = UTF8_AS_GBK
                return report
        if rare >= MIN_RARE_CHARS and "\n" in text:
            report["lines"] = [line for line in candidates() if _looks_utf8_as_gbk(line, *rare_counts(line))]
            if report["lines"]:
                report["status"] = UTF8_AS_GBK
                return report
    if report["replacement"] >= MIN_REPLACEMENT_CHARS:
        report["status"] = REPLACEMENT
    return report


def mojibake_status(text: str, codes: np.ndarray | None = None, counts: tuple | None = None) -> str:
    """'ok', 'utf8_as_gbk' or 'replacement'.

    'utf8_as_gbk': UTF-8 bytes decoded as GBK/GB18030 (runs of rare CJK such as '鏁板瓧鏀垮簻',
    '浜哄伐鏅鸿兘' mixed with '锛' '銆' '鈥'), in the whole text or in one of its lines: at least
    MIN_RARE_CHARS rare characters making MIN_RARE_SHARE of the CJK characters, and the text
    encoded back to GB18030 is MIN_UTF8_COVERAGE valid UTF-8. 'replacement': at least
    MIN_REPLACEMENT_CHARS U+FFFD (e.g. GBK bytes decoded as UTF-8 with errors='replace').
    Cheap on normal text: one table lookup per character; the byte check runs only on suspects.
    `codes` may pass the text's code points when already computed, and `counts` their counts
    (see `mojibake_report`).
    """
    return mojibake_report(text, codes, counts)["status"]


def _round_trip(text: str) -> str | None:
    """text re-read as the UTF-8 it came from, if that is exact and looks better, else None."""
    try:
        fixed = text.encode("gb18030").decode("utf-8")
    except UnicodeError:
        return None
    if fixed.encode("utf-8") != text.encode("gb18030") or rare_counts(fixed)[0] >= rare_counts(text)[0]:
        return None
    return fixed


def fix_mojibake(text: str) -> tuple[str, str]:
    """Repair UTF-8-read-as-GBK where the round trip is exact; returns (text, action).

    action 'repaired': text.encode('gb18030').decode('utf-8') succeeded (strict) and the result
    has fewer rare characters than the input. 'flagged': U+FFFD runs, or mojibake that does not
    round-trip; the text is returned as it was. 'ok': normal text, NEVER changed.
    Multi-line text that does not round-trip as a whole is repaired line by line: each line
    whose own status is 'utf8_as_gbk' and that round-trips is replaced; if any suspect line
    cannot be repaired the action is 'flagged' (the lines that round-tripped exactly are still
    repaired, every other line is left as it was).
    """
    status = mojibake_status(text)
    if status == OK:
        return text, OK
    if status == REPLACEMENT:
        return text, FLAGGED
    fixed = _round_trip(text)
    if fixed is not None:
        return fixed, REPAIRED
    if "\n" not in text:
        return text, FLAGGED
    out, failed = [], False
    for line in text.split("\n"):
        line_status = mojibake_status(line)
        repaired = _round_trip(line) if line_status == UTF8_AS_GBK else None
        failed |= line_status != OK and repaired is None
        out.append(line if repaired is None else repaired)
    return "\n".join(out), FLAGGED if failed else REPAIRED


# A garbled run inside an otherwise readable line: the UTF-8 bytes of a few characters read as
# GBK (a quote pasted from another page), often with bytes lost ('?'). A run is at least
# GARBLED_MIN_RARE rare characters (see `char_classes`) at most GARBLED_GAP characters apart.
# It is re-decoded when a stretch around it (its ends moved by up to GARBLED_EDGE characters)
# round-trips exactly, GB18030 back to UTF-8, into ordinary text (frequent hanzi and symbols,
# printable ASCII); else it is
# removed when it shows lost bytes: a private-use character in it, or '?' in it or at its ends. Real
# text holds rare characters alone or in literary pairs (滟滪, 〇 in 二〇二〇) that neither round-trip
# nor show those signs: no run in the 30,520 lines of the dev pages (scripts/eval_repair.py).
GARBLED_GAP = 3
GARBLED_MIN_RARE = 2
GARBLED_EDGE = 2
_PRIVATE_USE = range(0xE000, 0xF900)
_LOST = "?？!"  # what a lost byte or a mis-read quote mark leaves before a run


def _rare_clusters(text: str, codes: np.ndarray | None) -> list[list[int]]:
    """Offsets of the rare characters of `text`, in clusters at most GARBLED_GAP apart."""
    cls = _classes(_codes(text) if codes is None else codes)
    rare_at = np.flatnonzero(cls == RARE).tolist()
    clusters: list[list[int]] = []
    for at in rare_at:
        if clusters and at - clusters[-1][-1] <= GARBLED_GAP + 1:
            clusters[-1].append(at)
        else:
            clusters.append([at])
    return [c for c in clusters if len(c) >= GARBLED_MIN_RARE]


def _re_decoded(text: str, first: int, last: int) -> tuple[int, int, str] | None:
    """(start, end, fixed): the stretch around text[first:last + 1] that round-trips exactly
    into ordinary text, trying its ends moved out by up to GARBLED_EDGE."""
    for grow in range(GARBLED_EDGE + 1):
        for left in range(grow + 1):
            a, z = first - left, last + 1 + grow - left
            if a < 0 or z > len(text):
                continue
            fixed = _round_trip(text[a:z])
            if fixed is not None and _ordinary(fixed):
                return a, z, fixed
    return None


def _ordinary(text: str) -> bool:
    """True when every character is printable ASCII or COMMON (a frequent hanzi or symbol)."""
    cls = _classes(_codes(text))
    return bool((cls == COMMON).any()) and all(c == COMMON or ch.isascii() and ch.isprintable()
                                                  for c, ch in zip(cls.tolist(), text))


def garbled_runs(text: str, codes: np.ndarray | None = None) -> list[tuple[int, int, str | None]]:
    """(start, end, replacement) of each garbled run in `text`: the re-decoded text, or None
    for a run to remove (with the '?' marks at its ends and the ASCII letters just after it,
    lost bytes' leftovers). `codes` may pass the text's code points when already computed."""
    if codes is None and text.isascii():
        return []
    out: list[tuple[int, int, str | None]] = []
    for run in _rare_clusters(text, codes):
        found = _re_decoded(text, run[0], run[-1])
        if found is not None:
            out.append(found)
            continue
        start, end = run[0], run[-1] + 1
        while start and text[start - 1] in _LOST:
            start -= 1
        while end < len(text) and (text[end] in _LOST or text[end].isascii() and text[end].isalpha()):
            end += 1
        if any(c in _LOST for c in text[start:end]) or any(ord(text[k]) in _PRIVATE_USE for k in run):
            out.append((start, end, None))
    return out


def fix_garbled_runs(text: str) -> tuple[str, int, int]:
    """`text` with its garbled runs re-decoded or removed: (text, runs re-decoded, characters
    removed); (text, 0, 0) when it has none."""
    runs = garbled_runs(text)
    if not runs:
        return text, 0, 0
    kept, at, fixed, removed = [], 0, 0, 0
    for a, z, replacement in runs:
        if a < at:  # a stretch grown into the previous run's: that run's text stands
            continue
        kept.append(text[at:a])
        if replacement is None:
            removed += z - a
        else:
            kept.append(replacement)
            fixed += 1
        at = z
    kept.append(text[at:])
    return "".join(kept), fixed, removed


# ---------------------------------------------------------------------------------------------
# Glued blocks
# ---------------------------------------------------------------------------------------------

# Footer / navigation markers that start a new block in the page.
# Spelled out as one alternative per marker, each starting with a literal character: the
# regex engine then skips ahead to those characters (5x faster over a page than the
# factored form, which tries every position). No two alternatives match at one position.
_GLUE_MARKERS = ([f"{m}[:：]" for m in ("- 上一篇", "- 下一篇", "上一篇", "下一篇", "责任编辑", "責任編輯", "原标题", "原標題")]
                 + ["【打印】", "【关闭】", "【關閉】", "相关阅读", "相關閱讀"])
GLUE_MARKER_RE = re.compile("|".join(_GLUE_MARKERS))
# Every match starts with the first two characters of a marker (literal in every one): a
# cheap test of each position in numpy finds the few where the regex is worth trying.
GLUE_MARKER_HEADS = tuple(sorted({m[:2] for m in _GLUE_MARKERS}))
SENTENCE_END = set("。！？!?）」”")  # the char before a marker that makes the boundary clear


def glued_boundaries(line: str) -> list[int]:
    """Offsets inside one line where a naive HTML-to-text dump glued two blocks.

    A boundary is the start of a marker ('- 上一篇：', '下一篇:', '【打印】', '【關閉】',
    '责任编辑：', '責任編輯：', '相关阅读', '相關閱讀', '原标题：', ...) that is not at the start
    of the line, and whose previous non-space character is sentence-final punctuation
    (。！？!?）」”), or that itself begins with '- '. `line[:i]` / `line[i:]` split there.
    Returns [] when there is nothing to split (one regex search in the common case).
    """
    if not GLUE_MARKER_RE.search(line):
        return []
    cuts = []
    for m in GLUE_MARKER_RE.finditer(line):
        before = line[:m.start()].rstrip()
        if before and (m.group().startswith("- ") or before[-1] in SENTENCE_END):
            cuts.append(m.start())
    return cuts


def split_glued(line: str) -> list[str]:
    """`line` cut at its `glued_boundaries`, each piece stripped of surrounding spaces."""
    cuts = [0, *glued_boundaries(line), len(line)]
    return [line[a:b].strip() for a, b in zip(cuts, cuts[1:]) if line[a:b].strip()]
