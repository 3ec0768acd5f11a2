"""L2-regularised multinomial logistic regression for training, over a design matrix made of
a sparse block (the hashed n-grams) and a dense block (the centred layout features).

The objective and the solver are those of ``LogisticRegression(solver="newton-cg")``
(`newton_cg` is scikit-learn's Newton-CG: the same steps, line search and stopping rules);
what differs is how the time-consuming parts are computed. Almost all the time goes into
the Hessian-vector products of the conjugate gradient, each one product with X and one
with X transposed, and into the vector updates between them:

* the n-gram block keeps one row per distinct row (menus, footers and the derived clean
  pages repeat paragraphs: half of the non-zeros here), and rows are gathered or summed
  through the map from rows to distinct rows;
* it is stored by column (CSC): a product with it then reads its few rows of the
  coefficients once per column and scatters into a small output, where CSR (what
  ``LogisticRegression`` converts its input to) gathers a random row of the large
  coefficient array for every non-zero: measured 2x faster here;
* the dense block stays a dense array (a small BLAS product), instead of becoming 100
  stored values per row of a sparse matrix, and is taken in float32 in the Hessian
  products (never in the gradient or the loss);
* the conjugate gradient updates its vectors in place with BLAS.

The solver stops where the gradient is small (max |g| <= tol), and the objective is flat
along rare n-grams, so the coefficients differ from scikit-learn's by more than rounding
(up to 0.02 on the shipped model's dense weights, on the same data); the seed, dev and
held-out figures were measured unchanged. The result is deterministic.

`newton_cg`, `_cg` and `_line_search` follow scikit-learn's ``sklearn/utils/optimize.py``
(Copyright (c) 2007-2024 The scikit-learn developers, BSD-3-Clause license: redistribution
with or without modification is permitted provided the copyright notice, the conditions and
the disclaimer are retained; see https://github.com/scikit-learn/scikit-learn/blob/main/COPYING).
They were adapted to update vectors in place, which scikit-learn's functions cannot be told to do.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy import sparse
from scipy.linalg import blas  # loaded before `fit` limits the BLAS threads, so that the limit applies to it


class Design:
    """The design matrix ``[ngrams | dense]`` as a distinct-row CSC n-gram block, the map
    from rows to distinct rows, and the dense block (also in float32, for the Hessian
    products: see `MultinomialLoss.gradient_hessp`)."""

    def __init__(self, ngrams: sparse.csr_matrix, dense: np.ndarray):
        ngrams = sparse.csr_matrix(ngrams, dtype=np.float64)
        ngrams.sum_duplicates()  # canonical: equal rows have equal bytes
        indptr, indices, data = ngrams.indptr, ngrams.indices, ngrams.data
        first: dict[bytes, int] = {}
        distinct: list[int] = []  # the first row of each distinct row
        inverse = np.empty(ngrams.shape[0], dtype=np.int64)
        for i, (a, b) in enumerate(zip(indptr[:-1].tolist(), indptr[1:].tolist())):
            j = inverse[i] = first.setdefault(indices[a:b].tobytes() + data[a:b].tobytes(), len(first))
            if j == len(distinct):
                distinct.append(i)
        self.ngrams = ngrams[distinct].tocsc()
        self.inverse = inverse
        # sums rows of an (n, k) array into their distinct rows, as a sparse product
        self.fold = sparse.csr_matrix((np.ones(len(inverse)), (inverse, np.arange(len(inverse)))),
                                      shape=(len(first), len(inverse)))
        self.dense = np.ascontiguousarray(dense, dtype=np.float64)
        self.dense32 = self.dense.astype(np.float32)
        self.n_sparse = ngrams.shape[1]
        self.shape = (ngrams.shape[0], ngrams.shape[1] + self.dense.shape[1])

    def dot(self, w: np.ndarray, single: bool = False) -> np.ndarray:
        """X @ w for coefficients w of shape (n_features, k): (n_samples, k). `single`: the
        dense block's product in float32."""
        out = (self.ngrams @ w[:self.n_sparse])[self.inverse]
        wd = w[self.n_sparse:]
        out += self.dense32 @ wd.astype(np.float32) if single else self.dense @ wd
        return out

    def tdot(self, a: np.ndarray, out: np.ndarray, single: bool = False) -> np.ndarray:
        """X.T @ a for a of shape (n_samples, k), written into `out` (n_features, k)."""
        out[:self.n_sparse] = self.ngrams.T @ (self.fold @ a)
        out[self.n_sparse:] = ((a.astype(np.float32).T @ self.dense32) if single else a.T @ self.dense).T
        return out


class MultinomialLoss:
    """``mean_w(cross-entropy) + l2 / 2 * |W|^2`` (no penalty on the intercepts), its gradient
    and Hessian-vector products, on flat coefficients laid out as scikit-learn's: the
    (classes, features + 1) array in Fortran order, intercepts last; that is, the
    (features + 1, classes) array in C order, used here as such."""

    def __init__(self, x: Design, y: np.ndarray, sample_weight: np.ndarray, n_classes: int, l2: float):
        self.x, self.k, self.l2 = x, n_classes, l2
        self.sw = np.asarray(sample_weight, dtype=np.float64)
        self.sw_sum = float(self.sw.sum())
        self.swn = (self.sw / self.sw_sum)[:, None]  # each sample's share of the mean
        self.onehot = np.zeros((len(y), n_classes))
        self.onehot[np.arange(len(y)), y] = 1.0

    def _raw(self, coef):
        c = coef.reshape((-1, self.k))
        raw = self.x.dot(c[:-1])
        raw += c[-1]
        return c[:-1], raw

    def loss(self, coef) -> float:
        w, raw = self._raw(coef)
        top = raw.max(axis=1, keepdims=True)
        lse = np.log(np.exp(raw - top).sum(axis=1)) + top[:, 0]
        pointwise = lse - (raw * self.onehot).sum(axis=1)
        return float(pointwise @ self.sw) / self.sw_sum + 0.5 * self.l2 * float((w * w).sum())

    def _proba(self, raw):
        p = np.exp(raw - raw.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        return p

    def _combine(self, t: np.ndarray, w: np.ndarray, single: bool = False) -> np.ndarray:
        """X.T @ t + l2 * w, and the column sums of `t` for the intercepts: flat."""
        out = np.empty((w.shape[0] + 1, self.k))
        self.x.tdot(t, out[:-1], single)
        blas.daxpy(w.ravel(), out[:-1].ravel(), a=self.l2)  # in place: out is contiguous
        out[-1] = t.sum(axis=0)
        return out.ravel()

    def gradient(self, coef) -> np.ndarray:
        w, raw = self._raw(coef)
        return self._combine((self._proba(raw) - self.onehot) * self.swn, w)

    def gradient_hessp(self, coef):
        """The gradient, and the Hessian-vector product function. The Hessian products take
        the dense block in float32 (4x faster there): they only steer the conjugate gradient
        inside a Newton step, while the gradient, the loss, hence the line search and the
        stopping rule, stay in float64."""
        w, raw = self._raw(coef)
        proba = self._proba(raw)
        swp = proba * self.swn

        def hessp(s):
            c = s.reshape((-1, self.k))
            t = self.x.dot(c[:-1], single=True)
            t += c[-1]
            t -= (proba * t).sum(axis=1, keepdims=True)
            t *= swp
            return self._combine(t, c[:-1], single=True)

        return self._combine(swp - self.onehot * self.swn, w), hessp


def newton_cg(loss: MultinomialLoss, coef: np.ndarray, tol: float, max_iter: int,
              max_inner: int = 200) -> tuple[np.ndarray, int]:
    """Minimise `loss` from `coef`: scikit-learn's Newton-CG (``sklearn.utils.optimize.
    _newton_cg``, BSD-3-Clause), same steps and rules: stop when max |gradient| <= tol;
    each Newton step from conjugate gradient on the Hessian, stopped at sum |residual| <=
    min(0.5, sqrt(sum |gradient|)) * sum |gradient|; a Wolfe line search. Returns the
    coefficients and the number of Newton steps."""
    x = coef.copy()
    fval, old_fval = loss.loss(x), None
    k = 0
    while k < max_iter:
        grad, hessp = loss.gradient_hessp(x)
        absgrad = np.abs(grad)
        if absgrad.max() <= tol:
            return x, k
        mag = float(absgrad.sum())
        step = _cg(hessp, grad, max_inner, min(0.5, np.sqrt(mag)) * mag)
        alpha, fval, old_fval = _line_search(loss, x, step, grad, fval, old_fval)
        if alpha is None:
            warnings.warn("Line Search failed")
            return x, k
        x += alpha * step
        k += 1
    from sklearn.exceptions import ConvergenceWarning

    warnings.warn(f"newton-cg failed to converge at loss = {fval}. Increase the number of iterations.",
                  ConvergenceWarning)
    return x, k


def _cg(hessp, grad: np.ndarray, max_iter: int, tol: float) -> np.ndarray:
    """Solve ``H x = -grad`` by conjugate gradient from 0 (scikit-learn's ``_cg``: the same
    stopping rules), with in-place BLAS vector updates: on vectors of 4 x 200k coefficients,
    numpy's temporaries cost a third of the solver's time."""
    eps = 16 * np.finfo(np.float64).eps
    x = np.zeros_like(grad)
    r = grad.copy()  # residual H x + grad
    p = -r
    rr = blas.ddot(r, r)
    p_norm2 = rr
    i = 0
    while i <= max_iter:
        if blas.dasum(r) <= tol:
            break
        hp = hessp(p)
        curv = blas.ddot(p, hp)
        if 0 <= curv <= eps * p_norm2:  # capped CG (arXiv:1803.02924, algorithm 1)
            break
        if curv < 0:
            if i == 0:  # steepest descent
                blas.daxpy(p, x, a=rr / curv)
            break
        alpha = rr / curv
        blas.daxpy(p, x, a=alpha)
        blas.daxpy(hp, r, a=alpha)
        rr_next = blas.ddot(r, r)
        beta = rr_next / rr
        blas.dscal(beta, p)
        blas.daxpy(r, p, a=-1.0)  # p = -r + beta p
        p_norm2 = rr_next + beta ** 2 * p_norm2
        rr = rr_next
        i += 1
    return x


def _line_search(loss: MultinomialLoss, x: np.ndarray, step: np.ndarray, grad: np.ndarray, fval: float,
                 old_fval: float | None):
    """scikit-learn's ``_line_search_wolfe12``: scipy's MINPACK Wolfe line search; if it
    fails, the full step when it changes the loss by no more than rounding and lowers
    sum |gradient|; else scipy's other Wolfe line search. (step, new loss, previous loss)."""
    from scipy.optimize import line_search as wolfe2

    try:
        from scipy.optimize._linesearch import line_search_wolfe1 as wolfe1
    except ImportError:  # pragma: no cover - another scipy layout
        wolfe1 = None
    if wolfe1 is not None:
        alpha, _, _, new_fval, prev_fval, _ = wolfe1(loss.loss, loss.gradient, x, step, grad, fval, old_fval)
        if alpha is not None:
            return alpha, new_fval, prev_fval
        trial = x + step
        new_fval = loss.loss(trial)
        if abs(new_fval - fval) <= abs(fval * 16 * np.finfo(np.float64).eps):
            if np.abs(loss.gradient(trial)).sum() < np.abs(grad).sum():
                return 1.0, new_fval, fval
    alpha, _, _, new_fval, prev_fval, _ = wolfe2(loss.loss, loss.gradient, x, step, grad, fval, old_fval)
    return alpha, new_fval, prev_fval


def fit(ngrams: sparse.csr_matrix, dense: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, C: float,
        tol: float, max_iter: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Classes, coefficients (classes, n-gram columns + dense columns) and intercepts of the
    multinomial logistic regression of ``LogisticRegression(C, tol, max_iter,
    solver="newton-cg")`` on ``[ngrams | dense]``."""
    classes = np.unique(y)
    if len(classes) < 3:  # scikit-learn fits two classes with the binomial loss: let it
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=C, max_iter=max_iter, tol=tol, solver="newton-cg")
        clf.fit(sparse.hstack([ngrams, sparse.csr_matrix(dense)], format="csr"), y, sample_weight=sample_weight)
        return clf.classes_, clf.coef_, clf.intercept_
    from threadpoolctl import threadpool_limits

    sw = np.asarray(sample_weight, dtype=np.float64)
    x = Design(ngrams, dense)
    loss = MultinomialLoss(x, np.searchsorted(classes, y), sw, len(classes), 1.0 / (C * sw.sum()))
    # One BLAS thread: the dense products are small, and a multithreaded BLAS between the
    # single-threaded sparse products made them 50x slower on a busy 2-core machine; one
    # thread also keeps the sums in one order whatever the machine.
    with threadpool_limits(1, user_api="blas"):
        coef, _ = newton_cg(loss, np.zeros((x.shape[1] + 1) * len(classes)), tol, max_iter)
    c = coef.reshape((-1, len(classes)))
    return classes, np.ascontiguousarray(c[:-1].T), c[-1].copy()
