"""The training solver fits what scikit-learn's LogisticRegression(solver="newton-cg") fits."""
import numpy as np
import pytest
from scipy import sparse

from classifier.logreg import Design, MultinomialLoss, fit


def _problem(seed=0, n=300, n_sparse=50, n_dense=5, k=4):
    rng = np.random.default_rng(seed)
    base = sparse.random(n // 3, n_sparse, density=0.1, random_state=seed, format="csr")
    ngrams = base[rng.integers(0, n // 3, n)]  # repeated rows, as menus and clean pages repeat
    return ngrams, rng.normal(size=(n, n_dense)), rng.integers(0, k, n), rng.uniform(0.5, 2.0, n)


def test_design_products_equal_those_of_the_stacked_matrix():
    ngrams, dense, _, _ = _problem()
    x = Design(ngrams, dense)
    full = sparse.hstack([ngrams, sparse.csr_matrix(dense)], format="csr")
    assert x.ngrams.shape[0] < ngrams.shape[0]  # repeated rows are stored once
    rng = np.random.default_rng(1)
    w, a = rng.normal(size=(full.shape[1], 4)), rng.normal(size=(full.shape[0], 4))
    np.testing.assert_allclose(x.dot(w), full @ w, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.tdot(a, np.empty_like(w)), full.T @ a, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.dot(w, single=True), full @ w, rtol=1e-5, atol=1e-5)  # dense block in float32
    np.testing.assert_allclose(x.tdot(a, np.empty_like(w), single=True), full.T @ a, rtol=1e-5, atol=1e-5)


def test_loss_gradient_and_hessian_products_equal_scikit_learns():
    lin = pytest.importorskip("sklearn.linear_model._linear_loss")
    loss_mod = pytest.importorskip("sklearn._loss.loss")
    ngrams, dense, y, sw = _problem()
    full = sparse.hstack([ngrams, sparse.csr_matrix(dense)], format="csr")
    ours = MultinomialLoss(Design(ngrams, dense), y, sw, 4, 0.01)
    ref = lin.LinearModelLoss(loss_mod.HalfMultinomialLoss(n_classes=4), fit_intercept=True)
    rng = np.random.default_rng(2)
    coef, s = rng.normal(size=(2, 4 * (full.shape[1] + 1)))
    args = (full, y.astype(float), sw, 0.01)
    assert ours.loss(coef) == pytest.approx(ref.loss(coef, *args), rel=1e-12)
    grad, hessp = ours.gradient_hessp(coef)
    ref_grad, ref_hessp = ref.gradient_hessian_product(coef, *args)
    np.testing.assert_allclose(grad, ref_grad, atol=1e-14)
    np.testing.assert_allclose(ours.gradient(coef), ref_grad, atol=1e-14)
    np.testing.assert_allclose(hessp(s), ref_hessp(s), rtol=1e-5, atol=1e-7)  # float32 dense block


def test_fit_equals_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    ngrams, dense, y, sw = _problem()
    classes, coef, intercept = fit(ngrams, dense, y, sw, C=0.5, tol=1e-8, max_iter=200)
    clf = LogisticRegression(C=0.5, tol=1e-8, max_iter=200, solver="newton-cg")
    clf.fit(sparse.hstack([ngrams, sparse.csr_matrix(dense)], format="csr"), y, sample_weight=sw)
    assert classes.tolist() == clf.classes_.tolist()
    np.testing.assert_allclose(coef, clf.coef_, atol=1e-9)
    np.testing.assert_allclose(intercept, clf.intercept_, atol=1e-9)
