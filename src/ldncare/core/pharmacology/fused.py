"""The fused population kernel: the engine's exact-propagator algorithm compiled with numba.

Same model, same grid, same step scheme as :mod:`ldncare.core.pharmacology.engine` (which
stays the reference implementation the tests compare this kernel against), but one compiled
loop per subject: the per-subject step coefficients (matrix exponentials of the augmented
PK system at the step length, the refined step length and the Gauss-Legendre nodes) are
computed in the kernel (Taylor series over the non-zeros of the 7x7 system matrix, with
scaling and squaring, as :func:`~ldncare.core.pharmacology.engine.expm_batched` but sparse and
per subject, in the kernel), the states are scalars
in registers, the day's figures (Cmax, Tmax, AUC by mass balance, occupancy peak/trough,
hours above 50 %/90 %, mean rebound index) are accumulated while stepping, so nothing of
size subjects x time is ever stored. Subjects are advanced in blocks of 64 with every inner
loop over the block, and the exponentials are a branch-free polynomial instead of a libm call,
so the compiler vectorises the loops (SIMD lanes over subjects).

Why numba and not JAX: numba is already a dependency (JAX is not), compiles float64 loops
ahead of the first call with an on-disk cache, and ``nogil=True`` lets two Python threads
run two chunks at once on the two cores while NumPy work (sampling, histograms) overlaps.

Only the per-day summaries are produced (``keep_series=False``): series for plots stay on
the NumPy path, which is fast enough for a handful of subjects.

>>> from ldncare.core.pharmacology.regimen import daily_at
>>> from ldncare.core.pharmacology.subjects import typical_subjects
>>> d = simulate_daily_fused(daily_at(50, "08:00", days=1), typical_subjects(), "fast")
>>> round(float(d["ntx_cmax_ng_per_ml"][0, 0]), 1), float(d["ntx_tmax_h"][0, 0])
(14.1, 1.0)
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.polynomial.legendre import leggauss

from ldncare.core.pharmacology.parameters import ModelParameters, model_parameters
from ldncare.core.pharmacology.regimen import Regimen
from ldncare.core.pharmacology.subjects import Subjects

__all__ = ["histogram_counts", "simulate_daily_fused"]

# metric columns of the kernel output, in engine.DAILY_METRICS order
_N_METRICS = 10


@njit(nogil=True, cache=True, fastmath=False)
def _matmul7(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - compiled
    for i in range(7):
        for j in range(7):
            out[i, j] = 0.0
        for k in range(7):
            aik = a[i, k]
            if aik != 0.0:
                for j in range(7):
                    out[i, j] += aik * b[k, j]


@njit(nogil=True, cache=True, fastmath=False)
def _expm7(k: np.ndarray, t: float, out: np.ndarray, term: np.ndarray, tmp: np.ndarray) -> None:  # pragma: no cover
    """exp(k t) for a sparse 7x7 matrix: Taylor series (terms until they fall below 1e-18 of the
    identity) after scaling to a norm <= 1, then squaring; the products use only k's non-zeros."""
    rows = np.empty(49, dtype=np.int64)
    cols = np.empty(49, dtype=np.int64)
    vals = np.empty(49)
    nnz = 0
    norm = 0.0
    for i in range(7):
        row = 0.0
        for j in range(7):
            if k[i, j] != 0.0:
                rows[nnz], cols[nnz], vals[nnz] = i, j, k[i, j] * t
                nnz += 1
                row += abs(k[i, j] * t)
        norm = max(norm, row)
    sq = 0
    if norm > 1.0:
        sq = int(math.ceil(math.log2(norm)))
    inv = 1.0 / (2.0 ** sq)
    for q in range(nnz):
        vals[q] *= inv
    for i in range(7):
        for j in range(7):
            out[i, j] = 1.0 if i == j else 0.0
            term[i, j] = out[i, j]
    for n in range(1, 30):
        # term = term @ (k t / 2^sq) / n, through the non-zeros of k
        for i in range(7):
            for j in range(7):
                tmp[i, j] = 0.0
        for q in range(nnz):
            m, j, v = rows[q], cols[q], vals[q] / n
            for i in range(7):
                tmp[i, j] += term[i, m] * v
        biggest = 0.0
        for i in range(7):
            for j in range(7):
                term[i, j] = tmp[i, j]
                out[i, j] += tmp[i, j]
                biggest = max(biggest, abs(tmp[i, j]))
        if biggest < 1e-18:
            break
    for _ in range(sq):
        _matmul7(out, out, tmp)
        for i in range(7):
            for j in range(7):
                out[i, j] = tmp[i, j]


@njit(nogil=True, cache=True, fastmath=False)
def _step_coefficients(kmat: np.ndarray, h: float, s_nodes: np.ndarray, binding: bool, kon: float,
                       cv: float, cvm: float, p_out: np.ndarray, l_out: np.ndarray,
                       work: np.ndarray) -> None:  # pragma: no cover - compiled
    """P = exp(K h); for binding, L[k, (g, ac, am, r)] = -kon ∫_{s_k}^h Ceff per unit state (s_0 = 0)."""
    term, tmp, ps = work[0], work[1], work[2]
    _expm7(kmat, h, p_out, term, tmp)
    if not binding:
        return
    cols = (0, 1, 2, 6)
    for c in range(4):
        j = cols[c]
        l_out[0, c] = -kon * (cv * p_out[3, j] + cvm * p_out[4, j])  # exp(0) = I has zero rows 3, 4 here
    for q in range(s_nodes.shape[0]):
        _expm7(kmat, s_nodes[q], ps, term, tmp)
        for c in range(4):
            j = cols[c]
            l_out[q + 1, c] = -kon * (cv * (p_out[3, j] - ps[3, j]) + cvm * (p_out[4, j] - ps[4, j]))


_BLOCK = 64  # subjects advanced together: every inner loop runs over a block (SIMD lanes)
_P_ENTRIES = ((0, 0), (0, 6), (1, 0), (1, 1), (1, 6), (2, 0), (2, 2), (2, 6), (5, 0), (5, 1), (5, 2), (5, 5), (5, 6))


@njit(nogil=True, cache=True, fastmath=False, error_model="numpy", inline="always")
def _exp_nonpositive(z: float) -> float:  # pragma: no cover - compiled
    """exp(z) for z <= 0 without a library call, so that loops over subjects vectorise.

    z is clamped at -40 (exp(-40) = 4e-18: below the engine's 1e-6 tolerance by 12 orders);
    z = k ln2 + r with |r| <= ln2/2 (two-part ln2), exp(r) by its degree-13 Taylor polynomial
    (truncation < 1e-17 relative), 2^k by six selected halvings (k >= -58).
    """
    z = max(z, -40.0)
    kf = (z * 1.4426950408889634 + 6755399441055744.0) - 6755399441055744.0  # round to nearest, no call
    r = (z - kf * 0.6931471803691238) - kf * 1.9082149292705877e-10
    p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    m = np.int64(-kf)
    p *= 0.5 if m & 1 else 1.0
    p *= 0.25 if m & 2 else 1.0
    p *= 0.0625 if m & 4 else 1.0
    p *= 0.00390625 if m & 8 else 1.0
    p *= 1.52587890625e-05 if m & 16 else 1.0
    p *= 2.3283064365386963e-10 if m & 32 else 1.0
    return p


@njit(nogil=True, cache=True, fastmath=False, error_model="numpy")
def _advance_block(nb: int, pc: np.ndarray, lc: np.ndarray, wn: np.ndarray, ekh: float, phi_y: np.ndarray,
                   w_in: np.ndarray, c_y: np.ndarray, r: float, binding: bool, koff: float, ke0: float, ec50: float,
                   kcv: np.ndarray, kcvm: np.ndarray, st: np.ndarray, acc: np.ndarray) -> None:  # pragma: no cover
    """One step for a block; st rows: g, ac, am, ce, b, adapt, pool, b_prev, db_prev (x block)."""
    g, ac, am, ce, b = st[0], st[1], st[2], st[3], st[4]
    if binding:
        for i in range(nb):
            acc[i] = 0.0
        for q in range(wn.shape[0]):
            w = wn[q]
            l0, l1, l2, l3 = lc[q + 1, 0], lc[q + 1, 1], lc[q + 1, 2], lc[q + 1, 3]
            for i in range(nb):
                acc[i] += w * _exp_nonpositive(l0[i] * g[i] + l1[i] * ac[i] + l2[i] * am[i] + l3[i] * r)
        l0, l1, l2, l3 = lc[0, 0], lc[0, 1], lc[0, 2], lc[0, 3]
        for i in range(nb):
            e0 = _exp_nonpositive(l0[i] * g[i] + l1[i] * ac[i] + l2[i] * am[i] + l3[i] * r)
            b[i] = 1.0 - e0 * ekh * (1.0 - b[i]) - koff * acc[i]
    else:
        for i in range(nb):
            ce[i] = pc[8, i] * g[i] + pc[9, i] * ac[i] + pc[10, i] * am[i] + pc[11, i] * ce[i] + pc[12, i] * r
    adapt, pool, b0, db0 = st[5], st[6], st[7], st[8]
    for i in range(nb):
        g0 = g[i]
        ac1 = pc[2, i] * g0 + pc[3, i] * ac[i] + pc[4, i] * r
        am1 = pc[5, i] * g0 + pc[6, i] * am[i] + pc[7, i] * r
        g[i] = pc[0, i] * g0 + pc[1, i] * r
        ac[i], am[i] = ac1, am1
        ceff = ac1 * kcv[i] + am1 * kcvm[i]
        if binding:
            b1 = b[i]
            db1 = ceff - (ceff + koff) * b1
        else:
            c = ce[i]
            b1 = c / (c + ec50)
            db1 = ec50 * ke0 * (ceff - c) / ((c + ec50) * (c + ec50))
        a0 = adapt[i]
        adapt[i] = (phi_y[0, 0] * a0 + w_in[0, 0] * b0[i] + w_in[1, 0] * db0[i] + w_in[2, 0] * b1
                    + w_in[3, 0] * db1 + c_y[0])
        pool[i] = (phi_y[1, 1] * pool[i] + phi_y[1, 0] * a0 + w_in[0, 1] * b0[i] + w_in[1, 1] * db0[i]
                   + w_in[2, 1] * b1 + w_in[3, 1] * db1 + c_y[1])
        b0[i], db0[i] = b1, db1


@njit(nogil=True, cache=True, fastmath=False, error_model="numpy")
def _daily_kernel(ka: np.ndarray, kel: np.ndarray, km: np.ndarray, cv: np.ndarray, cvm: np.ndarray,
                  binding: bool, kon: float, koff: float, ke0: float, ec50: float, r6: float,
                  bolus: np.ndarray, rate: np.ndarray, refine: np.ndarray, tone: np.ndarray, s0: np.ndarray,
                  spd: int, dt_h: float, substeps: int, s_main: np.ndarray, wn_main: np.ndarray, ekh_main: float,
                  phi_main: np.ndarray, win_main: np.ndarray, cy_main: np.ndarray, s_fine: np.ndarray,
                  wn_fine: np.ndarray, ekh_fine: float, phi_fine: np.ndarray, win_fine: np.ndarray,
                  cy_fine: np.ndarray, beta: float, k_e_half: float, out: np.ndarray) -> None:  # pragma: no cover
    n = ka.shape[0]
    n_steps = rate.shape[0]
    n_nodes = s_main.shape[0]
    nblk = _BLOCK
    kmat = np.zeros((7, 7))
    pmat = np.empty((7, 7))
    lmat = np.zeros((n_nodes + 1, 4))
    work = np.empty((3, 7, 7))
    pc = np.zeros((2, 13, nblk))
    lc = np.zeros((2, n_nodes + 1, 4, nblk))
    kcv, kcvm, acc = np.empty(nblk), np.empty(nblk), np.empty(nblk)
    cvb, cvmb = np.empty(nblk), np.empty(nblk)
    st = np.empty((9, nblk))
    day0 = np.empty((3, nblk))  # g, ac, am at the day's start
    stats = np.empty((8, nblk))  # cmax, tmax, cmmax, bmax, bmin, n50, n90, rebound sum
    h_fine = dt_h / substeps
    any_fine = False
    for k in range(n_steps):
        if refine[k]:
            any_fine = True
    for first in range(0, n, nblk):
        nb = min(nblk, n - first)
        for i in range(nb):
            s = first + i
            kmat[:, :] = 0.0
            kmat[0, 0], kmat[0, 6] = -ka[s], 1.0
            kmat[1, 0], kmat[1, 1] = ka[s], -kel[s]
            kmat[2, 0], kmat[2, 2] = ka[s], -km[s]
            kmat[3, 1] = 1.0
            kmat[4, 2] = 1.0
            if not binding:
                kmat[5, 1] = ke0 * cv[s]
                kmat[5, 2] = ke0 * r6 * cvm[s]
                kmat[5, 5] = -ke0
            cvb[i], cvmb[i] = cv[s], cvm[s]
            kcv[i] = (kon if binding else 1.0) * cv[s]
            kcvm[i] = (kon if binding else 1.0) * r6 * cvm[s]
            for which in range(2 if any_fine else 1):
                _step_coefficients(kmat, dt_h if which == 0 else h_fine, s_main if which == 0 else s_fine,
                                   binding, kon, cv[s], r6 * cvm[s], pmat, lmat, work)
                for e in range(13):
                    pc[which, e, i] = pmat[_P_ENTRIES[e][0], _P_ENTRIES[e][1]]
                for q in range(n_nodes + 1):
                    for c in range(4):
                        lc[which, q, c, i] = lmat[q, c]
        st[:, :] = 0.0
        st[6, :] = 1.0
        inp = 0.0
        day_input = 0.0
        g, ac, am, bprev, adapt, pool = st[0], st[1], st[2], st[7], st[5], st[6]
        for step in range(n_steps + 1):
            bo = bolus[step]
            if bo != 0.0:
                inp += bo
                for i in range(nb):
                    g[i] += bo
            j = step % spd
            day = step // spd
            if j == 0:
                if day > 0:
                    d = day - 1
                    for i in range(nb):
                        absorbed = inp - day_input - (g[i] - day0[0, i])
                        s = first + i
                        out[s, 0, d] = stats[0, i]
                        out[s, 1, d] = stats[1, i] * dt_h
                        out[s, 2, d] = cvb[i] * (absorbed - (ac[i] - day0[1, i])) / kel[s]
                        out[s, 3, d] = stats[2, i]
                        out[s, 4, d] = cvmb[i] * (absorbed - (am[i] - day0[2, i])) / km[s]
                        out[s, 5, d] = stats[3, i]
                        out[s, 6, d] = stats[4, i]
                        out[s, 7, d] = stats[5, i] * dt_h
                        out[s, 8, d] = stats[6, i] * dt_h
                        out[s, 9, d] = stats[7, i] / spd
                day_input = inp
                for i in range(nb):
                    day0[0, i], day0[1, i], day0[2, i] = g[i], ac[i], am[i]
                    stats[0, i], stats[1, i], stats[2, i], stats[3, i] = -1.0, 0.0, -1.0, -1.0
                    stats[4, i], stats[5, i], stats[6, i], stats[7, i] = 2.0, 0.0, 0.0, 0.0
                if step == n_steps:
                    break
            tn, s0n, jf = tone[step], s0[step], float(j)
            for i in range(nb):
                conc = ac[i] * cvb[i]
                conc_m = am[i] * cvmb[i]
                bm = bprev[i]
                e_tone = tn * (1.0 + beta * adapt[i])
                rebound = pool[i] * (1.0 - bm) * e_tone / (e_tone + k_e_half) / s0n - 1.0
                better = conc > stats[0, i]
                stats[1, i] = jf if better else stats[1, i]
                stats[0, i] = conc if better else stats[0, i]
                stats[2, i] = max(stats[2, i], conc_m)
                stats[3, i] = max(stats[3, i], bm)
                stats[4, i] = min(stats[4, i], bm)
                stats[5, i] += 1.0 if bm >= 0.5 else 0.0
                stats[6, i] += 1.0 if bm >= 0.9 else 0.0
                stats[7, i] += rebound
            r = rate[step]
            inp += r * dt_h
            if refine[step]:
                for _ in range(substeps):
                    _advance_block(nb, pc[1], lc[1], wn_fine, ekh_fine, phi_fine, win_fine, cy_fine, r, binding,
                                   koff, ke0, ec50, kcv, kcvm, st, acc)
            else:
                _advance_block(nb, pc[0], lc[0], wn_main, ekh_main, phi_main, win_main, cy_main, r, binding,
                               koff, ke0, ec50, kcv, kcvm, st, acc)


def _nodes(h: float, gl_nodes: int, koff: float) -> tuple[np.ndarray, np.ndarray, float]:
    nodes, weights = leggauss(gl_nodes)
    s_nodes = 0.5 * h * (nodes + 1.0)
    return s_nodes, 0.5 * h * weights * np.exp(-koff * (h - s_nodes)), float(np.exp(-koff * h))


def simulate_daily_fused(regimen: Regimen, subjects: Subjects, scenario: str = "fast", *,
                         params: ModelParameters | None = None, dt_h: float = 0.25, gl_nodes: int = 4,
                         refine_h: float = 2.0, substeps: int = 4) -> dict[str, np.ndarray]:
    """Per-day summaries (subjects x days per metric), as ``simulate_subjects(..., keep_series=False).daily``."""
    from ldncare.core.pharmacology.engine import (
        DAILY_METRICS,
        _grid,
        _hermite_weights,
        _receptor_constants,
        circadian_tone,
    )

    p = params or model_parameters()
    rc1, rc2 = _receptor_constants(scenario, p)
    binding = scenario != "compromise"
    spd, n_steps, t, bolus, rate, refine = _grid(regimen, dt_h, refine_h, substeps, p)
    kon, koff = (rc1, rc2) if binding else (0.0, 0.0)
    ke0, ec50 = (0.0, 0.0) if binding else (rc1, rc2)
    tone = circadian_tone(np.mod(t, 24.0), p)
    s0 = tone / (tone + p.k_e_half)
    m = np.array([[-p.k_adapt_per_h, 0.0], [p.k_deg_per_h * p.alpha_upregulation, -p.k_deg_per_h]])
    bvec, cvec = np.array([p.k_adapt_per_h, 0.0]), np.array([0.0, p.k_deg_per_h])
    phi_main, win_main, cy_main = _hermite_weights(m, bvec, cvec, dt_h)
    h_fine = dt_h / substeps
    phi_fine, win_fine, cy_fine = _hermite_weights(m, bvec, cvec, h_fine)
    s_main, wn_main, ekh_main = _nodes(dt_h, gl_nodes, koff)
    s_fine, wn_fine, ekh_fine = _nodes(h_fine, gl_nodes, koff)
    n = subjects.n
    out = np.empty((n, _N_METRICS, regimen.days))
    f64 = np.ascontiguousarray
    _daily_kernel(f64(subjects.ka_per_h, dtype=float), f64(subjects.cl_l_per_h / subjects.v_l, dtype=float),
                  f64(subjects.clm_l_per_h / subjects.vm_l, dtype=float), f64(1000.0 / subjects.v_l, dtype=float),
                  f64(1000.0 / subjects.vm_l, dtype=float), binding, float(kon), float(koff), float(ke0),
                  float(ec50), float(p.r6), f64(bolus), f64(rate), f64(refine), f64(tone), f64(s0), spd,
                  float(dt_h), int(substeps), s_main, wn_main, ekh_main, f64(phi_main), f64(win_main), f64(cy_main),
                  s_fine, wn_fine, ekh_fine, f64(phi_fine), f64(win_fine), f64(cy_fine),
                  float(p.beta_endorphin_gain), float(p.k_e_half), out)
    return {name: out[:, k, :] for k, name in enumerate(DAILY_METRICS)}


@njit(nogil=True, cache=True, fastmath=False)
def _histogram_kernel(values: np.ndarray, edges: np.ndarray, log_spaced: bool,
                      counts: np.ndarray) -> None:  # pragma: no cover - compiled
    nb = edges.shape[0] - 1
    lo, hi = edges[0], edges[nb]
    if log_spaced:
        a, span = math.log(lo), math.log(hi) - math.log(lo)
    else:
        a, span = lo, hi - lo
    for i in range(values.shape[0]):
        for d in range(values.shape[1]):
            x = min(max(values[i, d], lo), hi)
            guess = ((math.log(x) if log_spaced else x) - a) / span * nb
            k = min(max(int(guess), 0), nb - 1)
            while k > 0 and x < edges[k]:
                k -= 1
            while k < nb - 1 and x >= edges[k + 1]:
                k += 1
            counts[d, k] += 1


def histogram_counts(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Per-column counts (columns x bins) of ``values`` clipped to the edges, as ``numpy.histogram``
    of each clipped column (bins half-open, the last one closed), without the GIL."""
    log_spaced = bool(edges[0] > 0 and np.allclose(np.diff(np.log(edges)), np.log(edges[1] / edges[0])))
    counts = np.zeros((values.shape[1], edges.shape[0] - 1), dtype=np.int64)
    _histogram_kernel(np.ascontiguousarray(values, dtype=float), np.ascontiguousarray(edges, dtype=float),
                      log_spaced, counts)
    return counts
