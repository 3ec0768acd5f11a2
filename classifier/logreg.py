"""L2-regularised multinomial logistic regression for training, over a design matrix made of
a sparse block (the hashed n-grams) and a dense block (the centred layout features).

The objective, the solver (scikit-learn's Newton-CG with its line search and stopping rule)
and the result are those of ``LogisticRegression(solver="newton-cg")``; only the products
with the design matrix are computed differently, and that is where the time goes (each
Hessian-vector product of the solver is one product with X and one with X transposed):

* the n-gram block keeps one row per distinct row (menus, footers and the derived clean
  pages repeat paragraphs: half of the non-zeros here), and rows are gathered or summed
  through the map from rows to distinct rows;
* it is stored by column (CSC): a product with it then reads its few rows of the
  coefficients once per column and scatters into a small output, where CSR (what
  ``LogisticRegression`` converts its input to) gathers a random row of the large
  coefficient array for every non-zero: measured 2x faster here;
* the dense block stays a dense array (a small BLAS product), instead of becoming 100
  stored values per row of a sparse matrix.

Products are summed in another order than scikit-learn's, so coefficients differ from
its in the last digits; the result is deterministic.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse


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
        out[self.n_sparse:] = (self.dense32.T @ a.astype(np.float32)) if single else self.dense.T @ a
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
        """X.T @ t / sw_sum + l2 * w, and the sum of `t` / sw_sum for the intercepts: flat."""
        out = np.empty((w.shape[0] + 1, self.k))
        self.x.tdot(t, out[:-1], single)
        out[:-1] /= self.sw_sum
        out[:-1] += self.l2 * w
        out[-1] = t.sum(axis=0) / self.sw_sum
        return out.ravel()

    def gradient(self, coef) -> np.ndarray:
        w, raw = self._raw(coef)
        return self._combine((self._proba(raw) - self.onehot) * self.sw[:, None], w)

    def gradient_hessp(self, coef):
        """The gradient, and the Hessian-vector product function. The Hessian products take
        the dense block in float32 (4x faster there): they only steer the conjugate gradient
        inside a Newton step, while the gradient, the loss, hence the line search and the
        stopping rule, stay in float64."""
        w, raw = self._raw(coef)
        proba = self._proba(raw)
        swp = proba * self.sw[:, None]

        def hessp(s):
            c = s.reshape((-1, self.k))
            t = self.x.dot(c[:-1], single=True)
            t += c[-1]
            t -= (proba * t).sum(axis=1, keepdims=True)
            t *= swp
            return self._combine(t, c[:-1], single=True)

        return self._combine(swp - self.onehot * self.sw[:, None], w), hessp


def fit(ngrams: sparse.csr_matrix, dense: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, C: float,
        tol: float, max_iter: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Classes, coefficients (classes, n-gram columns + dense columns) and intercepts of the
    multinomial logistic regression of ``LogisticRegression(C, tol, max_iter,
    solver="newton-cg")`` on ``[ngrams | dense]``."""
    classes = np.unique(y)
    try:
        from sklearn.utils.optimize import _newton_cg
    except ImportError:  # pragma: no cover - another scikit-learn layout: its own fit, slower
        _newton_cg = None
    if _newton_cg is None or len(classes) < 3:  # scikit-learn fits two classes with the binomial loss
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=C, max_iter=max_iter, tol=tol, solver="newton-cg")
        clf.fit(sparse.hstack([ngrams, sparse.csr_matrix(dense)], format="csr"), y, sample_weight=sample_weight)
        return clf.classes_, clf.coef_, clf.intercept_
    from threadpoolctl import threadpool_limits

    sw = np.asarray(sample_weight, dtype=np.float64)
    x = Design(ngrams, dense)
    loss = MultinomialLoss(x, np.searchsorted(classes, y), sw, len(classes), 1.0 / (C * sw.sum()))
    coef0 = np.zeros(len(classes) * (x.shape[1] + 1))
    # One BLAS thread: the dense products are small, and a multithreaded BLAS between the
    # single-threaded sparse products made them 50x slower on a busy 2-core machine.
    with threadpool_limits(1, user_api="blas"):
        coef, _ = _newton_cg(lambda c: loss.gradient_hessp(c), lambda c: loss.loss(c), lambda c: loss.gradient(c),
                             coef0, tol=tol, maxiter=max_iter)
    c = coef.reshape((-1, len(classes)))
    return classes, np.ascontiguousarray(c[:-1].T), c[-1].copy()
