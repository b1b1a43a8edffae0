"""The fast exact AR(1) regression, validated against statsmodels and closed forms."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from statsmodels.regression.linear_model import OLS
from statsmodels.tsa.statespace.sarimax import SARIMAX

from ldncare.core.response.ar1 import fit_ar1_regression
from ldncare.core.response.simulate import ar1_noise


def _case(seed: int, n: int = 150, rho: float = 0.5, missing: float = 0.2):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    maint = (t >= n // 2).astype(float)
    y = 5.0 - 1.5 * maint + ar1_noise(rng, n, rho, 1.0)
    keep = rng.random(n) > missing
    keep[0] = True
    return t, y, np.column_stack([np.ones(n), maint]), keep


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_ml_estimates_match_statsmodels_sarimax_with_missing_days(seed):
    t, y, X, keep = _case(seed)
    ours = fit_ar1_regression(t[keep], y[keep], X[keep], method="ml", integrate_rho=False)
    y_nan = np.where(keep, y, np.nan)  # SARIMAX: daily index, NaN for missing days (Kalman filter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = SARIMAX(y_nan, exog=X, order=(1, 0, 0), trend="n").fit(disp=False)
    np.testing.assert_allclose(ours.beta, ref.params[:2], atol=2e-3)
    assert ours.rho == pytest.approx(ref.params[2], abs=2e-3)
    # standard errors: ours are exact GLS given rho, statsmodels' are numerical (OPG); within 15 %
    np.testing.assert_allclose(ours.se, ref.bse[:2], rtol=0.15)


def test_rho_zero_is_ordinary_least_squares():
    t, y, X, keep = _case(5)
    ours = fit_ar1_regression(t[keep], y[keep], X[keep], rho=0.0)
    ref = OLS(y[keep], X[keep]).fit()
    np.testing.assert_allclose(ours.beta, ref.params, rtol=1e-10)
    np.testing.assert_allclose(ours.se, ref.bse, rtol=1e-10)


def test_whitening_gives_the_exact_gls_estimate():
    # GLS with the full AR(1) covariance matrix Σ_ij = ρ^|t_i - t_j| on the observed days.
    t, y, X, keep = _case(7)
    tt, yy, XX = t[keep], y[keep], X[keep]
    rho = 0.6
    sigma = rho ** np.abs(tt[:, None] - tt[None, :])
    w = np.linalg.inv(sigma)
    beta = np.linalg.solve(XX.T @ w @ XX, XX.T @ w @ yy)
    ours = fit_ar1_regression(tt, yy, XX, rho=rho)
    np.testing.assert_allclose(ours.beta, beta, rtol=1e-9)
    resid = yy - XX @ beta
    s2 = resid @ w @ resid / (len(yy) - 2)
    np.testing.assert_allclose(ours.cov, s2 * np.linalg.inv(XX.T @ w @ XX), rtol=1e-9)


def test_reml_reduces_the_downward_bias_of_rho():
    ml, reml = [], []
    for seed in range(60):
        t, y, X, keep = _case(100 + seed, n=60, rho=0.5, missing=0.0)
        ml.append(fit_ar1_regression(t, y, X, method="ml").rho)
        reml.append(fit_ar1_regression(t, y, X, method="reml").rho)
    assert abs(np.mean(reml) - 0.5) < abs(np.mean(ml) - 0.5)


def test_integrating_rho_widens_the_interval_a_little():
    t, y, X, keep = _case(11, n=80)
    plug_in = fit_ar1_regression(t[keep], y[keep], X[keep], integrate_rho=False)
    integrated = fit_ar1_regression(t[keep], y[keep], X[keep])
    assert integrated.beta == pytest.approx(plug_in.beta)
    assert 1.0 < integrated.se[1] / plug_in.se[1] < 1.3


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="strictly increasing"):
        fit_ar1_regression([0, 2, 2, 3, 4], [1, 2, 3, 4, 5], np.ones((5, 1)))
    with pytest.raises(ValueError, match="need more than 3 observations"):
        fit_ar1_regression([0, 1, 2], [1, 2, 3], np.ones((3, 2)))
    with pytest.raises(ValueError, match="method"):
        fit_ar1_regression([0, 1, 2, 3], [1, 2, 3, 4], np.ones((4, 1)), method="bayes")
