"""The care team through the core (``ldncare.web.clinic``, ``ldncare.web.pharmacy``): alerts on the
clinician's patient list, prescriptions and their compounding, and blinded n-of-1 trials."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ldncare.core import response
from ldncare.core.response.wording import STATUS_LABELS
from ldncare.web.record.core_bridge.patient import (
    _source_link,
    build_protocol_plan,
    screen_profile,
    simulated_day,
    to_diary,
)

# Alerts on the clinician's patient list, each computed by the core from the record:
# the safety screen, side-effect courses, adherence, dose steps and the response analysis.

MISSED_DOSES_ALERT = 3  # missed doses in the last MISSED_WINDOW_DAYS days
MISSED_WINDOW_DAYS = 7
STABLE_DAYS_FOR_TRIAL = 84  # 12 weeks on one dose
STEP_DUE_DAYS = 3
TRIAL_STATUSES = ("unclear", "likely_non_responder")


def care_alerts(*, profile, checkins, plan, today: dt.date, in_trial: bool = False) -> list[dict]:
    """The alerts that matter for one patient, most urgent first.

    Each is a dict ``{code, level, title, detail}``; ``level`` is ``danger`` or ``attention``.
    Codes: ``contraindicated``, ``side_effect_persisting``, ``missed_doses``, ``trial_suggested``,
    ``step_due``.
    """
    from ldncare.core.response.views import PERSISTING_AFTER_DAYS

    alerts: list[dict] = []
    screened = screen_profile(profile) if profile is not None else None
    for f in (screened or {}).get("findings", []):
        if f["level"] == "contraindicated":
            alerts.append({"code": "contraindicated", "level": "danger", "title": f"Contraindicated: {f['title']}",
                           "detail": f"{', '.join(f['matched']) or 'profile'}: {f['action'] or f['message']}"})
    checkins = list(checkins)
    diary = to_diary(checkins) if checkins else None
    recent = diary is not None and diary.last_date >= today - dt.timedelta(days=MISSED_WINDOW_DAYS)
    if diary is not None and recent:
        for c in response.side_effect_courses(diary):
            if c.still_present and c.longest_episode_days > PERSISTING_AFTER_DAYS:
                alerts.append({"code": "side_effect_persisting", "level": "attention",
                               "title": f"{c.name.replace('_', ' ').capitalize()} for {c.longest_episode_days} days",
                               "detail": f"Still reported on {c.last_day:%d %b}, worst {c.worst_severity}; "
                                         f"expected side effects usually settle within {PERSISTING_AFTER_DAYS} days."})
    if diary is not None:
        phases = response.assign_phases(diary.days)
        window_start = today - dt.timedelta(days=MISSED_WINDOW_DAYS - 1)
        window = tuple(
            response.DiaryDay(date=d.date, ldn_dose_mg=d.ldn_dose_mg, phase=p)
            for d, p in zip(diary.days, phases, strict=True) if window_start <= d.date <= today and p
        )
        if window:
            adherence = response.summarize_adherence(response.Diary(days=window))
            if adherence.missed >= MISSED_DOSES_ALERT:
                alerts.append({"code": "missed_doses", "level": "attention",
                               "title": f"{adherence.missed} missed doses in the last {MISSED_WINDOW_DAYS} days",
                               "detail": f"{adherence.days_taken} of {adherence.days_planned} recorded treatment days "
                                         "with a dose."})
    if diary is not None and not in_trial:
        steps = response.summarize_dose_steps(diary)
        last = steps[-1] if steps else None
        if last is not None and last.dose_mg is not None and (today - last.first_day).days >= STABLE_DAYS_FOR_TRIAL:
            statuses = {}
            for outcome in ("pain", "fatigue", "sleep_quality", "mood"):
                if any(outcome in d.scores for d in diary.days):
                    try:
                        statuses[outcome] = response.analyze_response(diary, outcome).status
                    except (ValueError, LookupError):
                        continue
            unclear = sorted(o for o, s in statuses.items() if s in TRIAL_STATUSES)
            if unclear and "likely_responder" not in statuses.values():
                weeks = (today - last.first_day).days // 7
                alerts.append({"code": "trial_suggested", "level": "attention",
                               "title": f"{weeks} weeks on {last.dose_mg:g} mg, response not shown",
                               "detail": "; ".join(f"{o.replace('_', ' ').capitalize()}: {STATUS_LABELS[statuses[o]]}"
                                                   for o in unclear)
                                         + ". A blinded n-of-1 trial can tell LDN from placebo."})
    due = next_step_due(plan, today=today)
    if due is not None:
        alerts.append({"code": "step_due", "level": "attention",
                       "title": f"Step to {due['dose_mg']:g} mg due {due['start_date']:%a %d %b}",
                       "detail": f"From {due['previous_mg']:g} mg, per the current plan."})
    return alerts


def next_step_due(plan, *, today: dt.date, within_days: int = STEP_DUE_DAYS) -> dict | None:
    """The plan's next dose change starting within ``within_days`` days from ``today``, or ``None``."""
    if plan is None:
        return None
    previous = None
    for step in sorted(plan.steps, key=lambda s: s.get("start_date") or ""):
        start = dt.date.fromisoformat(step["start_date"])
        dose = float(step["dose_mg"])
        if previous is not None and dose != previous and today <= start <= today + dt.timedelta(days=within_days):
            return {"start_date": start, "dose_mg": dose, "previous_mg": previous}
        previous = dose
    return None


def _steps_in(plan_steps, start: dt.date, days: int) -> list[tuple[dict, dt.date, dt.date]]:
    """The plan's steps clipped to the supply window [start, start + days)."""
    end = start + dt.timedelta(days=days - 1)
    out = []
    for step in sorted(plan_steps, key=lambda s: s["start_date"]):
        s0 = dt.date.fromisoformat(step["start_date"])
        s1 = dt.date.fromisoformat(step["end_date"]) if step.get("end_date") else end
        lo, hi = max(s0, start), min(s1, end)
        if lo <= hi:
            out.append((step, lo, hi))
    # An open-ended last step carries on to the end of the supply.
    if out and not out[-1][0].get("end_date"):
        out[-1] = (out[-1][0], out[-1][1], end)
    return out


def prescription_directions(plan_steps, *, preparation: str, start: dt.date, days: int,
                            concentration_mg_per_ml=None) -> str:
    """The patient's directions from the plan's steps within the supply (one line per step)."""
    from ldncare.core import dosing

    lines = []
    for step, lo, hi in _steps_in(plan_steps, start, days):
        dose = float(step["dose_mg"])
        how = (f"{dose / float(concentration_mg_per_ml):g} mL ({dose:g} mg)" if preparation == "liquid"
               else f"1 capsule ({dose:g} mg)")
        line = f"{lo:%d %b %Y} to {hi:%d %b %Y}: take {how} by mouth once daily at {step.get('time') or '22:00'}."
        if preparation == "liquid" and dosing.pick_device(
                Decimal(str(step["dose_mg"])) / Decimal(str(concentration_mg_per_ml))) is None:
            line += " (This volume is between the lines of every listed syringe: the pharmacist checks the strength.)"
        lines.append(line)
    if not lines:
        raise ValueError("the plan has no step in the supply period; allowed: a start date within the plan")
    return "\n".join(lines)


def prescription_steps(prescription) -> list[tuple[Decimal, int, str]]:
    """The prescription's supply as ``(dose_mg, days, time)`` steps in date order."""
    return [(Decimal(str(s["dose_mg"])), (hi - lo).days + 1, s.get("time") or "22:00")
            for s, lo, hi in _steps_in(prescription.plan.steps, prescription.supply_start, prescription.days_supply)]


def compound_prescription(prescription, *, today: dt.date, preserved: bool = False, fill_weight_mg=None) -> dict:
    """The prescription as the pharmacy makes it: its preparations (``plan_preparations``), each
    with its own dates and the core calculator's worksheet and bench label for exactly its days.

    A titration is several bottles (one per dose, and more when a dose outlasts the BUD); each is
    made on its own date, so each BUD covers the bottle's last day of use. ``preserved`` picks the
    preserved liquid formula (35-day BUD instead of 14). ``today`` stamps the calculation.
    """
    from ldncare.core import dosing

    form = prescription.preparation
    try:
        steps = prescription_steps(prescription)
        times = [t for _, days, t in steps for _ in range(days)]
        planned = dosing.plan_preparations([(d, n) for d, n, _ in steps], start=prescription.supply_start, form=form,
                                           preserved=preserved and form == "liquid")
        preparations = []
        for plan in planned:
            if form == "liquid":
                made = dosing.compound_liquid(plan.dose_mg, plan.days, preserved=plan.preserved, prepared_on=plan.prepared_on,
                                              concentration_mg_per_ml=prescription.concentration_mg_per_ml)
                check = "" if made.on_a_line else made.warnings[0]
            else:
                made = dosing.compound_capsules(plan.dose_mg, plan.days, prepared_on=plan.prepared_on,
                                                fill_weight_mg=fill_weight_mg)
                check = ""
            time = times[(plan.first_use - prescription.supply_start).days]
            preparations.append({
                "number": plan.number, "dose_mg": float(plan.dose_mg), "days": plan.days, "first_use": plan.first_use,
                "last_use": plan.last_use, "prepared_on": plan.prepared_on, "beyond_use_date": plan.beyond_use_date,
                "bud_days": plan.bud_days, "batch": plan.batch, "batches_in_step": plan.batches_in_step,
                "storage": made.storage, "product": made.product,
                "directions": (f"{made.directions} At {time}, from {plan.first_use.day} {plan.first_use:%b %Y} to "
                               f"{plan.last_use.day} {plan.last_use:%b %Y}."),
                "check": check, "worksheet": made.worksheet, "label": made.label, "warnings": list(made.warnings),
                "sources": [_source_link(s) for s in made.sources]})
    except (ValueError, LookupError, ArithmeticError) as exc:
        return {"error": str(exc), "preparations": [], "form": form, "preserved": preserved}
    return {"error": None, "preparations": preparations, "form": form, "preserved": preserved and form == "liquid"}


def prescription_label(prep: dict, *, rx_number: str, patient_name: str, prescriber_name: str, pharmacy_name: str,
                       pharmacy_phone: str, dispensed_on: dt.date, beyond_use_date: dt.date, lot_number: str = ""):
    """The complete dispensing label of one preparation (``ldncare.core.dosing.labels``)."""
    from ldncare.core.dosing.labels import LabelFacts, format_label

    return format_label(LabelFacts(
        rx_number=rx_number, patient_name=patient_name, prescriber_name=prescriber_name, pharmacy_name=pharmacy_name,
        pharmacy_phone=pharmacy_phone, dispensed_on=dispensed_on, beyond_use_date=beyond_use_date,
        storage=prep["storage"], product=prep["product"], directions=prep["directions"], lot_number=lot_number,
        check=prep["check"]))


def prescription_quantity(plan_steps, *, preparation: str, start: dt.date, days: int,
                          concentration_mg_per_ml=None) -> tuple[Decimal, str]:
    """The quantity to supply: mL of liquid (sum of the daily volumes) or number of capsules."""
    steps = _steps_in(plan_steps, start, days)
    if not steps:
        raise ValueError("the plan has no step in the supply period; allowed: a start date within the plan")
    if preparation == "liquid":
        mg = sum(Decimal(str(s["dose_mg"])) * ((hi - lo).days + 1) for s, lo, hi in steps)
        return (mg / Decimal(str(concentration_mg_per_ml))).quantize(Decimal("0.1")), "mL"
    return Decimal(sum((hi - lo).days + 1 for _, lo, hi in steps)), "capsules"


def preview_plan(*, protocol: str, start_date, target_mg=None, weight_kg=None, time=None,
                 concentration_mg_per_ml=1) -> dict:
    """A protocol plan's steps and the simulated day at its target dose, before saving."""
    built = build_protocol_plan(protocol=protocol, start_date=start_date, target_mg=target_mg, weight_kg=weight_kg,
                                time=time, concentration_mg_per_ml=concentration_mg_per_ml)
    last = built["steps"][-1]
    return {**built, "day": simulated_day(float(last["dose_mg"]), last["time"])}


def design_blinded_trial(*, pairs: int, period_weeks: int, start_date: dt.date, dose_mg: float) -> tuple[dict, dict]:
    """(design, key) as JSON from ``ldncare.core.response.design_trial``, with a fresh server-side seed."""
    import secrets

    design, key = response.design_trial(pairs=pairs, period_weeks=period_weeks, start_date=start_date,
                                        seed=secrets.randbelow(2**31), dose_mg=dose_mg)
    return design.model_dump(mode="json"), key.model_dump(mode="json")


def trial_design(design_json: dict):
    """The stored design as the core's :class:`~ldncare.core.response.TrialDesign`."""
    return response.TrialDesign.model_validate(design_json)


def trial_dispensing(key_json: dict) -> tuple:
    """The allocation key and the pharmacist's dispensing list (``dispensing_list``)."""
    key = response.AllocationKey.model_validate(key_json)
    return key, response.dispensing_list(key)


def trial_compounding(key_json: dict, *, made_from: dt.date, label_common: dict, fill_weight_mg=None) -> dict:
    """The blinded trial's bottles as the pharmacy makes them: per bottle the day to make it (no
    earlier than its BUD allows for its last day of use, never after it is due) and its BUD; a
    worksheet for the active and one for the placebo capsules of each making day (same capsule,
    same fill weight); and each bottle's complete label, which never names the contents.

    ``label_common``: ``rx_number``, ``patient_name``, ``prescriber_name``, ``pharmacy_name``,
    ``pharmacy_phone`` (see :func:`ldncare.core.dosing.labels.format_label`).
    """
    from ldncare.core import dosing

    key, items = trial_dispensing(key_json)
    category = dosing.bud_category_for("capsules")
    bud = dt.timedelta(days=category.bud_days)
    bottles, groups = [], {}
    for item in items:
        arm = key.allocation[item.bottle]
        # The earliest day whose BUD still covers the bottle's last day of use, not after it is due,
        # not before the trial was designed (a bottle due before that is made at once).
        made = max(made_from, min(item.dispense_by, max(item.use_until - bud, made_from)))
        short = made + bud < item.use_until
        label = dosing.format_label(dosing.LabelFacts(
            **label_common, dispensed_on=max(item.dispense_by, made), beyond_use_date=made + bud,
            storage=category.storage,
            product=f"Blinded trial medicine: LDN or placebo. Capsules, quantity {item.quantity}.",
            directions=f"Take 1 capsule by mouth once daily, {item.use_from:%d %b %Y} to {item.use_until:%d %b %Y}.",
            extra=(item.label,),
            check=f"the {category.bud_days}-day BUD ends before {item.use_until:%d %b %Y}: dispense this bottle in two "
                  "parts" if short else ""))
        bottles.append({"item": item, "arm": arm, "make_on": made, "beyond_use_date": made + bud, "label": label})
        groups.setdefault((made, arm), []).append(item)
    worksheets = []
    for (made, arm), group in sorted(groups.items()):
        count = sum(i.quantity for i in group)
        if arm == "ldn":
            sheet = dosing.compound_capsules(key.design.dose_mg, count, fill_weight_mg=fill_weight_mg, prepared_on=made)
        else:
            sheet = dosing.compound_placebo_capsules(count, fill_weight_mg=fill_weight_mg, prepared_on=made)
        worksheets.append({"arm": arm, "make_on": made, "bottles": [i.bottle for i in group], "count": count,
                           "worksheet": sheet.worksheet})
    return {"key": key, "bottles": bottles, "worksheets": worksheets}


def current_trial_period(design_json: dict, today: dt.date) -> dict | None:
    """The patient's "period N, bottle X" for ``today`` (no allocation), or ``None`` outside the trial."""
    for p in trial_design(design_json).periods:
        if p.start_date <= today <= p.end_date:
            return {"number": p.number, "bottle": p.bottle, "start_date": p.start_date, "end_date": p.end_date}
    return None


TRIAL_VERDICT_TEXT = {
    "ldn_better": "LDN did better than placebo",
    "no_meaningful_difference": "no meaningful difference between LDN and placebo",
    "inconclusive": "inconclusive",
    "insufficient_data": "not enough diary data in the trial periods",
}


def trial_state(trial, diary: response.Diary | None, *, today: dt.date, outcome: str = "pain",
                audience: str = "patient") -> dict:
    """What the patient and the clinician see of a blinded trial.

    While the trial is planned or running: progress only (periods done, days logged), never
    an open-label verdict and never the allocation. Once its last period has ended the trial
    is unblinded: the allocation key is read here, and only here, to run the core's
    :func:`~ldncare.core.response.analyze_trial` on ``outcome``. ``audience`` chooses the
    words of the result (the patient's plain-language paragraph or a summary for the clinician).
    """
    design = trial_design(trial.design_json)
    days = diary.days if diary is not None else ()
    last_day = min(today, design.end_date)
    in_trial = [d for d in days if design.start_date <= d.date <= last_day]
    elapsed = (last_day - design.start_date).days + 1 if today >= design.start_date else 0
    state = {
        "trial_id": trial.trial_id,
        "start_date": design.start_date, "end_date": design.end_date,
        "n_periods": len(design.periods),
        "periods_done": sum(1 for p in design.periods if p.end_date < today),
        "days_elapsed": elapsed,
        "days_logged": sum(1 for d in in_trial if d.scores),
        "phase": "planned" if today < design.start_date else "running" if today <= design.end_date else "unblinded",
        "now": current_trial_period(trial.design_json, today),
        "result": None,
    }
    if state["phase"] != "unblinded" or diary is None:
        return state
    key = response.AllocationKey.model_validate(trial.key_json)
    try:
        analysis = response.analyze_trial(diary, key, outcome)
    except ValueError as exc:
        state["result"] = {"verdict": "insufficient_data", "verdict_text": TRIAL_VERDICT_TEXT["insufficient_data"],
                           "summary": str(exc), "missing": [], "periods": []}
        return state
    state["result"] = {
        "outcome": outcome.replace("_", " "),
        "verdict": analysis.verdict, "verdict_text": TRIAL_VERDICT_TEXT[analysis.verdict],
        "summary": analysis.summary if audience == "patient" else _trial_summary_for_clinician(analysis),
        "missing": list(analysis.missing),
        "periods": [{"label": r.period.label, "number": r.period.number, "bottle": r.period.bottle,
                     "arm": "LDN" if r.arm == "ldn" else "placebo", "n_days": r.n_days, "mean": r.mean}
                    for r in analysis.periods],
    }
    return state


def _trial_summary_for_clinician(analysis) -> str:
    """The unblinded result in the third person, with the model behind the probabilities."""
    name = analysis.outcome.replace("_", " ")
    if analysis.bayes is None:
        return (f"Not enough diary data in the analysed part of the periods to compare LDN with placebo on {name}. "
                + " ".join(analysis.missing))
    b, t = analysis.bayes, analysis.paired_t
    text = (f"{name.capitalize()} averaged {analysis.mean_ldn:.1f} on LDN and {analysis.mean_placebo:.1f} on placebo "
            f"over {t['n_pairs']} complete pairs ({'lower' if analysis.lower_is_better else 'higher'} is better); "
            f"mean pair improvement {t['mean_improvement']:+.1f} points (paired t 95% CI {t['ci95'][0]:+.1f} to "
            f"{t['ci95'][1]:+.1f}). Bayesian summary (prior N(0, 2²) points): P(LDN better than placebo) "
            f"{b['p_ldn_better']:.2f}")
    if b["p_ldn_better_by_mcid"] is not None:
        text += f", P(better by ≥ {analysis.mcid_points:g} points, the MCID) {b['p_ldn_better_by_mcid']:.2f}"
    return text + "."
