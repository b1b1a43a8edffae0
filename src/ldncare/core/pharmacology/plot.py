"""Pictures of a simulated regimen: concentrations, receptor occupancy (all scenarios), rebound.

One PNG with three panels over clock time, doses marked: plasma naltrexone and
6β-naltrexol; brain μ-receptor occupancy under the three offset scenarios (band = range
across scenarios; the selected one drawn bold); the rebound index, labelled HYPOTHESIS.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter, MultipleLocator  # noqa: E402

from ldncare.core.pharmacology.engine import SCENARIOS  # noqa: E402
from ldncare.core.pharmacology.regimen import Regimen  # noqa: E402
from ldncare.core.pharmacology.simulation import DEFAULT_SCENARIO, SimulationResult, simulate  # noqa: E402

__all__ = ["plot_regimen"]

_COLOURS = {"fast": "#1b9e77", "compromise": "#d95f02", "slow": "#7570b3"}


def _clock_label(t_h: float, _pos: object = None) -> str:
    day, hours = divmod(t_h, 24.0)
    return f"day {int(day) + 1}\n{int(hours):02d}:{int(round((hours % 1) * 60)) % 60:02d}"


def plot_regimen(regimen: Regimen, path: str | Path, *, scenario: str = DEFAULT_SCENARIO, weight_kg: float = 70.0,
                 hepatic: str = "none") -> Path:
    """Simulate ``regimen`` under every scenario and draw the figure to ``path`` (PNG)."""
    results: dict[str, SimulationResult] = {
        s: simulate(regimen, scenario=s, weight_kg=weight_kg, hepatic=hepatic) for s in SCENARIOS
    }
    main = results[scenario]
    t = main.t_h
    fig, (ax_c, ax_b, ax_r) = plt.subplots(3, 1, figsize=(12.5, 9), sharex=True,
                                           gridspec_kw={"height_ratios": [1.1, 1.2, 1.0]})
    title = f"{regimen.description}; {weight_kg:g} kg, hepatic impairment: {hepatic}"
    fig.suptitle(f"ldncare simulation: {title}\nModel illustration, not medical advice", fontsize=11)

    ax_c.plot(t, main.series("ntx_ng_per_ml"), color="#08519c", lw=1.6, label="naltrexone")
    ax_c.set_ylabel("naltrexone (ng/mL)", color="#08519c")
    ax_m = ax_c.twinx()
    ax_m.plot(t, main.series("nal6b_ng_per_ml"), color="#a50f15", lw=1.4, ls="--", label="6β-naltrexol")
    ax_m.set_ylabel("6β-naltrexol (ng/mL)", color="#a50f15")
    ax_c.set_ylim(bottom=0)
    ax_m.set_ylim(bottom=0)
    lines = ax_c.get_lines() + ax_m.get_lines()
    ax_c.legend(lines, [ln.get_label() for ln in lines], loc="upper left", fontsize=8)
    ax_c.set_title("Plasma concentrations (typical subject)", fontsize=10, loc="left")

    occ = np.stack([results[s].series("mor_occupancy") for s in SCENARIOS]) * 100
    ax_b.fill_between(t, occ.min(axis=0), occ.max(axis=0), color="0.85", label="range across scenarios")
    for s in SCENARIOS:
        ax_b.plot(t, results[s].series("mor_occupancy") * 100, color=_COLOURS[s],
                  lw=2.4 if s == scenario else 1.0, label=f"{s}{' (selected)' if s == scenario else ''}")
    ax_b.plot(t, main.series("kor_occupancy") * 100, color=_COLOURS[scenario], lw=0.8, ls=":",
              label=f"κ receptor ({scenario})")
    ax_b.axhline(50, color="0.5", lw=0.6, ls="--")
    ax_b.set_ylim(0, 100)
    ax_b.set_ylabel("brain μ occupancy (%)")
    ax_b.set_title("μ-opioid receptor blockade: offset mechanism unknown in humans, all three scenarios shown",
                   fontsize=10, loc="left")
    ax_b.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="scenario", title_fontsize=8)

    for s in SCENARIOS:
        ax_r.plot(t, results[s].series("rebound_index"), color=_COLOURS[s], lw=2.0 if s == scenario else 0.9,
                  label=s)
    ax_r.axhline(0, color="0.3", lw=0.8)
    ax_r.set_ylabel("rebound index\n(signal / baseline − 1)")
    ax_r.set_title("HYPOTHESIS: endorphin / receptor rebound (all parameters are assumptions)", fontsize=10,
                   loc="left", color="#b30000")
    ax_r.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="scenario", title_fontsize=8)

    for dose in regimen.doses():
        if dose.time_h <= t[-1]:
            for ax in (ax_c, ax_b, ax_r):
                ax.axvline(dose.time_h, color="0.6", lw=0.6, ls=":")
            ax_c.plot([dose.time_h], [0], marker="^", color="k", ms=6, clip_on=False, zorder=5)

    span = t[-1] - t[0]
    step = 6.0 if span <= 72 else 12.0 if span <= 24 * 10 else 24.0 * max(1, int(span // (24 * 14)))
    ax_r.xaxis.set_major_locator(MultipleLocator(step))
    ax_r.xaxis.set_major_formatter(FuncFormatter(_clock_label))
    ax_r.set_xlim(t[0], t[-1])
    amounts = sorted({d.amount_mg for d in regimen.doses()})
    ax_r.set_xlabel(f"clock time — doses ▲ (dotted lines): {', '.join(f'{a:g}' for a in amounts)} mg")
    for label in ax_r.get_xticklabels():
        label.set_fontsize(7)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
