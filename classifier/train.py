"""Training: features of labeled pages -> logistic regression -> calibrated, segmented model.

Deterministic: the same files, options and seed give the same figures and a byte-identical
model file. The held-out split is by page; the final model is refit on every page with
the same settings, its temperature taken from the held-out fit.
"""
from __future__ import annotations

import random
import warnings
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .errors import LabeledDataError

from .features import CHUNK_CHARS, N_HASH, batches, dense_features, page_of, pages_batch
from .keywords import mine_brands, mine_keywords, segment_words
from .labeled import LabeledPage
from .lexicon import Matcher, builtin_keywords
from .features import pattern_keywords
from .metrics import report
from .normalize import codes_of, fold
from .model import LABELS, Model
from .segmenter import segment

LABEL_INDEX = {lab: i for i, lab in enumerate(LABELS)}


@dataclass(frozen=True)
class TrainOptions:
    """C: inverse L2 strength of the logistic regression. holdout: share of pages held out.
    seed: page split seed. solver, max_iter, tol: scikit-learn's LogisticRegression solver and limits. min_df: n-gram columns seen
    in fewer paragraphs get no weight. mine: mine keywords with jieba.
    class_weight: extra weight per label (spam errors cost more than navigation ones).
    ngram_scale: n-gram feature values are multiplied by this while fitting (below 1: the
    n-grams are regularized harder than the layout features); folded into the saved weights.
    clean_pages: weight of derived pages made of each page's article paragraphs alone (an
    already clean article must stay whole); 0 turns the derivation off.
    brands: mine brands (`keywords.mine_brands`: distinctive strings of the spam paragraphs)
    into the model; they count as "spam" keywords and make their paragraphs spam.
    brand_ngrams: False: the n-grams inside a brand are taken out of the paragraphs holding it
    while fitting, so that the brand's keyword carries it and the common words inside a brand
    (翠鸟 in 翠鸟汇) learn nothing from it (cc100 dev spam F1 0.688 against 0.690 with them
    kept: the same, measured with scripts/tune.py-like runs on labeled/ + cc100 train).
    page_cap: a page's paragraphs weigh at most this many paragraphs in all (each scaled down
    on longer pages, so that one huge site does not dominate); 0: no cap. Measured on cc100
    dev: 150 as none (spam F1 0.687 against 0.688), 60 worse (0.620, article->spam 0.141
    against 0.084): off."""

    C: float = 0.3
    holdout: float = 0.15
    seed: int = 13
    solver: str = "newton-cg"
    max_iter: int = 200
    tol: float = 1e-4
    min_df: int = 2
    mine: bool = True
    class_weight: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 2.0)
    ngram_scale: float = 1.0
    clean_pages: float = 1.0
    brands: bool = True
    brand_ngrams: bool = False
    page_cap: float = 0.0


def _features(pages: Sequence[LabeledPage], matcher: Matcher):
    """The n-gram matrix (CSR), the dense features and their names of the pages' paragraphs.
    Consecutive pages are taken together, CHUNK_CHARS characters at a time, in one feature
    batch (`pages_batch`: each page gets the features it gets alone, from fewer and larger
    numpy operations; 3x faster than page by page here); a longer page alone, in `batches`."""
    from scipy import sparse

    rows, cols, vals, dense = [], [], [], []
    offset = 0
    names: list[str] = []
    for chunk in _chunks(pages):
        text, starts, ends = page_of([t for p in chunk for t in p.texts])
        page_starts = None
        if len(chunk) == 1:
            found = list(batches(text, starts, ends, matcher))
        else:
            page_starts = np.cumsum([0] + [len(p.texts) for p in chunk[:-1]])
            found = [pages_batch(text, codes_of(text), starts, ends, page_starts, matcher)]
        for b in found:
            rows.append(b.ngram_pid.astype(np.int64) + offset + b.first)
            cols.append(b.ngram_hash)
            vals.append(b.paragraph_scale[b.ngram_pid])  # each occurrence weighs 1/sqrt(its paragraph's n-grams)
        d, names = dense_features(np.concatenate([b.stats for b in found]),
                                  np.concatenate([b.fingerprint for b in found]), page_starts)
        dense.append(d)
        offset += len(starts)
    ngrams = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                               shape=(offset, N_HASH), dtype=np.float64)
    return ngrams, np.concatenate(dense), names


def _chunks(pages: Sequence[LabeledPage]) -> Iterator[list[LabeledPage]]:
    """Consecutive pages of at most CHUNK_CHARS characters together; a longer page alone."""
    chunk: list[LabeledPage] = []
    size = 0
    for page in pages:
        chars = sum(map(len, page.texts)) + len(page.texts)
        if chunk and size + chars > CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
        chunk.append(page)
        size += chars
    if chunk:
        yield chunk


def with_clean_pages(pages: Sequence[LabeledPage], weight: float) -> list[LabeledPage]:
    """`pages` plus, for each page with at least two article paragraphs, a derived page of
    just those paragraphs, all article: what `clean` sees when given an already clean text."""
    out = list(pages)
    if weight > 0:
        for p in pages:
            art = [t for t, lab in zip(p.texts, p.labels) if lab == "article"]
            if len(art) >= 2:
                out.append(LabeledPage(f"{p.id}#clean", art, ["article"] * len(art), p.source, p.file, p.line,
                                       p.weight * weight))
    return out


def _solve(ngrams, dense: np.ndarray, y: np.ndarray, w: np.ndarray, opts: TrainOptions):
    """Classes, coefficients (classes, n-gram columns + dense columns) and intercepts of
    scikit-learn's ``LogisticRegression`` (multinomial, L2, `opts.solver`) on the stacked
    matrix ``[ngrams | dense]`` with sample weights. Two classes: the binomial fit as the
    equivalent softmax rows (-z/2, z/2). One BLAS thread: the result then does not depend on
    the machine's threads, and a multithreaded BLAS between single-threaded sparse products
    only slows a shared 2-core machine down."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    classes = np.unique(y)
    if len(classes) < 2:
        raise LabeledDataError(f"every training paragraph is {LABELS[int(classes[0])]}: training needs at least "
                               "two labels")
    x = sparse.hstack([ngrams, sparse.csr_matrix(dense)], format="csr", dtype=np.float64)
    clf = LogisticRegression(C=opts.C, tol=opts.tol, max_iter=opts.max_iter, solver=opts.solver)
    with threadpool_limits(1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter bounds the time; figures are measured
        clf.fit(x, y, sample_weight=w)
    coef, intercept = clf.coef_, clf.intercept_
    if len(classes) == 2:
        coef, intercept = np.vstack([-coef / 2, coef / 2]), np.concatenate([-intercept / 2, intercept / 2])
    return clf.classes_, coef, intercept


def _brands(pages: Sequence[LabeledPage], opts: TrainOptions) -> list[str]:
    """Brands of the promotion in the spam paragraphs. Spam of kind `seo` (keyword stuffing, SEO
    lists) names no operator: its phrases (a city's "空调维修", a spun novel's title) are not
    brands, and count with the other paragraphs (a brand must be absent from them)."""
    if not opts.brands:
        return []
    labels = [("seo" if lab == "spam" and p.kind_of(i) == "seo" else lab)
              for p in pages for i, lab in enumerate(p.labels)]
    return [b for b, _ in mine_brands([t for p in pages for t in p.texts], labels,
                                      [w for w, _ in builtin_keywords()])]


def _without_brand_ngrams(ngrams, texts: list[str], brands: list[str], matcher: Matcher):
    """`ngrams` with the entries of the n-grams inside a brand removed from the rows holding it."""
    import ahocorasick_rs

    if not brands:
        return ngrams
    inside = {b: np.unique(np.concatenate([x.ngram_hash for x in batches(*page_of([b]), matcher)]))
              for b in brands}
    ac = ahocorasick_rs.AhoCorasick(brands)
    ngrams = ngrams.tocsr(copy=True)
    for r, t in enumerate(texts):
        found = {brands[m[0]] for m in ac.find_matches_as_indexes(fold(t), overlapping=True)}
        if found:
            a, z = ngrams.indptr[r], ngrams.indptr[r + 1]
            drop = np.isin(ngrams.indices[a:z], np.concatenate([inside[b] for b in sorted(found)]))
            ngrams.data[a:z][drop] = 0.0
    ngrams.eliminate_zeros()
    return ngrams


def _row_weights(pages: Sequence[LabeledPage], opts: TrainOptions) -> np.ndarray:
    """Each paragraph's sample weight: its page's weight (capped: `TrainOptions.page_cap`) times
    its label's class weight."""
    w = []
    for p in pages:
        scale = p.weight * (min(1.0, opts.page_cap / len(p.texts)) if opts.page_cap > 0 else 1.0)
        w.extend(scale * opts.class_weight[LABEL_INDEX[lab]] for lab in p.labels)
    return np.array(w)


def _fit(pages: Sequence[LabeledPage], keywords: list, opts: TrainOptions):
    real_pages, pages = pages, with_clean_pages(pages, opts.clean_pages)
    brands = _brands(real_pages, opts)
    matcher = Matcher.build(list(builtin_keywords()) + [(k[0], k[1]) for k in keywords]
                            + [(b, "spam") for b in brands] + pattern_keywords())
    ngrams, dense, names = _features(pages, matcher)
    if not opts.brand_ngrams:
        ngrams = _without_brand_ngrams(ngrams, [t for p in pages for t in p.texts], brands, matcher)
    # Fit only on hashed columns seen in at least MIN_DF paragraphs: the solver's cost grows
    # with the number of parameters, and a column seen once cannot generalise anyway.
    used = np.flatnonzero(np.bincount(ngrams.indices, minlength=N_HASH) >= opts.min_df)
    ngrams = ngrams[:, used] * opts.ngram_scale
    mean = dense.mean(axis=0)  # centred: uncentred features made Newton-CG twice as slow here
    scale = dense.std(axis=0)
    scale[scale < 1e-6] = 1.0
    y = np.array([LABEL_INDEX[lab] for p in pages for lab in p.labels])
    w = _row_weights(pages, opts)
    classes, fitted, intercept = _solve(ngrams, (dense - mean) / scale, y, w, opts)
    coef = np.zeros((len(LABELS), N_HASH + dense.shape[1]))
    coef[np.ix_(classes, used)] = fitted[:, :len(used)]
    coef[classes, N_HASH:] = fitted[:, len(used):]
    bias = np.full(len(LABELS), -30.0)
    bias[classes] = intercept
    counts = np.bincount(y, minlength=len(LABELS)) + 1.0
    trans = np.ones((len(LABELS), len(LABELS)))
    start = np.ones(len(LABELS))
    for p in real_pages:  # the sequence model learns from real pages only
        seq = [LABEL_INDEX[lab] for lab in p.labels]
        start[seq[0]] += 1
        for a, b in zip(seq, seq[1:]):
            trans[a, b] += 1
    model = Model(
        ngram_weights=(coef[:, :N_HASH].T * opts.ngram_scale).astype(np.float32),
        dense_weights=coef[:, N_HASH:].T.astype(np.float32).copy(),
        bias=bias.astype(np.float32), dense_mean=mean.astype(np.float32), dense_scale=scale.astype(np.float32),
        transitions=np.log(trans / trans.sum(axis=1, keepdims=True)), start=np.log(start / start.sum()),
        dense_names=names, priors=(counts / counts.sum()).round(6).tolist(), keywords=list(keywords),
        brands=brands,
    )
    return model


def _temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The softmax temperature (grid 0.5..4) minimising the log loss of `scores` on labels `y`."""
    best, best_t = np.inf, 1.0
    for t in np.round(np.arange(0.5, 4.01, 0.05), 2):
        z = scores / t
        z = z - z.max(axis=1, keepdims=True)
        nll = -(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(axis=1))).mean()
        if nll < best - 1e-12:
            best, best_t = nll, float(t)
    return best_t


def _labels(model: Model, page_scores: Sequence[np.ndarray], options=None) -> tuple[list, list]:
    """Top labels and segmented labels from each page's logit scores."""
    from .cleaner import Options

    o = options or Options()
    tops, segs = [], []
    priors = np.asarray(model.priors)
    for scores in page_scores:
        probs = model.probabilities(scores)
        seg = segment(probs, priors, model.transitions, model.start, o.confident, o.transition_weight,
                      o.article_confident)
        tops.extend(LABELS[i] for i in probs.argmax(axis=1))
        segs.extend(LABELS[i] for i in seg.labels)
    return tops, segs


def predict_pages(model: Model, pages: Sequence[LabeledPage], options=None) -> tuple[list, list]:
    """Top labels and segmented labels for labeled pages (their given paragraphs)."""
    return _labels(model, [model.score_texts(p.texts) for p in pages], options)


MIN_HOLDOUT_PAGES = 10  # fewer pages: no held-out run (too few to train on and to measure)


def split_pages(pages: Sequence[LabeledPage], holdout: float, seed: int):
    """(training pages, held-out pages): `holdout` of the pages, at least one, by a seeded shuffle."""
    order = sorted(range(len(pages)), key=lambda i: (pages[i].file, pages[i].id))
    random.Random(seed).shuffle(order)
    n_hold = min(max(1, int(round(len(pages) * holdout))), len(pages) - 1)
    held = set(order[:n_hold])
    return [p for i, p in enumerate(pages) if i not in held], [p for i, p in enumerate(pages) if i in held]


def _held_out_run(train_pages, held, opts: TrainOptions, user_keywords, words=None) -> tuple[float, dict]:
    """Fit on the training split; return the temperature calibrated on `held` and its figures."""
    model = _mine_and_fit(train_pages, opts, user_keywords, words)
    page_scores = [model.score_texts(p.texts) for p in held]  # scored once: calibration and figures
    gold = [lab for p in held for lab in p.labels]
    # calibrated on the paragraphs without a forced term: their score is pushed, not learned
    free = np.ones(len(gold), dtype=bool)
    first = np.cumsum([0] + [len(p.texts) for p in held[:-1]])
    for p, a in zip(held, first.tolist()):
        free[[a + i for i in model.brand_paragraphs(p.texts)]] = False
    model.temperature = _temperature(np.concatenate(page_scores)[free],
                                     np.array([LABEL_INDEX[lab] for lab in gold])[free])
    tops, segs = _labels(model, page_scores)
    return model.temperature, {"held_out_pages": len(held), "classifier": report(gold, tops),
                               "segmented": report(gold, segs)}


def _mine_and_fit(pages, opts: TrainOptions, user_keywords, words=None) -> Model:
    return _fit(pages, _mine(pages, opts, words) + [tuple(k) for k in user_keywords], opts)


def train(pages: Sequence[LabeledPage], opts: TrainOptions = TrainOptions(), user_keywords: Sequence = (),
          progress: Callable[[str], None] = lambda msg: None, n_jobs: int = 2) -> tuple[Model, dict]:
    """Fit on a page split to report held-out figures and calibrate, and refit on all pages.

    The paragraphs are segmented once for the keyword mining of both fits (jieba, split
    between the `n_jobs` processes); the two fits are independent and run in parallel
    (joblib, `n_jobs` processes); the final model takes the temperature calibrated on the
    held-out split."""
    if opts.holdout <= 0 or len(pages) < MIN_HOLDOUT_PAGES:
        if opts.holdout > 0:
            progress(f"only {len(pages)} pages: no held-out figures (they need at least {MIN_HOLDOUT_PAGES} "
                     "pages); temperature 1")
        progress(f"mining keywords and fitting on all {len(pages)} pages")
        return _mine_and_fit(pages, opts, user_keywords), {}
    train_pages, held = split_pages(pages, opts.holdout, opts.seed)
    texts = list(dict.fromkeys(t for p in pages for t in p.texts)) if opts.mine else []
    jobs = min(n_jobs, 2)
    if texts:
        progress(f"segmenting {len(texts)} distinct paragraphs, {jobs} job(s)")
    if jobs > 1:
        from joblib import Parallel, delayed

        with Parallel(n_jobs=jobs) as parallel:
            words = {}
            for part in parallel(delayed(segment_words)(chunk) for chunk in _halves(texts)) if texts else ():
                words.update(part)
            progress(f"fitting on {len(train_pages)} pages (held-out run, {len(held)} pages held out) "
                     f"and on all {len(pages)} pages, {jobs} jobs")
            (temperature, figures), model = parallel(
                [delayed(_held_out_run)(train_pages, held, opts, user_keywords, words),
                 delayed(_mine_and_fit)(pages, opts, user_keywords, words)])
    else:
        words = segment_words(texts)
        progress(f"fitting on {len(train_pages)} pages (held-out run, {len(held)} pages held out), "
                 f"then on all {len(pages)} pages")
        temperature, figures = _held_out_run(train_pages, held, opts, user_keywords, words)
        model = _mine_and_fit(pages, opts, user_keywords, words)
    model.temperature = temperature
    progress("done")
    return model, figures


def _halves(texts: list[str]) -> list[list[str]]:
    """`texts` in two consecutive parts of about the same number of characters."""
    ends = np.cumsum([len(t) for t in texts])
    cut = int(np.searchsorted(ends, ends[-1] / 2)) if len(texts) else 0
    return [texts[:cut], texts[cut:]]


def _mine(pages: Sequence[LabeledPage], opts: TrainOptions, words=None) -> list:
    if not opts.mine:
        return []
    texts = [t for p in pages for t in p.texts]
    labels = [lab for p in pages for lab in p.labels]
    weights = [p.weight for p in pages for _ in p.texts]
    return [tuple(k) for k in mine_keywords(texts, labels, weights, words)]
