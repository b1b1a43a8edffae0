"""Validation against published targets (research notes §6), and the table in the docs.

Each :class:`Check` names a published target, its source, a stated tolerance, the model
value and pass/fail. Receptor targets are evaluated for every offset scenario: a scenario
must pass the targets it was fitted to; the others are shown for contrast (they are the
evidence for and against each scenario). Regenerate the docs table with::

    python -m ldncare.core.pharmacology.validation --markdown docs/pharmacology-validation.md
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ldncare.core.pharmacology.calibration import (
    LEE_PSEUDO,
    RABINER_POINTS,
    RABINER_SCAN_H,
    occupancy_after_single_dose,
)
from ldncare.core.pharmacology.engine import SCENARIOS, simulate_subjects
from ldncare.core.pharmacology.parameters import model_parameters
from ldncare.core.pharmacology.regimen import DoseEvent, Regimen
from ldncare.core.pharmacology.subjects import sample_subjects, typical_subjects

__all__ = ["Check", "render_markdown", "run_checks"]

FACHINFO = "Swiss Fachinfo naltrexone https://generika.cc/dt/generika/fachinfo/reg/56109/chapter/kinetic"
LABEL = "naltrexone label (openFDA) https://api.fda.gov/drug/label.json?search=openfda.generic_name%3A%22Naltrexone+Hydrochloride%22"
BERTOLOTTI = "Bertolotti 1997 https://iris.unimore.it/handle/11380/945891"
MEYER = "Meyer 1984 https://scilit.com/publications/5dbdd999582f6f70c405c410cc89aeb8"
CONTRAVE = "Contrave label https://clustermed.info/drugs/n/naltrexone-hcl-and-bupropion-hcl-extended-release-tablets.html"
RABINER = ("Rabiner 2011 (doi:10.1038/mp.2011.29) via Trøstheim 2022 Table 1 "
           "https://www.nature.com/articles/s41386-022-01416-z/tables/1")
BE_STUDY = ("50 mg tablets, 10 healthy men, crossover (journal abstract on a periodical index page) "
            "https://jxxfw.com/periodical/00161a494f6f3d60b7fd56b4a1796973.html")
POPULATION_N = 2000
POPULATION_SEED = 2026
TROSTHEIM = "Trøstheim 2022 planner code https://github.com/martintrostheim/opioid-antagonist-planner"
LEE = "Lee 1988 https://pure.johnshopkins.edu/en/publications/duration-of-occupancy-of-opiate-receptors-by-naltrexone-3"
CPT2005 = ("CPT 2005 PET abstract https://discovery.researcher.life/article/duration-of-human-mu-opiate-receptor-"
           "blockade-following-naltrexone-measurement-by-11c-carfentanil-pet/7e9807a245cd372d96bf6a5934f2ecea")
YOBURN = ("chronic antagonist up-regulation (mice) https://discovery.researcher.life/article/chronic-opioid-"
          "antagonist-treatment-assessment-of-receptor-upregulation/85135c102279302b9153a6e807e120c3")

#: Which scenarios were fitted to which receptor target.
FITTED = {"rabiner": SCENARIOS, "ed50": ("fast", "compromise"), "lee": ("slow",), "label48": ("compromise", "slow"),
          "cpt2005": ("compromise",)}


@dataclass(frozen=True)
class Check:
    """One validation row."""

    id: str
    target: str
    source: str
    tolerance: str
    model: str
    passed: bool
    scenario: str = "all"
    fitted: bool = True

    @property
    def result(self) -> str:
        """``pass`` / ``FAIL`` for fitted rows, a contrast note otherwise."""
        if not self.fitted:
            return "contrast (not fitted): " + ("within" if self.passed else "outside")
        return "pass" if self.passed else "FAIL"


def _single(dose_mg: float, days: int, *, form: str = "ir", dt_h: float = 1 / 12) -> tuple[np.ndarray, dict]:
    p = model_parameters()
    duration = p.sr_duration_h if form == "sr" else 0.0
    reg = Regimen(events=(DoseEvent(time_h=0.0, amount_mg=dose_mg, form=form, duration_h=duration),), days=days)
    out = simulate_subjects(reg, typical_subjects(), "compromise", dt_h=dt_h, all_receptors=False)
    return out.t_h, {k: v[0] for k, v in out.series.items()} | {"auc_ntx": out.daily["ntx_auc_ng_h_per_ml"][0],
                                                                "auc_6bn": out.daily["nal6b_auc_ng_h_per_ml"][0]}


def _rel(model: float, target: float, tol: float) -> bool:
    return abs(model - target) <= tol * abs(target)


def _pk_checks() -> list[Check]:
    checks = []
    t, s = _single(50.0, 3)
    c, cm = s["ntx_ng_per_ml"], s["nal6b_ng_per_ml"]
    cmax, tmax = float(c.max()), float(t[c.argmax()])
    mmax, mtmax = float(cm.max()), float(t[cm.argmax()])
    checks += [
        Check("V1a", "50 mg IR: naltrexone Cmax 13.3 ng/mL", FACHINFO, "±25 % (cross-study mean)",
              f"{cmax:.1f} ng/mL", _rel(cmax, 13.3, 0.25)),
        Check("V1b", "50 mg IR: naltrexone Tmax ≈ 1 h", FACHINFO, "±0.5 h", f"{tmax:.2f} h", abs(tmax - 1) <= 0.5),
        Check("V2a", "50 mg IR: 6β-naltrexol Cmax ≈ 108 ng/mL", FACHINFO, "±25 %", f"{mmax:.0f} ng/mL",
              _rel(mmax, 108, 0.25)),
        Check("V2b", "50 mg IR: 6β-naltrexol Tmax ≈ 1 h", FACHINFO, "±0.5 h", f"{mtmax:.2f} h",
              abs(mtmax - 1) <= 0.5),
    ]
    i12, i24, i48 = (int(round(h * 12)) for h in (12, 24, 48))
    t_half = math.log(2) * 12 / math.log(c[i12] / c[i24])
    t_half_m = math.log(2) * 24 / math.log(cm[i24] / cm[i48])
    checks += [
        Check("V3a", "naltrexone t½ 4 h", LABEL, "±15 %", f"{t_half:.2f} h (12-24 h slope)", _rel(t_half, 4, 0.15)),
        Check("V3b", "6β-naltrexol t½ 13 h", LABEL, "±15 %", f"{t_half_m:.1f} h (24-48 h slope)",
              _rel(t_half_m, 13, 0.15)),
    ]
    t100, s100 = _single(100.0, 1)
    auc, auc_m = float(s100["auc_ntx"][0]), float(s100["auc_6bn"][0])
    ratio2h = float(s100["nal6b_ng_per_ml"][24] / s100["ntx_ng_per_ml"][24])
    checks += [
        Check("V4a", "100 mg IR: naltrexone AUC0-24 200 ± 97 ng·h/mL", BERTOLOTTI, "within mean ± 1 SD",
              f"{auc:.0f} ng·h/mL", abs(auc - 200) <= 97),
        Check("V4b", "100 mg IR: 6β-naltrexol AUC0-24 2467 ± 730 ng·h/mL", BERTOLOTTI, "within mean ± 1 SD",
              f"{auc_m:.0f} ng·h/mL", abs(auc_m - 2467) <= 730),
        Check("V5", "100 mg IR: 6β-naltrexol/naltrexone ratio at 2 h 10.91 ± 4.80", BERTOLOTTI,
              "within mean ± 1 SD", f"{ratio2h:.2f}", abs(ratio2h - 10.91) <= 4.80),
    ]
    auc_by_dose = {d: float(_single(d, 4, dt_h=0.25)[1]["auc_ntx"].sum()) for d in (50.0, 200.0)}
    lin = auc_by_dose[200.0] / auc_by_dose[50.0]
    checks.append(Check("V7", "AUC linear in dose, 50-200 mg", MEYER, "AUC(200)/AUC(50) = 4 ± 1 %",
                        f"{lin:.4f}", _rel(lin, 4.0, 0.01)))
    tsr, ssr = _single(16.0, 4, form="sr")
    csr = ssr["ntx_ng_per_ml"]
    auc_sr = float(ssr["auc_ntx"].sum())
    checks += [
        Check("V10a", "16 mg commercial SR: Cmax 1.4 ng/mL", CONTRAVE,
              "±30 % (cross-study; a one-compartment disposition caps Cmax/AUC at its elimination rate)",
              f"{csr.max():.2f} ng/mL", _rel(float(csr.max()), 1.4, 0.30)),
        Check("V10b", "16 mg commercial SR: Tmax 2 h", CONTRAVE, "±0.5 h", f"{tsr[csr.argmax()]:.2f} h",
              abs(float(tsr[csr.argmax()]) - 2) <= 0.5),
        Check("V10c", "16 mg commercial SR: AUC0-inf 8.4 ng·h/mL (calibration)", CONTRAVE, "±5 %",
              f"{auc_sr:.2f} ng·h/mL (0-96 h)", _rel(auc_sr, 8.4, 0.05)),
    ]
    return checks


def population_exposure(dose_mg: float, params=None) -> dict[str, np.ndarray]:  # noqa: ANN001
    """Cmax and AUC0-24 of naltrexone after one IR dose in the validation population."""
    reg = Regimen(events=(DoseEvent(time_h=0.0, amount_mg=dose_mg),), days=1)
    out = simulate_subjects(reg, sample_subjects(POPULATION_N, seed=POPULATION_SEED, params=params), "compromise",
                            params=params, keep_series=False, all_receptors=False)
    return {"cmax": out.daily["ntx_cmax_ng_per_ml"][:, 0], "auc": out.daily["ntx_auc_ng_h_per_ml"][:, 0]}


def _cv(x: np.ndarray) -> float:
    return float(np.std(x) / np.mean(x))


def _spread_checks() -> list[Check]:
    """Between-subject spread: AUC CV (Bertolotti) and Cmax moving with AUC (first-pass variability)."""
    at100, at50 = population_exposure(100.0), population_exposure(50.0)
    cv_auc = _cv(at100["auc"])
    ratio = _cv(at50["cmax"]) / _cv(at50["auc"])
    return [
        Check("V6a", "100 mg IR population: naltrexone AUC0-24 CV 49 % (200 ± 97 ng·h/mL, n = 7)", BERTOLOTTI,
              "CV 35-65 %", f"CV {100 * cv_auc:.0f} % ({POPULATION_N} subjects)", 0.35 <= cv_auc <= 0.65),
        Check("V6b", "50 mg IR population: CV of Cmax / CV of AUC ≈ 1.04 (Cmax 17.2 ± 2.6 ng/mL, AUC 64.7 ± 9.4 "
              "ng·h/mL)", BE_STUDY, "0.8-1.25 (variability on F moves Cmax and AUC together)",
              f"{ratio:.2f} (Cmax CV {100 * _cv(at50['cmax']):.0f} %, AUC CV {100 * _cv(at50['auc']):.0f} %)",
              0.8 <= ratio <= 1.25),
    ]


def _ed50(scenario: str) -> float:
    lo, hi = 0.5, 50.0
    for _ in range(18):
        mid = math.sqrt(lo * hi)
        if occupancy_after_single_dose(mid, (RABINER_SCAN_H,), scenario)[0] < 0.5:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def _receptor_checks() -> list[Check]:
    checks = []
    for sc in SCENARIOS:
        doses = sorted({d for d, _ in RABINER_POINTS})
        at3 = {d: occupancy_after_single_dose(d, (RABINER_SCAN_H,), sc)[0] for d in doses}
        rmse = math.sqrt(np.mean([(at3[d] - o) ** 2 for d, o in RABINER_POINTS]))
        shown = ", ".join(f"{d:g} mg {100 * at3[d]:.0f} %" for d in doses)
        checks.append(Check(
            "V14-17", "PET μ occupancy < 8 h: 2 mg 27 %, 5 mg 43/46/58 %, 15 mg 61 %, 50 mg 92/98 % "
            f"(scan assumed at {RABINER_SCAN_H:g} h)", RABINER,
            "RMSE ≤ 0.12 (replicate scatter at 5 mg spans 0.15)", f"{shown}; RMSE {rmse:.3f}", rmse <= 0.12,
            sc, sc in FITTED["rabiner"]))
        ed50 = _ed50(sc)
        checks.append(Check("V18", "dose for 50 % μ occupancy (hyperbola ED50) 5.59 mg", TROSTHEIM, "±30 %",
                            f"{ed50:.2f} mg", _rel(ed50, 5.59, 0.30), sc, sc in FITTED["ed50"]))
        lee = occupancy_after_single_dose(50.0, tuple(h for h, _ in LEE_PSEUDO) + (24.0,), sc)
        half = math.log(2) * 120 / math.log(lee[0] / lee[3]) if lee[3] > 0 else float("inf")
        worst = max(abs(m - o) for m, (_, o) in zip(lee[:4], LEE_PSEUDO, strict=True))
        checks.append(Check(
            "V19", "50 mg: blockade half-time 72-108 h (pseudo-targets 75/62/43/30 % at 48/72/120/168 h)", LEE,
            "each point ±0.10", f"{'/'.join(f'{100 * v:.0f}' for v in lee[:4])} %; half-time {half:.0f} h",
            worst <= 0.10, sc, sc in FITTED["lee"]))
        b48 = float(lee[0])
        checks.append(Check("V20", "50 mg: 70-80 % of receptors blocked at 48 h", FACHINFO, "70-80 % ± 5 points",
                            f"{100 * b48:.0f} %", 0.65 <= b48 <= 0.85, sc, sc in FITTED["label48"]))
        b125 = occupancy_after_single_dose(12.5, (3.0, 24.0, 72.0), sc)
        ok = bool(b125[0] >= 0.2 and b125[1] >= 0.2 and b125[2] < 0.2)
        checks.append(Check(
            "V22", "12.5 mg: blockade significant at 3 h and 24 h, not at 72 h", CPT2005,
            "'significant' read as ≥ 20 % occupancy (assumption)",
            f"{'/'.join(f'{100 * v:.0f}' for v in b125)} % at 3/24/72 h", ok, sc, sc in FITTED["cpt2005"]))
    return checks


def _rebound_checks() -> list[Check]:
    p = model_parameters()
    reg = Regimen(events=(DoseEvent(time_h=0.0, amount_mg=500.0, duration_h=192.0),), days=8)
    out = simulate_subjects(reg, typical_subjects(), "slow", all_receptors=False)
    pool = float(out.series["receptor_pool"][0, -1])
    b_mean = float(out.series["mor_occupancy"][0, 8:].mean())
    return [Check("V26", "8 days of continuous antagonist: μ receptors +55 % (mice; rebound HYPOTHESIS calibration)",
                  YOBURN, "R/R0 1.55 ± 0.05 (near-full blockade)",
                  f"{pool:.3f} (mean occupancy {100 * b_mean:.0f} %; alpha {p.alpha_upregulation:g})",
                  abs(pool - 1.55) <= 0.05, "slow")]


def run_checks() -> list[Check]:
    """Every validation check, PK first."""
    return _pk_checks() + _spread_checks() + _receptor_checks() + _rebound_checks()


def render_markdown(checks: list[Check]) -> str:
    """The docs table, with a header saying how it was made."""
    fitted = [c for c in checks if c.fitted]
    lines = [
        "# Pharmacology validation",
        "",
        "Generated by `python -m ldncare.core.pharmacology.validation --markdown docs/pharmacology-validation.md`"
        " — do not edit by hand (a test checks this file is up to date).",
        "",
        "Published targets from the research notes §6 against the model (typical 70 kg subject, IR unless stated)."
        " Receptor targets are evaluated under each offset scenario: a scenario must pass the targets it was"
        " fitted to; rows marked *contrast* show how the other scenarios fare — that disagreement is the"
        " evidence that the offset mechanism in humans is unknown. Tolerances are stated before the value.",
        "",
        f"**{sum(c.passed for c in fitted)} of {len(fitted)} fitted checks pass.**",
        "",
        "| ID | Target | Scenario | Tolerance | Model | Result | Source |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in checks:
        lines.append(f"| {c.id} | {c.target} | {c.scenario} | {c.tolerance} | {c.model} | {c.result} | {c.source} |")
    lines += ["", *_spread_section(), "",
              "Plasma naltrexone has been measured below 50 mg: Rabiner 2011 (2-15 mg oral, alongside the PET "
              "occupancies above; doi:10.1038/mp.2011.29) and the Contrave label (16 mg SR, rows V10a-c). Rabiner's "
              "plasma values are not tabulated in any source read for this model, so they are not a target here;"
              " IR exposure at LDN doses rests on linearity (V7, 50-200 mg) extrapolated downwards. No validation"
              " target exists for occupancy below 2 mg, blockade duration at ≤ 5 mg in humans, β-endorphin levels"
              " on LDN, or compounded SR LDN: results there are extrapolations.",
              ""]
    return "\n".join(lines)


def _spread_section() -> list[str]:
    """The simulated Cmax spread against the published ranges."""
    rows = ["## Between-subject spread of naltrexone Cmax",
            "",
            f"Population of {POPULATION_N} subjects (seed {POPULATION_SEED}), one IR dose, 70 kg median weight. "
            "Between-subject variability sits on oral availability F (it divides CL/F and V/F together, so Cmax and "
            "AUC vary alike and the half-life does not: first-pass variability of a high-extraction drug), plus a "
            "small spread of systemic clearance; see `omega_f` and `omega_cl` in the parameter records.",
            "",
            "| Dose | Model Cmax p5 / p50 / p95 (ng/mL) | Model Cmax CV | Published | Source |",
            "|---|---|---|---|---|"]
    published = {
        4.5: ("no plasma measurement at LDN doses read (Rabiner 2011 measured 2-15 mg, values not tabulated)",
              RABINER),
        50.0: ("mean 13.3 ng/mL; in a crossover of two tablets 17.2 ± 2.6 and 16.6 ± 1.6 ng/mL (CV 9-15 %, n = 10, "
               "one population); oral availability 5-40 % across studies",
               f"{FACHINFO}; {BE_STUDY}; {LABEL}"),
        100.0: ("AUC0-24 200 ± 97 ng·h/mL (CV 49 %, n = 7; Cmax not read), i.e. a Cmax spread of the same "
                "relative size if F carries it", BERTOLOTTI),
    }
    for dose, (text, source) in published.items():
        cmax = population_exposure(dose)["cmax"]
        p5, p50, p95 = np.percentile(cmax, [5, 50, 95])
        rows.append(f"| {dose:g} mg | {p5:.3g} / {p50:.3g} / {p95:.3g} | {100 * _cv(cmax):.0f} % | {text} | {source} |")
    p = model_parameters()
    total = float(np.hypot(p.omega_f, p.omega_cl))
    on_cl = population_exposure(50.0, dataclasses.replace(p, omega_f=0.0, omega_cl=total))
    rows += ["", "The model's spread follows the larger published AUC spread (Bertolotti 1997); the one published "
             "Cmax SD read (n = 10) is narrower but moves with its AUC SD (ratio 1.04, row V6b), which is what "
             "variability on F predicts. The same total variability on CL/F alone (the earlier model) gives at 50 mg "
             f"a Cmax CV of {100 * _cv(on_cl['cmax']):.0f} % against an AUC CV of {100 * _cv(on_cl['auc']):.0f} % "
             f"(ratio {_cv(on_cl['cmax']) / _cv(on_cl['auc']):.2f}): it turned first-pass variability into "
             "half-life variability and understated the Cmax spread."]
    return rows


def main(argv: list[str] | None = None) -> int:
    """``python -m ldncare.core.pharmacology.validation [--markdown FILE]``; exit 1 if a fitted check fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", type=Path, help="write the table to this file")
    args = parser.parse_args(argv)
    checks = run_checks()
    text = render_markdown(checks)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0 if all(c.passed for c in checks if c.fitted) else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
