"""SBML export of the model with a regimen (python-libsbml), for independent simulators.

The document is SBML Level 3 Version 2: every state is a parameter with a rate rule,
derived quantities are assignment rules, and every dose is an SBML event (a bolus adds
to the gut depot; a zero-order SR input switches the input rate on and off). Time is in
hours since 00:00 of day 1, as in :mod:`~ldncare.core.pharmacology.regimen`. One subject
per document (the parameters of ``subjects[index]``).

>>> from ldncare.core.pharmacology.regimen import daily_at
>>> from ldncare.core.pharmacology.subjects import typical_subjects
>>> text = export_sbml(daily_at(4.5, "22:00", days=2), typical_subjects(), "fast")
>>> check_sbml(text)
[]

The simulation is meant to start at the first dose (``regimen.start_h``): doses at that
time are initial values of the depot or the input rate, since an SBML event cannot fire at
the initial time.
"""

from __future__ import annotations

import libsbml

from ldncare.core.pharmacology.engine import _receptor_constants
from ldncare.core.pharmacology.parameters import ModelParameters, model_parameters
from ldncare.core.pharmacology.regimen import Regimen
from ldncare.core.pharmacology.subjects import Subjects

__all__ = ["check_sbml", "export_sbml"]


def _ok(code: int) -> None:
    if code != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise RuntimeError(f"libsbml operation failed: {libsbml.OperationReturnValue_toString(code)}")


def _param(model: libsbml.Model, pid: str, value: float, constant: bool = True, name: str | None = None) -> None:
    p = model.createParameter()
    _ok(p.setId(pid))
    _ok(p.setValue(float(value)))
    _ok(p.setConstant(constant))
    if name:
        _ok(p.setName(name))


def _math(formula: str) -> libsbml.ASTNode:
    ast = libsbml.parseL3Formula(formula)
    if ast is None:
        raise ValueError(f"cannot parse {formula!r}: {libsbml.getLastParseL3Error()}")
    return ast


def _rate_rule(model: libsbml.Model, var: str, formula: str) -> None:
    rule = model.createRateRule()
    _ok(rule.setVariable(var))
    _ok(rule.setMath(_math(formula)))


def _assign(model: libsbml.Model, var: str, formula: str) -> None:
    _param(model, var, 0.0, constant=False)
    rule = model.createAssignmentRule()
    _ok(rule.setVariable(var))
    _ok(rule.setMath(_math(formula)))


def _event(model: libsbml.Model, eid: str, time_h: float, assignments: list[tuple[str, str]]) -> None:
    ev = model.createEvent()
    _ok(ev.setId(eid))
    _ok(ev.setUseValuesFromTriggerTime(True))
    trig = ev.createTrigger()
    _ok(trig.setInitialValue(False))
    _ok(trig.setPersistent(True))
    _ok(trig.setMath(_math(f"time >= {time_h!r}")))
    for var, formula in assignments:
        ea = ev.createEventAssignment()
        _ok(ea.setVariable(var))
        _ok(ea.setMath(_math(formula)))


def export_sbml(regimen: Regimen, subjects: Subjects, scenario: str = "fast", *, index: int = 0,
                params: ModelParameters | None = None) -> str:
    """SBML (L3V2) text of the model for subject ``index`` with every dose of ``regimen`` as an event."""
    p = params or model_parameters()
    c1, c2 = _receptor_constants(scenario, p)
    binding = scenario != "compromise"
    doc = libsbml.SBMLDocument(3, 2)
    model = doc.createModel()
    _ok(model.setId(f"ldncare_naltrexone_{scenario}"))
    _ok(model.setName(f"ldncare naltrexone / 6beta-naltrexol PK, MOR occupancy ({scenario}), rebound HYPOTHESIS"))
    values = {
        "ka": subjects.ka_per_h[index], "CL": subjects.cl_l_per_h[index], "V": subjects.v_l[index],
        "CLm": subjects.clm_l_per_h[index], "Vm": subjects.vm_l[index], "r6": p.r6,
        "k_adapt": p.k_adapt_per_h, "k_deg": p.k_deg_per_h, "alpha": p.alpha_upregulation,
        "beta": p.beta_endorphin_gain, "K_E": p.k_e_half, "circ_a": p.circadian_amplitude,
        "circ_phi": p.circadian_acrophase_h, "kor_ratio": p.kor_ratio, "dor_ratio": p.dor_ratio,
    }
    values |= {"kon": c1, "koff": c2} if binding else {"ke0": c1, "EC50": c2}
    for pid, value in values.items():
        _param(model, pid, value)
    # doses at the start time are initial values: an event cannot fire at the initial time
    t0 = regimen.start_h
    g0 = sum((p.sr_f_rel if d.form == "sr" else 1.0) * d.amount_mg for d in regimen.doses()
             if d.time_h <= t0 and d.duration_h == 0)
    rin0 = sum(p.sr_f_rel * d.rate_mg_per_h if d.form == "sr" else d.rate_mg_per_h for d in regimen.doses()
               if d.time_h <= t0 and d.duration_h > 0)
    _param(model, "g", g0, constant=False)
    for pid in ("ac", "am", "adapt"):
        _param(model, pid, 0.0, constant=False)
    _param(model, "pool", 1.0, constant=False)
    _param(model, "rin", rin0, constant=False, name="zero-order input rate (mg/h)")
    state = ("B", "Bk", "Bd") if binding else ("Ce",)
    for pid in state:
        _param(model, pid, 0.0, constant=False)

    _assign(model, "C", "1000 * ac / V")
    _assign(model, "Cm", "1000 * am / Vm")
    _assign(model, "Ceff", "C + r6 * Cm")
    if binding:
        _assign(model, "occ", "B")
    else:
        _assign(model, "occ", "Ce / (Ce + EC50)")
        _assign(model, "Bk", "Ce / (Ce + EC50 * kor_ratio)")
        _assign(model, "Bd", "Ce / (Ce + EC50 * dor_ratio)")
    _assign(model, "tone", "1 + circ_a * cos(2 * pi * (time - circ_phi) / 24)")
    _assign(model, "Etone", "tone * (1 + beta * adapt)")
    _assign(model, "rebound", "pool * (1 - occ) * Etone / (Etone + K_E) / (tone / (tone + K_E)) - 1")

    _rate_rule(model, "g", "rin - ka * g")
    _rate_rule(model, "ac", "ka * g - CL / V * ac")
    _rate_rule(model, "am", "ka * g - CLm / Vm * am")
    if binding:
        _rate_rule(model, "B", "kon * Ceff * (1 - B) - koff * B")
        _rate_rule(model, "Bk", "kon / kor_ratio * Ceff * (1 - Bk) - koff * Bk")
        _rate_rule(model, "Bd", "kon / dor_ratio * Ceff * (1 - Bd) - koff * Bd")
    else:
        _rate_rule(model, "Ce", "ke0 * (Ceff - Ce)")
    _rate_rule(model, "adapt", "k_adapt * (occ - adapt)")
    _rate_rule(model, "pool", "k_deg * (1 + alpha * adapt - pool)")

    for i, dose in enumerate(regimen.doses()):
        f = p.sr_f_rel if dose.form == "sr" else 1.0
        if dose.duration_h > 0:
            rate = f * dose.rate_mg_per_h
            if dose.time_h > t0:
                _event(model, f"dose{i}_start", dose.time_h, [("rin", f"rin + {rate!r}")])
            _event(model, f"dose{i}_end", dose.time_h + dose.duration_h, [("rin", f"rin - {rate!r}")])
        elif dose.time_h > t0:
            _event(model, f"dose{i}", dose.time_h, [("g", f"g + {f * dose.amount_mg!r}")])
    return libsbml.writeSBMLToString(doc)


def check_sbml(text: str) -> list[str]:
    """libsbml's consistency check: the messages of every error (warnings ignored)."""
    doc = libsbml.readSBMLFromString(text)
    doc.checkConsistency()
    return [doc.getError(i).getMessage() for i in range(doc.getNumErrors())
            if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
