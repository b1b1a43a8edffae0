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
size subjects x time is ever stored.

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


@njit(nogil=True, cache=True, fastmath=False)
def _advance(st: np.ndarray, p: np.ndarray, lco: np.ndarray, wn: np.ndarray, ekh: float, phi_y: np.ndarray,
             w_in: np.ndarray, c_y: np.ndarray, r: float, h: float, binding: bool, koff: float, ke0: float,
             ec50: float, kcv: float, kcvm: float) -> None:  # pragma: no cover - compiled
    """One step of length h; st = (g, ac, am, ce, b, adapt, pool, input_mg, b_cached, db_cached)."""
    g, ac, am, ce, b = st[0], st[1], st[2], st[3], st[4]
    b0, db0 = st[8], st[9]
    if binding:
        z0 = lco[0, 0] * g + lco[0, 1] * ac + lco[0, 2] * am + lco[0, 3] * r
        acc = 0.0
        for q in range(wn.shape[0]):
            zq = lco[q + 1, 0] * g + lco[q + 1, 1] * ac + lco[q + 1, 2] * am + lco[q + 1, 3] * r
            acc += wn[q] * math.exp(zq)
        b = 1.0 - math.exp(z0) * ekh * (1.0 - b) - koff * acc
    else:
        ce = p[5, 0] * g + p[5, 1] * ac + p[5, 2] * am + p[5, 5] * ce + p[5, 6] * r
    ac1 = p[1, 0] * g + p[1, 1] * ac + p[1, 6] * r
    am1 = p[2, 0] * g + p[2, 2] * am + p[2, 6] * r
    g1 = p[0, 0] * g + p[0, 6] * r
    ceff = ac1 * kcv + am1 * kcvm
    if binding:
        b1 = b
        db1 = ceff - (ceff + koff) * b
    else:
        b1 = ce / (ce + ec50)
        db1 = ec50 * ke0 * (ceff - ce) / ((ce + ec50) * (ce + ec50))
    adapt = st[5]
    st[5] = phi_y[0, 0] * adapt + w_in[0, 0] * b0 + w_in[1, 0] * db0 + w_in[2, 0] * b1 + w_in[3, 0] * db1 + c_y[0]
    st[6] = (phi_y[1, 1] * st[6] + phi_y[1, 0] * adapt + w_in[0, 1] * b0 + w_in[1, 1] * db0 + w_in[2, 1] * b1
             + w_in[3, 1] * db1 + c_y[1])
    st[0], st[1], st[2], st[3], st[4] = g1, ac1, am1, ce, b
    st[7] += r * h
    st[8], st[9] = b1, db1


@njit(nogil=True, cache=True, fastmath=False)
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
    kmat = np.zeros((7, 7))
    p_main = np.empty((7, 7))
    p_fine = np.empty((7, 7))
    l_main = np.zeros((n_nodes + 1, 4))
    l_fine = np.zeros((n_nodes + 1, 4))
    work = np.empty((3, 7, 7))
    st = np.empty(10)
    h_fine = dt_h / substeps
    any_fine = False
    for k in range(n_steps):
        if refine[k]:
            any_fine = True
    for i in range(n):
        # coefficients of this subject (augmented system: g, ac, am, Ic, Im, Ce, r)
        kmat[:, :] = 0.0
        kmat[0, 0], kmat[0, 6] = -ka[i], 1.0
        kmat[1, 0], kmat[1, 1] = ka[i], -kel[i]
        kmat[2, 0], kmat[2, 2] = ka[i], -km[i]
        kmat[3, 1] = 1.0
        kmat[4, 2] = 1.0
        if not binding:
            kmat[5, 1] = ke0 * cv[i]
            kmat[5, 2] = ke0 * r6 * cvm[i]
            kmat[5, 5] = -ke0
        kcv = (kon if binding else 1.0) * cv[i]
        kcvm = (kon if binding else 1.0) * r6 * cvm[i]
        _step_coefficients(kmat, dt_h, s_main, binding, kon, cv[i], r6 * cvm[i], p_main, l_main, work)
        if any_fine:
            _step_coefficients(kmat, h_fine, s_fine, binding, kon, cv[i], r6 * cvm[i], p_fine, l_fine, work)
        st[:] = 0.0
        st[6] = 1.0
        # occupancy and its derivative at the start (all zero drug)
        st[8] = 0.0
        st[9] = 0.0
        day_input = 0.0
        day_g = 0.0
        day_ac = 0.0
        day_am = 0.0
        cmax = -1.0
        tmax = 0
        cmmax = -1.0
        bmax = -1.0
        bmin = 2.0
        n50 = 0
        n90 = 0
        idx_sum = 0.0
        for step in range(n_steps + 1):
            if bolus[step] != 0.0:
                st[7] += bolus[step]
                st[0] += bolus[step]
            conc = st[1] * cv[i]
            conc_m = st[2] * cvm[i]
            b_mor = st[8]
            e_tone = tone[step] * (1.0 + beta * st[5])
            rebound = st[6] * (1.0 - b_mor) * e_tone / (e_tone + k_e_half) / s0[step] - 1.0
            j = step % spd
            day = step // spd
            if j == 0:
                if day > 0:
                    absorbed = st[7] - day_input - (st[0] - day_g)
                    d = day - 1
                    out[i, 0, d] = cmax
                    out[i, 1, d] = tmax * dt_h
                    out[i, 2, d] = cv[i] * (absorbed - (st[1] - day_ac)) / kel[i]
                    out[i, 3, d] = cmmax
                    out[i, 4, d] = cvm[i] * (absorbed - (st[2] - day_am)) / km[i]
                    out[i, 5, d] = bmax
                    out[i, 6, d] = bmin
                    out[i, 7, d] = n50 * dt_h
                    out[i, 8, d] = n90 * dt_h
                    out[i, 9, d] = idx_sum / spd
                day_input, day_g, day_ac, day_am = st[7], st[0], st[1], st[2]
                cmax = -1.0
                cmmax = -1.0
                bmax = -1.0
                bmin = 2.0
                n50 = 0
                n90 = 0
                idx_sum = 0.0
                if step == n_steps:
                    break
            if conc > cmax:
                cmax = conc
                tmax = j
            if conc_m > cmmax:
                cmmax = conc_m
            if b_mor > bmax:
                bmax = b_mor
            if b_mor < bmin:
                bmin = b_mor
            if b_mor >= 0.5:
                n50 += 1
            if b_mor >= 0.9:
                n90 += 1
            idx_sum += rebound
            r = rate[step]
            if refine[step]:
                for _ in range(substeps):
                    _advance(st, p_fine, l_fine, wn_fine, ekh_fine, phi_fine, win_fine, cy_fine, r, h_fine,
                             binding, koff, ke0, ec50, kcv, kcvm)
            else:
                _advance(st, p_main, l_main, wn_main, ekh_main, phi_main, win_main, cy_main, r, dt_h,
                         binding, koff, ke0, ec50, kcv, kcvm)


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
