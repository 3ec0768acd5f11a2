# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled loops for the hot path of `clean`, built with the package when a C compiler is
there (see `kernels`). Each function computes exactly what the numpy code it stands for
computes, in the same dtypes and the same order of floating-point operations, so a page's
features, scores and labels are identical whichever runs; `tests/test_kernels.py` checks that.
"""
from libc.math cimport INFINITY, sqrtf
from libc.stdlib cimport free, malloc, realloc
from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t

import numpy as np

cdef uint64_t FNV = 0x100000001B3
cdef uint64_t SPLIT = 0xBF58476D1CE4E5B9


cdef inline uint64_t _final(uint64_t k, uint64_t mask) noexcept nogil:
    k ^= k >> 29
    k *= SPLIT
    k ^= k >> 32
    return k & mask


def batch_core(const Py_ssize_t[::1] raw, const int64_t[::1] s, const int64_t[::1] e,
               const uint8_t[::1] cindex, int spaces, const uint8_t[:, ::1] bits,
               const uint8_t[::1] sent_end_of, const uint8_t[::1] bullet_of, const int32_t[::1] fold,
               const uint16_t[::1] pairs, const uint64_t[::1] seeds, int max_order, uint64_t mask,
               float[:, ::1] stats, int class_col, int ends_col, int bullet_col, int indent_col, int tokens_col):
    """`features._batch` without the keywords, for paragraphs ``raw[s[i]:e[i]]``: fills the
    length, class, edge, indent and token columns of `stats` (zeros on entry) and returns
    (ss, lens, keys, ids, pos, hashes, group_sizes, scale, fingerprint) as `_batch` has them
    (`hashes` without the trailing zero; `pos` relative to `raw`), where `keys` are the folded
    characters looked up in `pairs` (`lexicon.Matcher.find`'s bytes for the automaton)."""
    cdef Py_ssize_t n = s.shape[0], size = raw.shape[0], lut = cindex.shape[0], flut = fold.shape[0]
    cdef Py_ssize_t plast = pairs.shape[0] - 1, f
    cdef Py_ssize_t nclass = bits.shape[1]
    cdef Py_ssize_t i, j, k, a, b, o, t, at, total = 0
    cdef int orders = 0
    if max_order > 3:
        raise ValueError("n-grams of order at most 3")
    for o in range(1, max_order + 1):
        if o <= size:
            orders = o
    ss_a = np.empty(n, dtype=np.int64)
    lens_a = np.empty(n, dtype=np.int64)
    folded_a = np.empty(size, dtype=np.intp)
    keys_a = np.empty(size, dtype=np.uint16)
    cid_a = np.empty(size, dtype=np.uint8)
    cdef int64_t[::1] ss = ss_a, lens = lens_a
    cdef Py_ssize_t[::1] folded = folded_a
    cdef uint16_t[::1] keys = keys_a
    cdef uint8_t[::1] cid = cid_a
    cdef Py_ssize_t c
    with nogil:
        for i in range(size):
            c = raw[i]
            cid[i] = cindex[c if c < lut else lut - 1]
            f = fold[c] if c < flut else c
            folded[i] = f
            keys[i] = pairs[f if f < plast else plast]
        for j in range(n):
            a, b = s[j], e[j]
            while a < b and cid[a] < spaces:
                a += 1
            while b > a and cid[b - 1] < spaces:
                b -= 1
            if b > a:
                ss[j], lens[j] = a, b - a
            else:
                ss[j], lens[j] = s[j], 0
            total += lens[j]
    ids_a = np.empty(total, dtype=np.int32)
    pos_a = np.empty(total, dtype=np.int64)
    group_a = np.zeros((orders, n), dtype=np.int64)
    count_total = 0
    cdef int64_t[:, ::1] group = group_a
    for o in range(orders):
        for j in range(n):
            if lens[j] > o:
                group[o, j] = lens[j] - o
                count_total += lens[j] - o
    hashes_a = np.empty(count_total, dtype=np.int64)
    scale_a = np.empty(n, dtype=np.float32)
    print_a = np.empty(n, dtype=np.float64)
    cdef int32_t[::1] ids = ids_a
    cdef int64_t[::1] pos = pos_a
    cdef int64_t[::1] hashes = hashes_a
    cdef float[::1] scale = scale_a
    cdef double[::1] fingerprint = print_a
    cdef uint64_t h, sums
    cdef uint8_t cl
    cdef float count
    cdef Py_ssize_t runs, base
    cdef Py_ssize_t[3] at_order
    cdef Py_ssize_t t0, t1, t2
    cdef uint64_t f0, f1, seed1 = seeds[1], seed2 = seeds[2] if max_order > 1 else 0, seed3 = seeds[3] if max_order > 2 else 0
    cdef int64_t[32] counts
    cdef int64_t[256] hist
    cdef Py_ssize_t ncombos = bits.shape[0]
    if nclass > 32 or ncombos > 256:
        raise ValueError("at most 256 class combinations of 32 classes")
    for c in range(256):
        hist[c] = 0
    with nogil:
        at = 0
        for j in range(n):
            a = ss[j]
            for k in range(lens[j]):
                ids[at + k] = <int32_t>j
                pos[at + k] = a + k
            at += lens[j]
        # where each order's hashes start
        base = 0
        at_order[0] = at_order[1] = at_order[2] = 0
        for o in range(orders):
            at_order[o] = base
            for j in range(n):
                base += group[o, j]
        for j in range(n):
            a, b = ss[j], ss[j] + lens[j]
            stats[j, 0] = <float>lens[j]
            runs = 0
            # class counts: a histogram of the class combinations, then their classes
            for i in range(a, b):
                hist[cid[i]] += 1
            for k in range(nclass):
                counts[k] = 0
            for c in range(ncombos):
                if hist[c]:
                    for k in range(nclass):
                        counts[k] += hist[c] * bits[c, k]
                    hist[c] = 0
            for k in range(nclass):
                stats[j, class_col + k] = <float>counts[k]
            for i in range(a, b):
                if cid[i] >= spaces and (i == a or cid[i - 1] < spaces):
                    runs += 1
            stats[j, tokens_col] = <float>runs
            if b > a:
                stats[j, ends_col] = sent_end_of[cid[b - 1]]
                stats[j, bullet_col] = bullet_of[cid[a]]
            stats[j, indent_col] = <float>(a - s[j])
            # n-grams of each order: windows inside the paragraph, FNV-mixed and finalised. All
            # orders in one walk over the paragraph (each window's characters read once; the
            # hashes still go to their order's run): the same hashes and, in integers modulo
            # 2**64, the same sum as order after order.
            sums = 0
            t0, t1, t2 = at_order[0], at_order[1], at_order[2]
            for i in range(a, b):
                f0 = <uint64_t>folded[i]
                h = _final((f0 ^ seed1) * FNV, mask)
                hashes[t0] = <int64_t>h
                sums += h
                t0 += 1
                if orders > 1 and i + 1 < b:
                    f1 = <uint64_t>folded[i + 1]
                    h = _final((((f0 ^ seed2) * FNV) ^ f1) * FNV, mask)
                    hashes[t1] = <int64_t>h
                    sums += h
                    t1 += 1
                    if orders > 2 and i + 2 < b:
                        h = _final((((((f0 ^ seed3) * FNV) ^ f1) * FNV) ^ <uint64_t>folded[i + 2]) * FNV, mask)
                        hashes[t2] = <int64_t>h
                        sums += h
                        t2 += 1
            at_order[0], at_order[1], at_order[2] = t0, t1, t2
            count = 0
            for o in range(orders):
                count += <float>group[o, j]
            scale[j] = 1.0 / sqrtf(count if count > 1.0 else 1.0)
            fingerprint[j] = (<double>sums + <double>(0.5 * count)) + <double>lens[j] * 1e12
    return ss_a, lens_a, keys_a, ids_a, pos_a, hashes_a, group_a, scale_a, print_a


cdef void _pairwise(const int64_t* h, Py_ssize_t n, const float* w, double* res) noexcept nogil:
    """numpy's pairwise sum (`pairwise_sum` of its float loops), of the weight rows `w[h[i]]`,
    column by column: what `np.add.reduceat` adds after a group's first row."""
    cdef Py_ssize_t i, c, n2
    cdef double r[8][4]
    cdef double left[4]
    cdef double right[4]
    if n < 8:
        for c in range(4):
            res[c] = 0.0
        for i in range(n):
            for c in range(4):
                res[c] += w[h[i] * 4 + c]
    elif n <= 128:
        for i in range(8):
            for c in range(4):
                r[i][c] = w[h[i] * 4 + c]
        i = 8
        while i < n - (n % 8):
            for c in range(4):
                r[0][c] += w[h[i] * 4 + c]
                r[1][c] += w[h[i + 1] * 4 + c]
                r[2][c] += w[h[i + 2] * 4 + c]
                r[3][c] += w[h[i + 3] * 4 + c]
                r[4][c] += w[h[i + 4] * 4 + c]
                r[5][c] += w[h[i + 5] * 4 + c]
                r[6][c] += w[h[i + 6] * 4 + c]
                r[7][c] += w[h[i + 7] * 4 + c]
            i += 8
        for c in range(4):
            res[c] = ((r[0][c] + r[1][c]) + (r[2][c] + r[3][c])) + ((r[4][c] + r[5][c]) + (r[6][c] + r[7][c]))
        while i < n:
            for c in range(4):
                res[c] += w[h[i] * 4 + c]
            i += 1
    else:
        n2 = n // 2
        n2 -= n2 % 8
        _pairwise(h, n2, w, left)
        _pairwise(h + n2, n - n2, w, right)
        for c in range(4):
            res[c] = left[c] + right[c]


def ngram_scores(const int64_t[::1] hashes, const int64_t[:, ::1] group, const uint8_t[::1] short,
                 const float[:, ::1] weights, const float[::1] scale):
    """`Model.ngram_scores`: per (order, paragraph) group the sum of its weight rows in
    float64 as `np.add.reduceat` sums them (the first row plus numpy's pairwise sum of the
    rest; a group in `short` without its last row), the orders added in turn, times the
    paragraph's scale."""
    cdef Py_ssize_t orders = group.shape[0], n = group.shape[1]
    out_a = np.zeros((n, 4), dtype=np.float64)
    cdef double[:, ::1] out = out_a
    cdef double acc[4]
    cdef const float* w = &weights[0, 0]
    cdef Py_ssize_t o, j, c, at = 0, size
    with nogil:
        for o in range(orders):
            for j in range(n):
                size = group[o, j] - (1 if short[o * n + j] else 0)
                if size > 0:
                    _pairwise(&hashes[at + 1], size - 1, w, acc)
                    for c in range(4):
                        out[j, c] += w[hashes[at] * 4 + c] + acc[c]
                at += group[o, j]
        for j in range(n):
            for c in range(4):
                out[j, c] *= scale[j]
    return out_a


def rule_candidates(const Py_ssize_t[::1] codes, const int64_t[::1] starts, const int64_t[::1] ends,
                    const uint32_t[::1] table):
    """The page rules' candidate masks and counts in one pass (`segmenter.page_candidates`),
    from one table of character bits (`segmenter._rule_classes`, clipped to its last entry).
    Returns (n, 9) bool: a time may be there, code may be, a numbered item may open it, a
    related heading may be it, it holds a character that opens a contact word, it holds "@",
    a betting word may be there (a character that may end one after one that may open one,
    the character before the paragraph included), it holds 原, its first or last character may
    belong to a teaser's or an ad's mark (paragraphs are never empty); each paragraph's length without the
    whitespace around it; and (n, 4) int64: its ASCII digits, its stuffing separators, its
    decimal digits (regex \\d) and its Han characters (U+4E00-U+9FFF)."""
    cdef Py_ssize_t n = starts.shape[0], last = table.shape[0] - 1, j, i, solid_from, solid_to
    out_a = np.zeros((n, 9), dtype=bool)
    stripped_a = np.zeros(n, dtype=np.int64)
    counts_a = np.zeros((n, 4), dtype=np.int64)
    cdef uint8_t[:, ::1] out = out_a.view(np.uint8)
    cdef int64_t[::1] stripped = stripped_a
    cdef int64_t[:, ::1] counts = counts_a
    cdef uint32_t cls, prev, prev2, seen_bits, first
    cdef int64_t seen, asc, digits, separators, decimals, han
    cdef bint pair, opened, betting
    with nogil:
        for j in range(n):
            pair = opened = betting = False
            seen_bits = first = 0
            seen = asc = digits = separators = decimals = han = 0
            solid_from = solid_to = 0
            i = starts[j]
            prev = table[codes[i - 1] if codes[i - 1] < last else last] if i >= 1 else 0
            prev2 = table[codes[i - 2] if codes[i - 2] < last else last] if i >= 2 else 0
            for i in range(starts[j], ends[j]):
                cls = table[codes[i] if codes[i] < last else last]
                if (cls & 2) and ((prev & 1) or ((prev2 & 1) and (prev & 4))):
                    pair = True
                if (cls & 131072) and (prev & 65536):
                    betting = True
                if not (cls & 1024):  # not whitespace
                    if not opened:
                        first, opened, solid_from = cls, True, i
                    solid_to = i + 1
                seen_bits |= cls
                seen += (cls >> 5) & 1
                asc += (cls >> 6) & 1
                digits += cls & 1
                separators += (cls >> 13) & 1
                decimals += (cls >> 11) & 1
                han += (cls >> 18) & 1
                prev2 = prev
                prev = cls
            # (0 or 1: a bool array's bytes; `or` would give the bit's value)
            out[j, 0] = 1 if pair or (seen_bits & 16) or ((seen_bits & 8) and (seen_bits & 1)) else 0
            out[j, 1] = 1 if (5 * asc >= 3 * seen and ((first & 524288) or (seen_bits & 1048576))) \
                or (seen_bits & 128) or (first & 4096) else 0
            out[j, 2] = 1 if (seen_bits & 256) and (first & 2048) else 0
            out[j, 3] = 1 if seen_bits & 512 else 0
            out[j, 4] = 1 if seen_bits & 32768 else 0
            out[j, 5] = 1 if seen_bits & 16384 else 0
            out[j, 6] = 1 if betting else 0
            out[j, 7] = 1 if seen_bits & 2097152 else 0
            if ends[j] > starts[j]:
                i = ends[j] - 1
                cls = table[codes[i] if codes[i] < last else last]
                i = starts[j]
                out[j, 8] = 1 if (cls & 8388608) or (table[codes[i] if codes[i] < last else last] & 4194304) else 0
            stripped[j] = solid_to - solid_from
            counts[j, 0] = digits
            counts[j, 1] = separators
            counts[j, 2] = decimals
            counts[j, 3] = han
    return out_a, stripped_a, counts_a


def viterbi_windows(const double[:, ::1] emit, const int64_t[::1] lo, const int64_t[::1] hi,
                    const int64_t[::1] first, const int64_t[::1] last, const uint8_t[::1] begins,
                    const double[:, ::1] trans, const double[::1] start):
    """`segmenter._viterbi_windows`, window by window: the same sums and comparisons (ties go
    to the lower label, as argmax has them), so the same paths."""
    cdef Py_ssize_t windows = lo.shape[0], k = emit.shape[1], w, t, i, j, length, total = 0, at = 0
    cdef Py_ssize_t width = 0
    for w in range(windows):
        total += hi[w] - lo[w] + 1
        if hi[w] - lo[w] + 1 > width:
            width = hi[w] - lo[w] + 1
    path_a = np.empty(total, dtype=np.int64)
    back_a = np.empty((max(width, 1), k), dtype=np.int8)
    row_a = np.empty((3, k), dtype=np.float64)
    cdef int64_t[::1] path = path_a
    cdef int8_t[:, ::1] back = back_a
    cdef double[:, ::1] rows = row_a  # the step's emissions, the scores so far, the next scores
    cdef double v, best, keep
    cdef Py_ssize_t arg, label
    with nogil:
        for w in range(windows):
            length = hi[w] - lo[w] + 1
            for t in range(length):
                for j in range(k):
                    rows[0, j] = emit[lo[w] + t, j]
                if t == 0 and begins[w]:
                    for j in range(k):
                        rows[0, j] += start[j]
                if t == 0 and first[w] >= 0:
                    keep = rows[0, first[w]]
                    for j in range(k):
                        rows[0, j] = -INFINITY
                    rows[0, first[w]] = keep
                if t == length - 1 and last[w] >= 0:
                    keep = rows[0, last[w]]
                    for j in range(k):
                        rows[0, j] = -INFINITY
                    rows[0, last[w]] = keep
                if t == 0:
                    for j in range(k):
                        rows[1, j] = rows[0, j]
                    continue
                for j in range(k):
                    best = rows[1, 0] + trans[0, j]
                    arg = 0
                    for i in range(1, k):
                        v = rows[1, i] + trans[i, j]
                        if v > best:
                            best, arg = v, i
                    back[t, j] = <int8_t>arg
                    rows[2, j] = best + rows[0, j]
                for j in range(k):
                    rows[1, j] = rows[2, j]
            label = 0
            for j in range(1, k):
                if rows[1, j] > rows[1, label]:
                    label = j
            path[at + length - 1] = label
            for t in range(length - 1, 0, -1):
                label = back[t, label]
                path[at + t - 1] = label
            at += length
    return path_a


cdef struct Keyed:
    double key
    Py_ssize_t index


cdef void _sort(Keyed* a, Keyed* tmp, Py_ssize_t n) noexcept nogil:
    """Sort by key, stably (equal keys keep their order): insertion sort of blocks of 16,
    then bottom-up merges; `tmp` has room for n."""
    cdef Py_ssize_t lo, hi, mid, i, j, k, width = 16
    cdef Keyed x
    cdef Keyed* src = a
    cdef Keyed* dst = tmp
    cdef Keyed* swap
    lo = 0
    while lo < n:
        hi = min(lo + width, n)
        for i in range(lo + 1, hi):
            x = a[i]
            j = i - 1
            while j >= lo and a[j].key > x.key:
                a[j + 1] = a[j]
                j -= 1
            a[j + 1] = x
        lo = hi
    while width < n:
        lo = 0
        while lo < n:
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if src[j].key < src[i].key:
                    dst[k] = src[j]
                    j += 1
                else:
                    dst[k] = src[i]
                    i += 1
                k += 1
            while i < mid:
                dst[k] = src[i]
                i += 1
                k += 1
            while j < hi:
                dst[k] = src[j]
                j += 1
                k += 1
            lo = hi
        swap = src
        src = dst
        dst = swap
        width *= 2
    if src != a:
        for i in range(n):
            a[i] = src[i]


def page_features(const float[:, ::1] stats, const double[::1] fingerprint, const float[:, :] logs,
                  float[:, ::1] out, const int64_t[::1] src, const int64_t[::1] dst,
                  const int64_t[::1] log_dst, const int64_t[::1] div_src, const int64_t[::1] div_dst,
                  const float[::1] div_scale, const float[::1] div_cap, const float[::1] len_bins,
                  int prose_min, int gap_max, int window, double cap):
    """`features.dense_features` of one page but for the logarithms of its context: fills
    `out` (zeros on entry) from the stats, their logarithms `logs` (columns `log_dst`, the
    first one, log_chars, divided by 5), and returns the arguments of the logarithms left,
    (dist (5, n) float64, the repeats - 1 and the characters per token (2, n) float32, the
    number of prose paragraphs). `src` holds the stats columns (chars, sent_end, comma, cjk,
    indent, tokens, bullet, date, time, ends_sent, sep, kw_navigation, kw_gambling, kw_adult,
    kw_spam), `dst` the out columns (prose, rel_pos, rel_len_rank, in_main_block,
    after_main_block, before_main_block, inside_body, indent_flag, headline_candidate,
    script_gap, log_chars, the first column of prev, next, prev2, next2, len_bin0,
    ends_sent, bullet); the ratio and density columns are ``min(stats[div_src] / max(chars,
    1) * div_scale, div_cap)``."""
    cdef Py_ssize_t n = stats.shape[0], i, j, lo, hi, best, b0 = -1, b1 = -1, count = 0, nb, at
    cdef Py_ssize_t nlogs = log_dst.shape[0], ndiv = div_src.shape[0], nbins = len_bins.shape[0]
    cdef float d, v
    cdef int64_t c_chars = src[0], c_sent = src[1], c_comma = src[2], c_cjk = src[3], c_indent = src[4]
    cdef int64_t c_tokens = src[5], c_bullet = src[6], c_date = src[7], c_time = src[8], c_ends = src[9]
    cdef int64_t c_sep = src[10], c_nav = src[11], c_gam = src[12], c_adult = src[13], c_spam = src[14]
    dist_a = np.empty((5, n), dtype=np.float64)
    args_a = np.empty((2, n), dtype=np.float32)
    prose_a = np.zeros(n, dtype=np.uint8)
    where_a = np.empty(n, dtype=np.intp)
    keyed_a = np.empty(2 * n * sizeof(Keyed), dtype=np.uint8)
    own_a = np.zeros((n, 8), dtype=np.float32)
    cdef double[:, ::1] dist = dist_a
    cdef float[:, ::1] args = args_a, own = own_a
    cdef uint8_t[::1] prose = prose_a
    cdef Py_ssize_t[::1] where = where_a
    cdef uint8_t[::1] keyed_bytes = keyed_a
    cdef Keyed* keyed = <Keyed*><void*>&keyed_bytes[0] if n else NULL
    cdef float chars, cjk, total, cjk_total, share, best_chars
    cdef double denominator = (n - 1) if n > 1 else 1
    cdef Py_ssize_t nxt, prv, big = n + <Py_ssize_t>cap, run
    cdef int shift
    cdef int[4] shifts = [1, -1, 2, -2]  # prev, next, prev2, next2
    with nogil:
        for i in range(n):
            chars = stats[i, c_chars]
            for j in range(nlogs):
                out[i, log_dst[j]] = logs[i, j]
            out[i, log_dst[0]] = logs[i, 0] / 5
            j = 0
            while j < nbins and len_bins[j] < chars:
                j += 1
            out[i, dst[15] + j] = 1
            d = chars if chars > 1 else 1
            for j in range(ndiv):
                v = stats[i, div_src[j]] / d * div_scale[j]
                out[i, div_dst[j]] = v if v < div_cap[j] else div_cap[j]
            out[i, dst[16]] = stats[i, c_ends]
            out[i, dst[17]] = stats[i, c_bullet]
            if chars >= prose_min and stats[i, c_sent] + stats[i, c_comma] >= 2 and stats[i, c_cjk] >= 0.5 * chars:
                prose[i] = 1
                where[count] = i
                count += 1
            out[i, dst[0]] = prose[i]
            out[i, dst[1]] = <float>(i / denominator)
            dist[0, i] = i
            dist[1, i] = (n - 1) - i
        # rank by length (a stable sort), and repeats of each fingerprint
        for i in range(n):
            keyed[i].key, keyed[i].index = stats[i, c_chars], i
        if n:
            _sort(keyed, keyed + n, n)
        for i in range(n):
            out[keyed[i].index, dst[2]] = <float>(i / denominator)
        for i in range(n):
            keyed[i].key, keyed[i].index = fingerprint[i], i
        if n:
            _sort(keyed, keyed + n, n)
        i = 0
        while i < n:
            j = i
            while j + 1 < n and keyed[j + 1].key == keyed[i].key:
                j += 1
            for run in range(i, j + 1):
                args[0, keyed[run].index] = <float>(j - i + 1) - 1
            i = j + 1
        # the main block: from the longest prose paragraph over prose less than gap_max apart
        if count:
            best = 0
            for j in range(1, count):
                if stats[where[j], c_chars] > stats[where[best], c_chars]:
                    best = j
            lo = hi = best
            while lo > 0 and where[lo] - where[lo - 1] <= gap_max:
                lo -= 1
            while hi < count - 1 and where[hi + 1] - where[hi] <= gap_max:
                hi += 1
            b0, b1 = where[lo], where[hi]
        nxt = big
        for i in range(n - 1, -1, -1):
            if prose[i]:
                nxt = i
            dist[3, i] = min(<double>(nxt - i) if nxt <= n - 1 else cap, cap)
        prv = -big
        for i in range(n):
            if prose[i]:
                prv = i
            dist[4, i] = min(<double>(i - prv) if prv >= 0 else cap, cap)
        total = 0
        cjk_total = 0
        share = 1
        if b0 >= 0:
            for i in range(b0, b1 + 1):
                total = total + stats[i, c_chars]
                cjk_total = cjk_total + stats[i, c_cjk]
            if total != 0:
                share = cjk_total / total
        for i in range(n):
            chars = stats[i, c_chars]
            out[i, dst[3]] = not (i < b0 or i > b1)
            out[i, dst[4]] = b0 >= 0 and i > b1
            out[i, dst[5]] = b0 >= 0 and i < b0
            if b0 >= 0:
                dist[2, i] = min(<double>max(max(b0 - i, i - b1), 0), cap)
            else:
                dist[2, i] = cap
            out[i, dst[6]] = count > 0 and where[0] <= i and i <= where[count - 1]
            out[i, dst[7]] = stats[i, c_indent] > 0
            args[1, i] = chars / (stats[i, c_tokens] if stats[i, c_tokens] > 1 else 1)
            out[i, dst[9]] = abs(stats[i, c_cjk] / (chars if chars > 1 else 1) - share)
            own[i, 0] = prose[i]
            own[i, 1] = out[i, dst[10]]
            own[i, 2] = stats[i, c_bullet] > 0
            own[i, 3] = stats[i, c_gam] > 0 or stats[i, c_adult] > 0 or stats[i, c_spam] > 0
            own[i, 4] = stats[i, c_nav] > 0
            own[i, 5] = stats[i, c_sent] > 0
            own[i, 6] = chars <= 12
            own[i, 7] = stats[i, c_date] > 0 or stats[i, c_time] > 0
        # the likeliest headline among the `window` paragraphs before the main block
        if b0 > 0:
            best, best_chars = -1, -1
            for i in range(max(b0 - window, 0), b0):
                chars = stats[i, c_chars]
                if (chars >= 6 and stats[i, c_bullet] == 0 and stats[i, c_date] + stats[i, c_time] == 0
                        and stats[i, c_ends] == 0 and stats[i, c_cjk] >= 0.5 * chars and stats[i, c_sep] <= 1
                        and chars > best_chars):
                    best, best_chars = i, chars
            if best >= 0:
                out[best, dst[8]] = 1
        for nb in range(4):
            shift = shifts[nb]
            at = dst[11 + nb]
            for i in range(n):
                j = i - shift
                if 0 <= j < n:
                    for run in range(8):
                        out[i, at + run] = own[j, run]
    return dist_a, args_a, count


def lines(const Py_ssize_t[::1] codes, const int8_t[::1] kind):
    """`paragraphs._lines` and `_display_widths` in two passes: (starts, ends, widths) of the
    lines holding a character of kind 0 (`kind`: 0 ordinary, 1 space, 2 line end; clipped to
    its last entry), a line's width being its length plus its characters from U+1100 on."""
    cdef Py_ssize_t size = codes.shape[0], last = kind.shape[0] - 1, i, c, count = 0, at = 0, start = 0
    cdef int solid = 0
    cdef int8_t k
    with nogil:
        for i in range(size):
            c = codes[i]
            k = kind[c if c < last else last]
            if k == 0:
                solid = 1
            elif k == 2:
                count += solid
                solid = 0
        count += solid
    starts_a = np.empty(count, dtype=np.int64)
    ends_a = np.empty(count, dtype=np.int64)
    widths_a = np.empty(count, dtype=np.int64)
    cdef int64_t[::1] starts = starts_a, ends = ends_a, widths = widths_a
    cdef int64_t wide = 0
    solid = 0
    with nogil:
        for i in range(size + 1):
            if i < size:
                c = codes[i]
                k = kind[c if c < last else last]
            else:
                k = 2
            if k == 2:
                if solid:
                    starts[at], ends[at], widths[at] = start, i, (i - start) + wide
                    at += 1
                start, solid, wide = i + 1, 0, 0
            else:
                solid |= k == 0
                wide += c >= 0x1100
    return starts_a, ends_a, widths_a


def keyword_hits(list found, const int64_t[::1] category, const int64_t[::1] ss, const int64_t[::1] lens,
                 const int64_t[::1] columns, float[:, ::1] stats, Py_ssize_t lo):
    """`features._keywords` from the automaton's matches (pattern, start byte, end byte):
    those starting on a character, inside the stripped text of the last paragraph starting at
    or before them, counted into `stats`; returns (paragraph, start + lo, end + lo, category)."""
    cdef Py_ssize_t m = len(found), n = ss.shape[0], k, kept = 0, a, b, mid, pid
    cdef int64_t start, end, pattern
    pid_a = np.empty(m, dtype=np.int32)
    start_a = np.empty(m, dtype=np.int64)
    end_a = np.empty(m, dtype=np.int64)
    cat_a = np.empty(m, dtype=np.int64)
    cdef int32_t[::1] kw_pid = pid_a
    cdef int64_t[::1] kw_start = start_a, kw_end = end_a, kw_cat = cat_a
    for k in range(m):
        pattern, start, end = found[k]
        if start % 2:
            continue
        start //= 2
        end //= 2
        a, b = 0, n  # the first paragraph starting after `start`
        while a < b:
            mid = (a + b) // 2
            if ss[mid] <= start:
                a = mid + 1
            else:
                b = mid
        pid = a - 1
        if pid < 0 or end > ss[pid] + lens[pid]:
            continue
        kw_pid[kept], kw_start[kept], kw_end[kept] = <int32_t>pid, start + lo, end + lo
        kw_cat[kept] = category[pattern]
        stats[pid, columns[category[pattern]]] += 1
        kept += 1
    return pid_a[:kept], start_a[:kept], end_a[:kept], cat_a[:kept]


def decode_page(const double[:, ::1] probs, double[:, ::1] emit, const double[:, ::1] trans,
                const double[::1] start, double confident, double article_confident, page_starts=None):
    """`segmenter.segment` for one page, or for several laid one after the other (`page_starts`:
    each page's first paragraph, ascending; windows never cross pages), but for the emissions'
    logarithms (`emit`, changed in place): each paragraph's top label (the first of equal
    probabilities), the sure ones (top probability at least `confident`, spam, or article at
    least `article_confident`; spam is neither moved nor invented: no other paragraph may emit
    it), then the windows (each run of unsure paragraphs of a page, widened by one anchor of
    the page on each side, whose label `top` fixes; the page's start probabilities apply to a
    window that opens the page) decoded by `viterbi_windows`. Returns (labels, changed: label
    != top)."""
    cdef Py_ssize_t n = probs.shape[0], k = probs.shape[1], i, j, w = 0, p, a, b
    top_a = np.empty(n, dtype=np.int64)
    sure_a = np.empty(n, dtype=np.uint8)
    cdef int64_t[::1] top = top_a
    cdef uint8_t[::1] sure = sure_a
    lo_a, hi_a, first_a, last_a = (np.empty(n, dtype=np.int64) for _ in range(4))
    begins_a = np.empty(n, dtype=np.uint8)
    cdef int64_t[::1] lo = lo_a, hi = hi_a, first = first_a, last = last_a
    cdef uint8_t[::1] begins = begins_a
    cdef int64_t[::1] pages = np.zeros(1, dtype=np.int64) if page_starts is None else \
        np.ascontiguousarray(page_starts, dtype=np.int64)
    with nogil:
        for i in range(n):
            j = 0
            for w in range(1, k):
                if probs[i, w] > probs[i, j]:
                    j = w
            top[i] = j
            sure[i] = probs[i, j] >= confident or j == k - 1 or probs[i, 0] >= article_confident
            if j != k - 1:
                emit[i, k - 1] = -INFINITY
        w = 0
        for p in range(pages.shape[0]):
            a = pages[p]  # the page's paragraphs: a..b-1
            b = pages[p + 1] if p + 1 < pages.shape[0] else n
            i = a
            while i < b:
                if sure[i]:
                    i += 1
                    continue
                j = i
                while j + 1 < b and not sure[j + 1]:
                    j += 1
                lo[w] = i - 1 if i > a else a
                hi[w] = j + 1 if j + 1 < b else b - 1
                first[w] = top[lo[w]] if lo[w] < i else -1
                last[w] = top[hi[w]] if hi[w] > j else -1
                begins[w] = lo[w] == a
                w += 1
                i = j + 1
    labels_a = top_a.copy()
    if not w:
        return labels_a, np.zeros(n, dtype=bool)
    path_a = viterbi_windows(emit, lo_a[:w], hi_a[:w], first_a[:w], last_a[:w], begins_a[:w], trans, start)
    cdef int64_t[::1] labels = labels_a, path = path_a
    cdef Py_ssize_t at = 0, v
    for v in range(w):
        for i in range(lo[v], hi[v] + 1):
            labels[i] = path[at]
            at += 1
    return labels_a, labels_a != top_a


cdef int64_t* _doubled(int64_t* buf, Py_ssize_t* cap, Py_ssize_t width) except NULL:
    """`buf`, room for `cap[0]` rows of `width` int64, grown to twice the rows (`cap[0]`
    doubled). When memory runs out, MemoryError, and `buf` stays the caller's to free."""
    cdef int64_t* grown = <int64_t*>realloc(buf, 2 * width * cap[0] * sizeof(int64_t))
    if grown == NULL:
        raise MemoryError()
    cap[0] *= 2
    return grown


def page_pass(const Py_ssize_t[::1] codes, const uint8_t[::1] table, int rare_class, int common_class,
              int min_rare, double min_share):
    """What the cleaner reads of a page before scoring, in one pass over its code points
    instead of three (`table`: `cleaner._page_table`, clipped to its last entry; bits 0-1 the
    kind of `lines`, bits 2-4 those of the repairs' scan, bits 5-6 the class of
    `repair.char_classes`): ((starts, ends, widths) of its lines as `lines` gives them, the
    places where a glued marker may start (a character with bit 2 followed by one with bit 3),
    whether a toned pinyin vowel (bit 4) occurs, and `repair.mojibake_report`'s counts (rare
    characters, common characters, the (start, end) of each line between newlines holding at
    least `min_rare` rare characters that make `min_share` of its rare and common ones))."""
    cdef Py_ssize_t size = codes.shape[0], last = table.shape[0] - 1, i, c, start = 0, mstart = 0
    cdef Py_ssize_t nlines = 0, cap = 64 + size // 16, nheads = 0, hcap = 16
    cdef uint8_t t, k, cls, prev = 0, seen = 0
    cdef int solid = 0
    cdef int64_t wide = 0, rare = 0, common = 0, line_rare = 0, line_common = 0
    cdef int64_t* buf = <int64_t*>malloc(3 * cap * sizeof(int64_t))
    cdef int64_t* hbuf = <int64_t*>malloc(hcap * sizeof(int64_t))
    cdef int64_t[::1] sv, ev, wv, hv
    if buf == NULL or hbuf == NULL:
        free(buf)
        free(hbuf)
        raise MemoryError()
    spans = []
    try:
        for i in range(size + 1):
            if i < size:
                c = codes[i]
                t = table[c if c < last else last]
            else:
                c, t = 10, 2
            k = t & 3
            if k == 2:
                if solid:
                    if nlines == cap:
                        buf = _doubled(buf, &cap, 3)
                    buf[3 * nlines], buf[3 * nlines + 1], buf[3 * nlines + 2] = start, i, (i - start) + wide
                    nlines += 1
                start, solid, wide = i + 1, 0, 0
            else:
                solid |= k == 0
                wide += c >= 0x1100
            if (prev & 4) and (t & 8):
                if nheads == hcap:
                    hbuf = _doubled(hbuf, &hcap, 1)
                hbuf[nheads] = i - 1
                nheads += 1
            seen |= t
            prev = t
            if c == 10:
                if line_rare >= min_rare and line_rare >= min_share * (line_rare + line_common):
                    spans.append((mstart, i))
                rare += line_rare
                common += line_common
                line_rare = line_common = 0
                mstart = i + 1
                continue
            cls = (t >> 5) & 3
            if cls == rare_class:
                line_rare += 1
            elif cls == common_class:
                line_common += 1
        starts_a = np.empty(nlines, dtype=np.int64)
        ends_a = np.empty(nlines, dtype=np.int64)
        widths_a = np.empty(nlines, dtype=np.int64)
        heads_a = np.empty(nheads, dtype=np.int64)
        sv, ev, wv, hv = starts_a, ends_a, widths_a, heads_a
        for i in range(nlines):
            sv[i], ev[i], wv[i] = buf[3 * i], buf[3 * i + 1], buf[3 * i + 2]
        for i in range(nheads):
            hv[i] = hbuf[i]
    finally:
        free(buf)
        free(hbuf)
    return (starts_a, ends_a, widths_a), heads_a, bool(seen & 16), (rare, common, spans)

