"""A plain ODE implementation of the same model with ``scipy.integrate.solve_ivp``.

This is what a Python user would write: one subject at a time, the right-hand side of
every state, integration restarted at each dose (and at the end of each zero-order input)
with the dose added to the gut depot. It is the independent reference the fast engine
is tested and benchmarked against.

>>> from ldncare.core.pharmacology.regimen import daily_at
>>> from ldncare.core.pharmacology.subjects import typical_subjects
>>> ref = simulate_reference(daily_at(4.5, "22:00", days=1), typical_subjects(), "fast")
>>> round(float(ref["ntx_ng_per_ml"].max()), 2)
1.27
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from ldncare.core.pharmacology.engine import _receptor_constants, circadian_tone
from ldncare.core.pharmacology.parameters import ModelParameters, model_parameters
from ldncare.core.pharmacology.regimen import Regimen
from ldncare.core.pharmacology.subjects import Subjects

__all__ = ["simulate_reference"]


def simulate_reference(regimen: Regimen, subjects: Subjects, scenario: str = "fast", *, index: int = 0,
                       params: ModelParameters | None = None, dt_h: float = 0.25, rtol: float = 1e-8,
                       atol: float = 1e-12, method: str = "DOP853") -> dict[str, np.ndarray]:
    """Series of subject ``index`` on the engine's grid, from ``solve_ivp`` with restarts at doses."""
    p = params or model_parameters()
    c1, c2 = _receptor_constants(scenario, p)
    binding = scenario != "compromise"
    ka, cl, v = (float(getattr(subjects, f)[index]) for f in ("ka_per_h", "cl_l_per_h", "v_l"))
    clm, vm = float(subjects.clm_l_per_h[index]), float(subjects.vm_l[index])
    kel, km = cl / v, clm / vm
    ratios = (p.kor_ratio, p.dor_ratio)
    n_steps = int(round(24.0 / dt_h)) * regimen.days
    t_grid = regimen.start_h + dt_h * np.arange(n_steps + 1)

    doses = regimen.doses()
    infusions = [(d.time_h, d.time_h + d.duration_h, (p.sr_f_rel if d.form == "sr" else 1.0) * d.rate_mg_per_h)
                 for d in doses if d.duration_h > 0]

    def input_rate(t: float) -> float:
        return sum(r for start, end, r in infusions if start <= t < end)

    def rhs(t: float, y: np.ndarray, rate: float) -> list[float]:
        g, ac, am, b, bk, bd, a, pool = y
        ceff = 1000.0 * ac / v + p.r6 * 1000.0 * am / vm
        if binding:
            db = c1 * ceff * (1 - b) - c2 * b
            dbk = c1 / ratios[0] * ceff * (1 - bk) - c2 * bk
            dbd = c1 / ratios[1] * ceff * (1 - bd) - c2 * bd
            occ = b
        else:  # b holds the effect-site concentration
            db = c1 * (ceff - b)
            dbk = dbd = 0.0
            occ = b / (b + c2)
        return [rate - ka * g, ka * g - kel * ac, ka * g - km * am, db, dbk, dbd,
                p.k_adapt_per_h * (occ - a), p.k_deg_per_h * (1 + p.alpha_upregulation * a - pool)]

    bolus_at: dict[float, float] = {}
    for d in doses:
        if d.duration_h == 0:
            bolus_at[d.time_h] = bolus_at.get(d.time_h, 0.0) + d.amount_mg
    breaks = sorted({t_grid[0], t_grid[-1], *bolus_at, *(s for s, _, _ in infusions), *(e for _, e, _ in infusions)})
    breaks = [b for b in breaks if t_grid[0] <= b <= t_grid[-1]]
    y = np.array([0, 0, 0, 0, 0, 0, 0, 1.0])
    out = np.empty((8, t_grid.size))
    for start, end in zip(breaks[:-1], breaks[1:], strict=True):
        y = y.copy()
        y[0] += bolus_at.get(start, 0.0)
        mask = (t_grid >= start - 1e-12) & (t_grid < end - 1e-12)
        t_eval = np.append(t_grid[mask], end)
        sol = solve_ivp(rhs, (start, end), y, method=method, rtol=rtol, atol=atol, args=(input_rate(start),),
                        t_eval=t_eval)
        out[:, mask] = sol.y[:, :-1]
        y = sol.y[:, -1]
    y = y.copy()
    y[0] += bolus_at.get(breaks[-1], 0.0)
    out[:, -1] = y

    g, ac, am, b, bk, bd, a, pool = out
    conc, conc_m = 1000.0 * ac / v, 1000.0 * am / vm
    if binding:
        mor, kor, dor = b, bk, bd
    else:
        mor, kor, dor = b / (b + c2), b / (b + c2 * ratios[0]), b / (b + c2 * ratios[1])
    tone = circadian_tone(np.mod(t_grid, 24.0), p)
    e_tone = tone * (1 + p.beta_endorphin_gain * a)
    rebound = pool * (1 - mor) * e_tone / (e_tone + p.k_e_half) / (tone / (tone + p.k_e_half)) - 1
    return {"t_h": t_grid, "ntx_ng_per_ml": conc, "nal6b_ng_per_ml": conc_m, "mor_occupancy": mor,
            "kor_occupancy": kor, "dor_occupancy": dor, "adaptation": a, "receptor_pool": pool,
            "rebound_index": rebound}
