"""The fused population kernel: the engine's exact-propagator algorithm compiled with numba.

Same model, same grid, same step scheme as :mod:`ldncare.core.pharmacology.engine` (which
stays the reference implementation the tests compare this kernel against), but one compiled
loop per block of subjects:

* the per-subject step coefficients (the augmented PK system's propagator at the step length,
  the refined step length and the Gauss-Legendre nodes) are computed **in closed form**: each
  entry is a linear chain of first-order transfers, i.e. its couplings times a divided
  difference of exp(-k t) over the chain's rates (:func:`_exp_divided_differences`, stable for
  equal and nearly equal rates), instead of a matrix exponential (the NumPy engine's
  ``expm_batched`` stays the reference for them);
* the day's figures (Cmax, Tmax, AUC by mass balance, occupancy peak/trough, hours above
  50 %/90 %, mean rebound index) are accumulated while stepping, so nothing of size
  subjects x time is ever stored;
* subjects are advanced in blocks of ``_BLOCK`` with every inner loop over the block and every
  array indexed in place, and the exponentials are a branch-free polynomial with the power of
  two written into the exponent bits instead of a libm call, so the compiler vectorises the
  loops (SIMD lanes over subjects) and contracts them to fused multiply-adds.

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
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic
from numpy.polynomial.legendre import leggauss

from ldncare.core.pharmacology.parameters import ModelParameters, model_parameters
from ldncare.core.pharmacology.regimen import Regimen
from ldncare.core.pharmacology.subjects import Subjects

__all__ = ["histogram_counts", "simulate_daily_fused"]

# metric columns of the kernel output, in engine.DAILY_METRICS order
_N_METRICS = 10


_TAU = 0.5  # a node set spread below this (in units of 1/t) is summed as a series, else split
_SERIES_TERMS = 18  # series tail below 1e-17 of the first term when the spread is below _TAU
_INV_FACTORIAL = np.array([1.0 / math.factorial(k) for k in range(_SERIES_TERMS + 8)])


@njit(nogil=True, cache=True, fastmath=False)
def _exp_divided_differences(x: np.ndarray, ex: np.ndarray, t: float, inv_fact: np.ndarray,
                             out: np.ndarray, h: np.ndarray) -> None:  # pragma: no cover - compiled
    """Divided differences of f(k) = exp(-k t) over every subset of four nodes ``x``.

    ``out[mask]`` is f[x_i : bit i of mask set] (``ex[i]`` = exp(-x_i t) is given, so no library
    call is made here). A linear chain's impulse response is a product of its couplings times
    (-1)^(n-1) f[rates], so these are the step propagator's entries in closed form. A subset
    whose nodes spread by at least _TAU / t is split at its extremes (the divided-difference
    recurrence, dividing by the largest gap: error amplified at most ~1/_TAU per level); a
    tighter one is summed as the Taylor series about its smallest node,
    f[S] = t^n e^(-x_lo t) sum_k (-1)^(n+k) h_k(u) / (n+k)!, u = (x - x_lo) t, h_k the complete
    homogeneous symmetric polynomials, so coincident and nearly coincident rates (ka close to
    kel, the repeated zero of an integral) need no special case.
    ``h`` is scratch space of at least _SERIES_TERMS + 1 values.
    """
    twin = x[0] == x[1]  # a repeated node (the integrals' two zeros): masks 2, 6, 10, 14 mirror 1, 5, 9, 13
    for mask in range(1, 16):
        if twin and (mask & 3) == 2:
            out[mask] = out[mask ^ 3]
            continue
        cnt = 0
        lo = -1
        hi = -1
        for i in range(4):
            if (mask >> i) & 1:
                cnt += 1
                if lo < 0 or x[i] < x[lo]:
                    lo = i
                if hi < 0 or x[i] > x[hi]:
                    hi = i
        if cnt == 1:
            out[mask] = ex[lo]
            continue
        gap = x[hi] - x[lo]
        if gap * t >= _TAU:
            out[mask] = (out[mask & ~(1 << lo)] - out[mask & ~(1 << hi)]) / gap
            continue
        n = cnt - 1
        # terms needed: u^K C(K+3,3)/K! < 1e-17 for the widest u = gap t (K = 18 at _TAU)
        g = gap * t
        terms = 5 if g < 1e-3 else 8 if g < 0.02 else 11 if g < 0.1 else 14 if g < 0.25 else _SERIES_TERMS
        for k in range(terms + 1):
            h[k] = 0.0
        h[0] = 1.0
        for i in range(4):
            if (mask >> i) & 1:
                u = (x[i] - x[lo]) * t
                for k in range(1, terms + 1):
                    h[k] += u * h[k - 1]
        acc = 0.0
        sign = 1.0
        for k in range(terms + 1):
            acc += sign * h[k] * inv_fact[n + k]
            sign = -sign
        tn = 1.0
        for _ in range(n):
            tn *= -t
        out[mask] = tn * ex[lo] * acc


@njit(nogil=True, cache=True, fastmath=False)
def _step_coefficients(ka: float, kel: float, km: float, ke0: float, cv: float, cvm: float, binding: bool,
                       kon: float, h: float, s_nodes: np.ndarray, inv_fact: np.ndarray, pc: np.ndarray,
                       lc: np.ndarray, i: int, work: np.ndarray) -> None:  # pragma: no cover - compiled
    """The step's propagator entries for one subject, in closed form (no matrix exponential).

    State (g, ac, am, ∫ac, ∫am, ce) with the rate r held over the step; every entry is a chain
    of first-order transfers, so entry = couplings x (-1)^(n-1) f[rates] with f(k) = exp(-k t)
    (see :func:`_exp_divided_differences`; the rate input and the integrals are rate-0 nodes).
    ``pc[e, i]``: the entries (g,g) (g,r) (ac,g) (ac,ac) (ac,r) (am,g) (am,am) (am,r) (ce,g)
    (ce,ac) (ce,am) (ce,ce) (ce,r) at t = h (the last five only for the effect compartment).
    For binding, ``lc[q, c, i]`` =
    -kon ∫_{s_q}^h Ceff per unit of (g, ac, am, r) (s_0 = 0), from the integral rows.
    ``cvm`` is already multiplied by r6 (the metabolite's relative potency).
    """
    nodes, ex, dd_a, dd_b = work[0], work[1], work[2], work[3]
    if binding:
        # family A = f over (0, 0, ka, kel), family B over (0, 0, ka, km): g, ac, am and the integrals
        n_times = s_nodes.shape[0] + 1
        for q in range(n_times):
            t = h if q == 0 else s_nodes[q - 1]
            e_ka, e_kel, e_km = math.exp(-ka * t), math.exp(-kel * t), math.exp(-km * t)
            nodes[0], nodes[1], nodes[2], nodes[3] = 0.0, 0.0, ka, kel
            ex[0], ex[1], ex[2], ex[3] = 1.0, 1.0, e_ka, e_kel
            _exp_divided_differences(nodes, ex, t, inv_fact, dd_a, work[5])
            nodes[3], ex[3] = km, e_km
            _exp_divided_differences(nodes, ex, t, inv_fact, dd_b, work[5])
            # integral rows at t: P30 = ka f[0,ka,kel], P31 = -f[0,kel], P36 = -ka f[0,0,ka,kel]; B alike
            p30, p31, p36 = ka * dd_a[13], -dd_a[9], -ka * dd_a[15]
            p40, p42, p46 = ka * dd_b[13], -dd_b[9], -ka * dd_b[15]
            v0, v1, v2, v3 = cv * p30 + cvm * p40, cv * p31, cvm * p42, cv * p36 + cvm * p46
            if q == 0:
                pc[0, i], pc[1, i] = e_ka, -dd_a[5]
                pc[2, i], pc[3, i], pc[4, i] = -ka * dd_a[12], e_kel, ka * dd_a[13]
                pc[5, i], pc[6, i], pc[7, i] = -ka * dd_b[12], e_km, ka * dd_b[13]
                for e in range(8, 13):
                    pc[e, i] = 0.0
                lc[0, 0, i], lc[0, 1, i], lc[0, 2, i], lc[0, 3, i] = -kon * v0, -kon * v1, -kon * v2, -kon * v3
                work[4, 0], work[4, 1], work[4, 2], work[4, 3] = v0, v1, v2, v3
            else:
                lc[q, 0, i] = -kon * (work[4, 0] - v0)
                lc[q, 1, i] = -kon * (work[4, 1] - v1)
                lc[q, 2, i] = -kon * (work[4, 2] - v2)
                lc[q, 3, i] = -kon * (work[4, 3] - v3)
        return
    # effect compartment: family C over (0, ka, kel, ke0), family D over (0, ka, km, ke0), at t = h
    t = h
    e_ka, e_kel, e_km, e_ke0 = math.exp(-ka * t), math.exp(-kel * t), math.exp(-km * t), math.exp(-ke0 * t)
    nodes[0], nodes[1], nodes[2], nodes[3] = 0.0, ka, kel, ke0
    ex[0], ex[1], ex[2], ex[3] = 1.0, e_ka, e_kel, e_ke0
    _exp_divided_differences(nodes, ex, t, inv_fact, dd_a, work[5])
    nodes[2], ex[2] = km, e_km
    _exp_divided_differences(nodes, ex, t, inv_fact, dd_b, work[5])
    kc, kcm = ke0 * cv, ke0 * cvm
    pc[0, i], pc[1, i] = e_ka, -dd_a[3]
    pc[2, i], pc[3, i], pc[4, i] = -ka * dd_a[6], e_kel, ka * dd_a[7]
    pc[5, i], pc[6, i], pc[7, i] = -ka * dd_b[6], e_km, ka * dd_b[7]
    pc[8, i] = ka * (kc * dd_a[14] + kcm * dd_b[14])
    pc[9, i], pc[10, i], pc[11, i] = -kc * dd_a[12], -kcm * dd_b[12], e_ke0
    pc[12, i] = -ka * (kc * dd_a[15] + kcm * dd_b[15])


_BLOCK = 256  # subjects advanced together: every inner loop runs over a block (SIMD lanes)


@intrinsic
def _float_from_bits(typingctx, bits):  # pragma: no cover - compile-time
    """The float64 whose IEEE-754 bit pattern is the int64 ``bits`` (an LLVM bitcast: one lane op)."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.int64), codegen


@njit(nogil=True, cache=True, fastmath={"contract"}, error_model="numpy", inline="always")
def _exp_nonpositive(z: float) -> float:  # pragma: no cover - compiled
    """exp(z) for z <= 0 without a library call, so that loops over subjects vectorise.

    z is clamped at -40 (exp(-40) = 4e-18: below the engine's 1e-6 tolerance by 12 orders);
    z = k ln2 + r with |r| <= ln2/2 (two-part ln2), exp(r) by its degree-12 Taylor polynomial
    (truncation < 2e-16 relative, the rounding level), 2^k by writing k + 1023 into the
    exponent bits (k >= -58, so always a normal number).
    """
    z = max(z, -40.0)
    kf = (z * 1.4426950408889634 + 6755399441055744.0) - 6755399441055744.0  # round to nearest, no call
    r = (z - kf * 0.6931471803691238) - kf * 1.9082149292705877e-10
    p = 1.0 / 479001600.0
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
    return p * _float_from_bits((np.int64(kf) + 1023) << 52)


@njit(nogil=True, cache=True, fastmath={"contract"}, error_model="numpy")
def _advance_block(nb: int, which: int, pc: np.ndarray, lc: np.ndarray, wn: np.ndarray, ekh: float,
                   phi_y: np.ndarray, w_in: np.ndarray, c_y: np.ndarray, r: float, binding: bool, koff: float,
                   ke0: float, ec50: float, kcv: np.ndarray, st: np.ndarray,
                   acc: np.ndarray) -> None:  # pragma: no cover - compiled
    """One step for a block with coefficient set ``which`` (0: the grid step, 1: the refined one).

    ``st`` rows: g, ac, am, ce, b, adapt, pool, b_prev, db_prev (x block); ``kcv`` rows: the
    binding (or effect) weights of ac and am. Every array is indexed in place (no slices, so no
    reference counting inside the step) and every loop runs over the block's subjects.
    """
    if binding:
        for i in range(nb):
            acc[i] = 0.0
        for q in range(wn.shape[0]):
            w = wn[q]
            for i in range(nb):
                acc[i] += w * _exp_nonpositive(lc[which, q + 1, 0, i] * st[0, i] + lc[which, q + 1, 1, i] * st[1, i]
                                               + lc[which, q + 1, 2, i] * st[2, i] + lc[which, q + 1, 3, i] * r)
        for i in range(nb):
            e0 = _exp_nonpositive(lc[which, 0, 0, i] * st[0, i] + lc[which, 0, 1, i] * st[1, i]
                                  + lc[which, 0, 2, i] * st[2, i] + lc[which, 0, 3, i] * r)
            st[4, i] = 1.0 - e0 * ekh * (1.0 - st[4, i]) - koff * acc[i]
    else:
        for i in range(nb):
            st[3, i] = (pc[which, 8, i] * st[0, i] + pc[which, 9, i] * st[1, i] + pc[which, 10, i] * st[2, i]
                        + pc[which, 11, i] * st[3, i] + pc[which, 12, i] * r)
    for i in range(nb):
        g0 = st[0, i]
        ac1 = pc[which, 2, i] * g0 + pc[which, 3, i] * st[1, i] + pc[which, 4, i] * r
        am1 = pc[which, 5, i] * g0 + pc[which, 6, i] * st[2, i] + pc[which, 7, i] * r
        st[0, i] = pc[which, 0, i] * g0 + pc[which, 1, i] * r
        st[1, i], st[2, i] = ac1, am1
        ceff = ac1 * kcv[0, i] + am1 * kcv[1, i]
        if binding:
            b1 = st[4, i]
            db1 = ceff - (ceff + koff) * b1
        else:
            c = st[3, i]
            b1 = c / (c + ec50)
            db1 = ec50 * ke0 * (ceff - c) / ((c + ec50) * (c + ec50))
        a0, b0, db0 = st[5, i], st[7, i], st[8, i]
        st[5, i] = (phi_y[0, 0] * a0 + w_in[0, 0] * b0 + w_in[1, 0] * db0 + w_in[2, 0] * b1
                    + w_in[3, 0] * db1 + c_y[0])
        st[6, i] = (phi_y[1, 1] * st[6, i] + phi_y[1, 0] * a0 + w_in[0, 1] * b0 + w_in[1, 1] * db0
                    + w_in[2, 1] * b1 + w_in[3, 1] * db1 + c_y[1])
        st[7, i], st[8, i] = b1, db1


@njit(nogil=True, cache=True, fastmath={"contract"}, error_model="numpy")
def _daily_kernel(ka: np.ndarray, kel: np.ndarray, km: np.ndarray, cv: np.ndarray, cvm: np.ndarray,
                  binding: bool, kon: float, koff: float, ke0: float, ec50: float, r6: float,
                  bolus: np.ndarray, rate: np.ndarray, refine: np.ndarray, tone: np.ndarray, s0: np.ndarray,
                  spd: int, dt_h: float, substeps: int, s_main: np.ndarray, wn_main: np.ndarray, ekh_main: float,
                  phi_main: np.ndarray, win_main: np.ndarray, cy_main: np.ndarray, s_fine: np.ndarray,
                  wn_fine: np.ndarray, ekh_fine: float, phi_fine: np.ndarray, win_fine: np.ndarray,
                  cy_fine: np.ndarray, beta: float, k_e_half: float, inv_fact: np.ndarray,
                  out: np.ndarray) -> None:  # pragma: no cover - compiled
    n = ka.shape[0]
    n_steps = rate.shape[0]
    n_nodes = s_main.shape[0]
    nblk = _BLOCK
    work = np.zeros((6, 24))
    pc = np.zeros((2, 13, nblk))
    lc = np.zeros((2, n_nodes + 1, 4, nblk))
    kcv, acc = np.empty((2, nblk)), np.empty(nblk)
    cvb = np.empty((2, nblk))  # concentration per amount: parent, metabolite
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
            cvb[0, i], cvb[1, i] = cv[s], cvm[s]
            kcv[0, i] = (kon if binding else 1.0) * cv[s]
            kcv[1, i] = (kon if binding else 1.0) * r6 * cvm[s]
            for which in range(2 if any_fine else 1):
                _step_coefficients(ka[s], kel[s], km[s], ke0, cv[s], r6 * cvm[s], binding, kon,
                                   dt_h if which == 0 else h_fine, s_main if which == 0 else s_fine, inv_fact,
                                   pc[which], lc[which], i, work)
        st[:, :] = 0.0
        st[6, :] = 1.0
        inp = 0.0
        day_input = 0.0
        for step in range(n_steps + 1):
            bo = bolus[step]
            if bo != 0.0:
                inp += bo
                for i in range(nb):
                    st[0, i] += bo
            j = step % spd
            day = step // spd
            if j == 0:
                if day > 0:
                    d = day - 1
                    for i in range(nb):
                        absorbed = inp - day_input - (st[0, i] - day0[0, i])
                        s = first + i
                        out[s, 0, d] = stats[0, i]
                        out[s, 1, d] = stats[1, i] * dt_h
                        out[s, 2, d] = cvb[0, i] * (absorbed - (st[1, i] - day0[1, i])) / kel[s]
                        out[s, 3, d] = stats[2, i]
                        out[s, 4, d] = cvb[1, i] * (absorbed - (st[2, i] - day0[2, i])) / km[s]
                        out[s, 5, d] = stats[3, i]
                        out[s, 6, d] = stats[4, i]
                        out[s, 7, d] = stats[5, i] * dt_h
                        out[s, 8, d] = stats[6, i] * dt_h
                        out[s, 9, d] = stats[7, i] / spd
                day_input = inp
                for i in range(nb):
                    day0[0, i], day0[1, i], day0[2, i] = st[0, i], st[1, i], st[2, i]
                    stats[0, i], stats[1, i], stats[2, i], stats[3, i] = -1.0, 0.0, -1.0, -1.0
                    stats[4, i], stats[5, i], stats[6, i], stats[7, i] = 2.0, 0.0, 0.0, 0.0
                if step == n_steps:
                    break
            tn, s0n, jf = tone[step], s0[step], float(j)
            for i in range(nb):
                conc = st[1, i] * cvb[0, i]
                conc_m = st[2, i] * cvb[1, i]
                bm = st[7, i]
                e_tone = tn * (1.0 + beta * st[5, i])
                rebound = st[6, i] * (1.0 - bm) * e_tone / (e_tone + k_e_half) / s0n - 1.0
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
                    _advance_block(nb, 1, pc, lc, wn_fine, ekh_fine, phi_fine, win_fine, cy_fine, r, binding,
                                   koff, ke0, ec50, kcv, st, acc)
            else:
                _advance_block(nb, 0, pc, lc, wn_main, ekh_main, phi_main, win_main, cy_main, r, binding,
                               koff, ke0, ec50, kcv, st, acc)


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
                  float(p.beta_endorphin_gain), float(p.k_e_half), _INV_FACTORIAL, out)
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
