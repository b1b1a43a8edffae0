"""Linear regression with AR(1) errors on an irregular daily grid: exact, fast, validated.

Daily symptom scores are autocorrelated: today's pain predicts tomorrow's. Treating days as
independent (a t-test on daily values) makes confidence intervals far too narrow. The model
here is ``y_t = X_t β + e_t`` with stationary AR(1) errors on a *daily* clock,
``e_t = ρ e_{t-1} + u_t``. Missing days are handled exactly: between two observed days
``g`` days apart, ``e_t | e_{t-g} ~ N(ρ^g e_{t-g}, s²(1 - ρ^{2g}))`` (``s²`` the stationary
variance), which is the AR(1) likelihood with the missing days integrated out, the same
likelihood the Kalman filter of ``statsmodels`` SARIMAX evaluates with NaN for missing days.

Given ρ the model is whitened (a Prais-Winsten transform generalised to gaps) and solved
by least squares; ρ is found by maximising the profile (or REML) likelihood over
``|ρ| < 0.98``. REML is the default: it reduces the small-sample downward bias of ρ̂,
which otherwise narrows the intervals. A plug-in interval (ρ treated as known) is still
slightly too narrow for diaries of a few months (about 92.5 % coverage of a nominal 95 % in
our simulations), so by default the uncertainty in ρ is propagated: the covariance of β is
averaged over the REML likelihood of ρ (a flat prior on ρ, on a grid of ±5 approximate
standard errors around ρ̂), plus the spread of β̂(ρ) over that distribution
(``integrate_rho=True``; the law of total variance). Intervals use Student t with ``n - p``
degrees of freedom.

>>> import numpy as np
>>> t = np.arange(10); X = np.column_stack([np.ones(10), t >= 5])
>>> y = 3.0 + 2.0 * (t >= 5)
>>> fit = fit_ar1_regression(t, y + np.array([.1, -.1, .2, 0, -.2, .1, -.1, 0, .2, -.2]), X)
>>> round(float(fit.beta[1]), 1)
2.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

__all__ = ["AR1Fit", "fit_ar1_regression"]

RHO_BOUND = 0.98


@dataclass(frozen=True, slots=True)
class AR1Fit:
    """Result of :func:`fit_ar1_regression`."""

    beta: np.ndarray  # coefficients, in the order of the columns of X
    cov: np.ndarray  # their covariance (σ² (X*'X*)^-1 with σ² = RSS / (n - p))
    rho: float  # AR(1) coefficient per day
    sigma: float  # standard deviation of the stationary error process
    n_obs: int
    df_resid: int
    method: str

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    def ci(self, index: int, level: float = 0.95) -> tuple[float, float]:
        """Student-t confidence interval of coefficient ``index``."""
        q = stats.t.ppf(0.5 + level / 2, self.df_resid)
        half = q * self.se[index]
        return float(self.beta[index] - half), float(self.beta[index] + half)


def _whiten(gaps: np.ndarray, rho: float, y: np.ndarray, X: np.ndarray):
    a = rho ** gaps  # correlation between consecutive observed days
    c = np.sqrt(1.0 - a * a)
    y_w = np.empty_like(y)
    X_w = np.empty_like(X)
    y_w[0], X_w[0] = y[0], X[0]
    y_w[1:] = (y[1:] - a * y[:-1]) / c
    X_w[1:] = (X[1:] - a[:, None] * X[:-1]) / c[:, None]
    return y_w, X_w, np.log(c).sum()


def _solve(gaps, rho, y, X):
    y_w, X_w, log_c = _whiten(gaps, rho, y, X)
    xtx = X_w.T @ X_w
    xty = X_w.T @ y_w
    beta = np.linalg.solve(xtx, xty)
    resid = y_w - X_w @ beta
    return beta, float(resid @ resid), xtx, log_c


def _objective(rho, gaps, y, X, reml):
    try:
        _, rss, xtx, log_c = _solve(gaps, rho, y, X)
    except np.linalg.LinAlgError:
        return np.inf
    n, p = X.shape
    rss = max(rss, 1e-300)
    if reml:
        sign, logdet = np.linalg.slogdet(xtx)
        return 0.5 * (n - p) * np.log(rss) + log_c + 0.5 * logdet
    return 0.5 * n * np.log(rss) + log_c


def _integrated_cov(gaps, rho_hat, y, X, beta_hat):
    """Covariance of β averaged over the REML likelihood of ρ (law of total variance)."""
    n, p = X.shape
    half = 5.0 * np.sqrt(max(1.0 - rho_hat * rho_hat, 1e-3) / n)
    grid = np.clip(rho_hat + np.linspace(-half, half, 41), -RHO_BOUND, RHO_BOUND)
    grid = np.unique(grid)
    a = grid[:, None] ** gaps[None, :]  # (G, n-1)
    c = np.sqrt(1.0 - a * a)
    y_w = np.concatenate([np.broadcast_to(y[0], (grid.size, 1)), (y[None, 1:] - a * y[None, :-1]) / c], axis=1)
    X_w = np.concatenate([np.broadcast_to(X[0], (grid.size, 1, p)),
                          (X[None, 1:, :] - a[:, :, None] * X[None, :-1, :]) / c[:, :, None]], axis=1)
    X_wt = X_w.transpose(0, 2, 1)
    xtx = X_wt @ X_w
    xty = X_wt @ y_w[:, :, None]
    inv = np.linalg.inv(xtx)
    beta = (inv @ xty)[:, :, 0]
    fitted = (X_w @ beta[:, :, None])[:, :, 0]
    resid = y_w - fitted
    rss = np.maximum((resid * resid).sum(axis=1), 1e-300)
    _, logdet = np.linalg.slogdet(xtx)
    objective = 0.5 * (n - p) * np.log(rss) + np.log(c).sum(axis=1) + 0.5 * logdet
    weights = np.exp(-(objective - objective.min()))
    weights /= weights.sum()
    within = np.tensordot(weights * rss / (n - p), inv, axes=1)
    centred = beta - beta_hat
    between = (centred * weights[:, None]).T @ centred
    return within + between


def fit_ar1_regression(day: np.ndarray, y: np.ndarray, X: np.ndarray, *, method: str = "reml",
                       rho: float | None = None, integrate_rho: bool = True) -> AR1Fit:
    """Fit ``y = X β + AR(1) error`` on integer days ``day`` (sorted, unique; gaps allowed).

    Parameters
    ----------
    day : integer day numbers of the observations (strictly increasing)
    y : observed values (no NaN: drop missing days, the gaps carry them)
    X : design matrix, one row per observation
    method : ``"reml"`` (default) or ``"ml"`` (matches statsmodels SARIMAX)
    rho : fix ρ instead of estimating it (0 gives ordinary least squares)
    integrate_rho : propagate the uncertainty of an estimated ρ into the covariance
        (default); ``False`` gives the plug-in covariance at ρ̂
    """
    day = np.asarray(day, dtype=float)
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    n, p = X.shape
    if n != y.size or n != day.size:
        raise ValueError("day, y and X need the same number of rows")
    if n <= p + 1:
        raise ValueError(f"need more than {p + 1} observations, have {n}")
    gaps = np.diff(day)
    if np.any(gaps <= 0):
        raise ValueError("days must be strictly increasing")
    if method not in ("reml", "ml"):
        raise ValueError("method is 'reml' or 'ml'")
    label = method
    estimated = rho is None
    if estimated:
        reml = method == "reml"
        res = optimize.minimize_scalar(_objective, bounds=(-RHO_BOUND, RHO_BOUND), method="bounded",
                                       args=(gaps, y, X, reml), options={"xatol": 1e-5})
        rho = float(res.x)
    else:
        label = "fixed-rho"
    beta, rss, xtx, _ = _solve(gaps, rho, y, X)
    df = n - p
    sigma2 = rss / df
    cov = sigma2 * np.linalg.inv(xtx)
    if estimated and integrate_rho:
        cov = _integrated_cov(gaps, rho, y, X, beta)
        label += "+integrated-rho"
    return AR1Fit(beta=beta, cov=cov, rho=float(rho), sigma=float(np.sqrt(sigma2)), n_obs=n,
                  df_resid=df, method=label)
