"""One call from a question to an answer: regimen + covariates + scenario → a result with provenance.

:func:`simulate` runs one typical subject (time series + per-day figures);
:func:`simulate_population_result` runs a population (per-day percentiles). Both results
turn into the JSON contract of ``ldncare simulate --json`` with :meth:`as_dict`: scenario,
regimen, daily figures, every parameter with its provenance, and the assumptions and
hypothesis labels.

>>> from ldncare.core.pharmacology.regimen import daily_at
>>> res = simulate(daily_at(4.5, "22:00", days=2), scenario="compromise")
>>> sorted(res.as_dict())
['assumptions', 'daily', 'parameters', 'regimen', 'scenario']
>>> res.as_dict()["daily"][0]["day"], round(res.as_dict()["daily"][0]["ntx_cmax_ng_per_ml"], 2)
(1, 1.27)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ldncare.core.pharmacology.engine import (
    DAILY_METRICS,
    SCENARIOS,
    EngineOutput,
    simulate_subjects,
)
from ldncare.core.pharmacology.parameters import ModelParameters, model_parameters, parameter_table
from ldncare.core.pharmacology.population import PopulationSummary, simulate_population
from ldncare.core.pharmacology.regimen import Regimen
from ldncare.core.pharmacology.subjects import typical_subjects
from ldncare.core.pharmacology.tlr4 import tlr4_exposure

__all__ = [
    "DEFAULT_SCENARIO",
    "SCENARIO_EVIDENCE",
    "compare_scenarios",
    "PopulationResult",
    "SimulationResult",
    "assumptions",
    "simulate",
    "simulate_population_result",
]

#: What each receptor-offset scenario is fitted to, and the evidence for and against it.
SCENARIO_EVIDENCE: dict[str, str] = {
    "fast": ("fast equilibrium: binding on plasma naltrexone fitted to Rabiner 2011 PET (2-50 mg, < 8 h); "
             "offset t1/2 ~0.5 h -> a TRANSIENT blockade at LDN doses. Contradicted at 50 mg by Lee 1988 "
             "(offset half-time 72-108 h) and the label (70-80 % at 48 h)."),
    "compromise": ("effect compartment (t1/2 9 h) fitted to Rabiner 2011, the label's 48 h value and the "
                   "12.5 mg PET course; a SUSTAINED PARTIAL blockade at LDN doses."),
    "slow": ("slow dissociation (t1/2 ~57 h) fitted to Rabiner 2011 + Lee 1988; near-continuous blockade at "
             "LDN doses; over-predicts 15 mg occupancy (85 vs 61 %) and 12.5 mg at 72 h."),
}


#: The scenario used when none is asked for: the one the validation supports. ``compromise``
#: passes every receptor target it is fitted to (Rabiner 2011 PET at 2-50 mg, the dose for 50 %
#: occupancy, the label's 70-80 % blocked at 48 h after 50 mg, the 12.5 mg PET course); ``fast``
#: fails all three offset checks (11 % at 48 h against 70-80 %), ``slow`` over-predicts 15 mg and
#: 12.5 mg at 72 h. See docs/pharmacology-validation.md; :func:`compare_scenarios` shows all three.
DEFAULT_SCENARIO = "compromise"

#: Plasma naltrexone below 50 mg: what exists, and what the model does with it.
LOW_DOSE_PLASMA = (
    "Plasma naltrexone has been measured below 50 mg: Rabiner 2011 (2-15 mg oral, with PET occupancy; "
    "doi:10.1038/mp.2011.29) and the Contrave label (16 mg SR, used here as a validation target). Rabiner's "
    "plasma values are not tabulated in any source read for this model, so the model's IR exposure at LDN "
    "doses rests on linear pharmacokinetics (shown for 50-200 mg, Meyer 1984) extrapolated downwards, and is "
    "checked against the 16 mg SR exposure and Rabiner's occupancies.")


def assumptions(scenario: str, regimen: Regimen | None = None) -> list[str]:
    """The labels every result carries: hypotheses, structural uncertainty, extrapolations."""
    items = [
        "Not medical advice: a model to explain pharmacology, not a prescription; decide with your prescriber.",
        f"Receptor-offset scenario '{scenario}' ({SCENARIO_EVIDENCE[scenario]}) Human data cannot yet tell "
        "transient from sustained blockade at LDN doses: compare all three scenarios.",
        "HYPOTHESIS: the rebound index (endorphin / receptor up-regulation after blockade) is a hypothesis "
        "module; all its rate and gain parameters are assumptions (calibrated only to mouse up-regulation "
        "after continuous blockade). Positive = more opioid signalling than the drug-free baseline.",
        "HYPOTHESIS: TLR4 antagonism. Plasma naltrexone at LDN doses is nanomolar, the in-vitro TLR4 studies "
        "used micromolar concentrations; the IC50 used is an unverified placeholder.",
        LOW_DOSE_PLASMA,
        "Doses are mg naltrexone hydrochloride as labelled; parameters are apparent oral values (CL/F, V/F).",
        "Body weight acts allometrically (exponents 0.75 and 1, an assumption); hepatic impairment multiplies "
        "exposure by 2 (mild, assumption), 5 (moderate) and 10 (severe) after the label's 5-10x in cirrhosis.",
        "No chronopharmacokinetic data: clock time changes results only through the beta-endorphin rhythm "
        "in the rebound hypothesis.",
        "Daily figures are taken on a 15-minute grid; day d starts at that day's first dose time.",
    ]
    if regimen is not None and any(e.form == "sr" for e in regimen.events):
        items.insert(1, "SR = commercial SR tablet (Contrave) calibration — compounded SR has no PK data.")
    return items


@dataclass(frozen=True)
class SimulationResult:
    """A typical subject's time series and daily figures, with the inputs that produced them."""

    regimen: Regimen
    scenario: str
    weight_kg: float
    hepatic: str
    output: EngineOutput

    @property
    def t_h(self) -> np.ndarray:
        """Grid times (h since 00:00 of day 1)."""
        return self.output.t_h

    def series(self, name: str) -> np.ndarray:
        """One time series of the (single) subject."""
        return self.output.series[name][0]

    def daily_rows(self) -> list[dict[str, Any]]:
        """Per-day figures in the contract shape."""
        return [{"day": d + 1, **{m: float(self.output.daily[m][0, d]) for m in DAILY_METRICS}}
                for d in range(self.regimen.days)]

    def tlr4(self) -> dict[str, float]:
        """The TLR4 exposure comparison at the highest simulated naltrexone level."""
        return tlr4_exposure(float(self.output.daily["ntx_cmax_ng_per_ml"].max()))

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract of ``ldncare simulate``."""
        regimen = self.regimen.as_dict() | {"weight_kg": self.weight_kg, "hepatic": self.hepatic}
        gap = self.tlr4()
        items = [
            (f"HYPOTHESIS: TLR4 antagonism. Peak plasma naltrexone here is {gap['cmax_nM']:.3g} nM (unbound "
             f"{1000 * gap['unbound_cmax_uM']:.3g} nM), {gap['fold_below_lowest_in_vitro_uM']:,.0f}-fold below the "
             "lowest in-vitro concentration studied (1 uM); the IC50 used is an unverified placeholder.")
            if item.startswith("HYPOTHESIS: TLR4") else item
            for item in assumptions(self.scenario, self.regimen)
        ]
        return {"scenario": self.scenario, "regimen": regimen, "daily": self.daily_rows(),
                "parameters": parameter_table(), "assumptions": items}


@dataclass(frozen=True)
class PopulationResult:
    """Per-day percentiles of a simulated population, with its inputs."""

    regimen: Regimen
    weight_kg: float
    hepatic: str
    summary: PopulationSummary

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract with ``{"p5", "p50", "p95"}`` per daily figure."""
        s = self.summary
        regimen = self.regimen.as_dict() | {"weight_kg": self.weight_kg, "hepatic": self.hepatic,
                                            "population": s.n, "seed": s.seed, "percentiles": s.method}
        return {"scenario": s.scenario, "regimen": regimen, "daily": s.daily_rows(),
                "parameters": parameter_table(),
                "assumptions": assumptions(s.scenario, self.regimen) + [
                    "Population: log-normal between-subject variability on oral availability F (moves CL/F and "
                    "V/F together, so Cmax and AUC vary alike: first-pass variability; from the Bertolotti 1997 "
                    "AUC SD, n = 7), on systemic clearance (Licko 1981), on CLm/fm (Bertolotti 1997) and ka "
                    "(assumption); body weight log-normal around the given weight (SD 0.15, assumption)."]}


def _check_scenario(scenario: str) -> None:
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; allowed: {', '.join(SCENARIOS)}")


def simulate(regimen: Regimen, *, scenario: str = DEFAULT_SCENARIO, weight_kg: float = 70.0, hepatic: str = "none",
             params: ModelParameters | None = None, dt_h: float = 0.25) -> SimulationResult:
    """Simulate one typical subject (no random effects) with every series kept."""
    _check_scenario(scenario)
    out = simulate_subjects(regimen, typical_subjects(weight_kg, hepatic, params=params), scenario,
                            params=params or model_parameters(), dt_h=dt_h)
    return SimulationResult(regimen=regimen, scenario=scenario, weight_kg=weight_kg, hepatic=hepatic, output=out)


def simulate_population_result(regimen: Regimen, n: int, *, seed: int, scenario: str = DEFAULT_SCENARIO,
                               weight_kg: float = 70.0, hepatic: str = "none", client: Any = None,
                               progress: Callable[[int], None] | None = None,
                               chunk_size: int = 8192) -> PopulationResult:
    """Simulate a population (see :func:`~ldncare.core.pharmacology.population.simulate_population`)."""
    _check_scenario(scenario)
    summary = simulate_population(regimen, n, seed=seed, scenario=scenario, weight_kg=weight_kg, hepatic=hepatic,
                                  client=client, progress=progress, chunk_size=chunk_size)
    return PopulationResult(regimen=regimen, weight_kg=weight_kg, hepatic=hepatic, summary=summary)


#: The receptor figures of the last simulated day compared across scenarios.
COMPARED_METRICS = ("mor_occupancy_peak", "mor_occupancy_trough", "mor_hours_ge_50pct", "mor_hours_ge_90pct")


def compare_scenarios(regimen: Regimen, *, weight_kg: float = 70.0, hepatic: str = "none",
                      params: ModelParameters | None = None) -> list[dict[str, Any]]:
    """All three receptor-offset scenarios side by side for a typical subject (last simulated day).

    Plasma levels do not depend on the scenario; brain receptor blockade does, and human data
    cannot yet tell the scenarios apart at LDN doses. ``default`` marks :data:`DEFAULT_SCENARIO`.
    """
    rows = []
    for name in SCENARIOS:
        res = simulate(regimen, scenario=name, weight_kg=weight_kg, hepatic=hepatic, params=params)
        last = res.daily_rows()[-1]
        rows.append({"scenario": name, "default": name == DEFAULT_SCENARIO, "evidence": SCENARIO_EVIDENCE[name],
                     "day": last["day"], **{m: last[m] for m in COMPARED_METRICS}})
    return rows
