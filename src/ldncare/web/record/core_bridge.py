"""The one place where the web shell calls the framework-free core (``ldncare.core``).

Views stay thin: they hand model rows to these adapters, which turn them into the core's
records and the core's results into plain values for templates and the API. A core
capability that is not installed yet is reported as unavailable (``None``), never faked.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from decimal import Decimal

from ldncare.core import evidence as evidence_core
from ldncare.core import pharmacology, response, safety

__all__ = [
    "DIARY_COLUMNS", "analyze", "analyze_diary", "day_curve", "diary_csv", "evidence", "load_diary", "plan_ics",
    "planned_dose", "screen_profile", "to_diary", "triage_checkin",
]

log = logging.getLogger(__name__)

# The diary format of ``docs/diary-format.md`` (written by ``ldncare.core.response``).
DIARY_COLUMNS = ("date", "ldn_dose_mg", "dose_time", "phase", "pain", "fatigue", "sleep_quality", "mood",
                 "pgic", "side_effects", "notes")
SCORE_FIELDS = {"pain": "pain_score", "fatigue": "fatigue_score", "sleep_quality": "sleep_quality_score",
                "mood": "mood_score"}
LEVEL_TEXT = {"contraindicated": "Do not combine", "caution": "Caution", "info": "Good to know"}
VERDICT_TEXT = {
    "contraindicated": "Something you entered must not be combined with LDN. Talk to your prescriber before starting.",
    "caution": "Some answers need attention. Discuss them with your prescriber.",
    "ok": "Nothing in your answers needs special attention. Still, talk to your prescriber before starting.",
}
STATUS_TEXT = {
    "likely_responder": "Your scores improved by more than the smallest change that matters.",
    "likely_non_responder": "So far your scores have not improved by a change that matters.",
    "unclear": "It is not clear yet: the change could be chance. A blinded n-of-1 trial can tell.",
    "insufficient_data": "Not enough days yet to tell.",
}




def _source_link(source) -> dict:
    url = source.url or (f"https://pubmed.ncbi.nlm.nih.gov/{source.pmid}/" if source.pmid else None) or (
        f"https://doi.org/{source.doi}" if source.doi else None) or (
        f"https://clinicaltrials.gov/study/{source.nct}" if source.nct else "")
    label = source.note or (f"PMID {source.pmid}" if source.pmid else source.doi or source.nct or url)
    return {"url": url, "label": label}


def _formula_safe(text: str) -> str:
    """Neutralise spreadsheet formulas in free text (CSV injection), e.g. a note starting with '='."""
    return "'" + text if text and text[0] in "=+-@\t" else text


CHECKIN_VALUE_FIELDS = ("date", "ldn_dose_mg", "dose_time", *SCORE_FIELDS.values(), "pgic_score", "notes")


def _diary_day(values, side_effects, *, safe_text: bool) -> response.DiaryDay:
    """One check-in's values (model field names → values) as the core's day."""
    notes = " ".join(values["notes"].split())
    dose = values["ldn_dose_mg"]
    return response.DiaryDay(
        date=values["date"],
        ldn_dose_mg=float(dose) if dose is not None else None,
        dose_time=values["dose_time"],
        scores={k: float(values[f]) for k, f in SCORE_FIELDS.items() if values[f] is not None},
        pgic=values["pgic_score"],
        side_effects=tuple(side_effects),
        notes=_formula_safe(notes) if safe_text else notes,
    )


def to_diary(checkins, *, safe_text: bool = False) -> response.Diary:
    """Check-ins (any order) → the core's :class:`~ldncare.core.response.Diary`, oldest first."""
    return response.Diary(days=tuple(
        _diary_day({f: getattr(c, f) for f in CHECKIN_VALUE_FIELDS},
                   ((s.side_effect_id, s.severity) for s in c.side_effects.all()), safe_text=safe_text)
        for c in sorted(checkins, key=lambda c: c.date)
    ))


def load_diary(checkins, *, safe_text: bool = False) -> response.Diary:
    """The check-ins of a query as the core's diary, read as plain values in two queries.

    The same diary as ``to_diary(list(checkins))`` without building a model instance (and a
    prefetch cache) per day: a 3-year diary loads in a few milliseconds instead of ~70 ms.
    """
    from ldncare.web.record.models import SideEffectReport

    checkins = checkins.prefetch_related(None)
    effects: dict[int, list[tuple[str, str]]] = {}
    for checkin_id, effect_id, severity in (
        SideEffectReport.objects.filter(checkin__in=checkins.values("pk"))
        .order_by("checkin_id", "side_effect_id").values_list("checkin_id", "side_effect_id", "severity")
    ):
        effects.setdefault(checkin_id, []).append((effect_id, severity))
    return response.Diary(days=tuple(
        _diary_day(values, effects.get(values["pk"], ()), safe_text=safe_text)
        for values in checkins.order_by("date").values("pk", *CHECKIN_VALUE_FIELDS)
    ))


def diary_csv(checkins) -> str:
    """The diary as CSV text in the documented format (the core's writer)."""
    return response.format_diary(to_diary(checkins, safe_text=True))


def planned_dose(plan, day):
    """The (dose_mg, time) the plan gives for ``day``, or ``None``."""
    if plan is None:
        return None
    for step in plan.steps:
        start = step.get("start_date")
        end = step.get("end_date")
        if start and start <= day.isoformat() and (not end or day.isoformat() <= end):
            time_text = step.get("time") or None
            time = dt.time.fromisoformat(time_text) if time_text else None
            return Decimal(str(step["dose_mg"])), time
    return None


def screen_profile(profile) -> dict | None:
    """The safety screen (``ldncare.core.safety.screen``) of the onboarding answers, for a template."""
    try:
        result = safety.screen(safety.Profile(
            medicines=tuple(profile.medicines), conditions=tuple(profile.condition_ids),
            pregnant=profile.pregnant, breastfeeding=profile.breastfeeding, hepatic=profile.hepatic,
            surgery_date=profile.planned_surgery_on,
        ))
    except ValueError:
        log.warning("safety screen refused a stored profile", exc_info=True)
        return None
    return {
        "verdict": result.verdict,
        "verdict_text": VERDICT_TEXT.get(result.verdict, result.verdict),
        "findings": [
            {
                "level": f.level, "level_text": LEVEL_TEXT.get(f.level, f.level), "title": f.title,
                "message": f.message, "action": f.action, "code": f.code,
                "sources": [_source_link(s) for s in f.sources],
                "matched": sorted({m.input for m in f.matched}),
            }
            for f in result.findings
        ],
        "unrecognized": list(result.unrecognized),
    }


def _days_on_current_dose(checkin) -> int:
    """Days since the dose last changed (or since the first dose), counted from the diary."""
    earlier = checkin.patient.checkins.filter(date__lte=checkin.date).order_by("-date").values_list(
        "date", "ldn_dose_mg")
    start = checkin.date
    for date, dose in earlier:
        if dose != checkin.ldn_dose_mg:
            break
        start = date
    return max(0, (checkin.date - start).days)


def triage_checkin(checkin) -> list[dict]:
    """The triage advice (``ldncare.core.safety.triage_effect``) for each side effect of the day."""
    days = _days_on_current_dose(checkin)
    advice = []
    for report in checkin.side_effects.all():
        try:
            result = safety.triage_effect(report.side_effect_id, report.severity, days)
        except (LookupError, ValueError):
            log.warning("no triage for %s", report.side_effect_id)
            continue
        advice.append({
            "name": result.effect_name, "severity": result.severity, "urgency": result.outcome,
            "headline": result.title, "explanation": result.advice,
            "reasons": [getattr(r, "text", str(r)) for r in result.reasons],
            "sources": [_source_link(s) for s in result.sources],
        })
    return advice


def analyze(checkins, *, outcome: str) -> dict | None:
    """The response analysis card (``ldncare.core.response.analyze_response``) of check-ins."""
    return analyze_diary(to_diary(checkins), outcome=outcome)


def analyze_diary(diary: response.Diary, *, outcome: str) -> dict | None:
    """The response analysis card of a diary (see :func:`load_diary`)."""
    try:
        result = response.analyze_response(diary, outcome)
    except (ValueError, LookupError):
        log.warning("response analysis failed", exc_info=True)
        return None
    effect = None
    if result.effect is not None and result.ci95 is not None:
        lo, hi = result.ci95
        effect = (f"{result.outcome.replace('_', ' ').capitalize()}: change {result.effect:+.1f} points "
                  f"(95% interval {lo:+.1f} to {hi:+.1f})"
                  + (f", {result.percent_change:+.0f}%" if result.percent_change is not None else "") + ".")
    return {
        "status": result.status, "status_text": STATUS_TEXT.get(result.status, result.status), "effect": effect,
        "missing": list(result.missing), "caveat": " ".join(result.caveats) or response.OPEN_LABEL_CAVEAT,
    }


def day_curve(checkins, plan) -> dict | None:
    """The simulator's day for the latest dose and time in the diary (typical 70 kg adult).

    ``checkins``: check-ins or the days of a :class:`~ldncare.core.response.Diary`.
    """
    latest = next((c for c in sorted(checkins, key=lambda c: c.date, reverse=True)
                   if c.ldn_dose_mg is not None and c.ldn_dose_mg > 0 and c.dose_time is not None), None)
    if latest is None:
        return None
    return simulated_day(float(latest.ldn_dose_mg), latest.dose_time.strftime("%H:%M"))


def plan_ics(plan) -> bytes:
    """The stored plan as an iCalendar file: one daily reminder per step (from start to end date;
    90 days for an open-ended step), written by ``ldncare.core.dosing.reminders_to_ical``."""
    from ldncare.core.dosing import DailyReminder, reminders_to_ical

    reminders = []
    for i, step in enumerate(plan.steps):
        start = dt.date.fromisoformat(step["start_date"])
        hour, minute = (int(x) for x in (step.get("time") or "22:00").split(":"))
        end = dt.date.fromisoformat(step["end_date"]) if step.get("end_date") else None
        reminders.append(DailyReminder(
            uid=f"{plan.uuid}-{i}@ldncare",
            start=dt.datetime.combine(start, dt.time(hour, minute)),
            days=None if end else 90,
            until=end,
            summary=f"LDN {step['dose_mg']:g} mg" + (f" ({step['volume_ml']} mL)" if step.get("volume_ml") else ""),
            description="Your LDN dose as entered in ldncare. ldncare does not prescribe.",
        ))
    return reminders_to_ical(reminders, product_id="-//ldncare//patient plan//EN")


HAS_ICS = True


def build_protocol_plan(*, protocol: str, start_date, target_mg=None, weight_kg=None, time=None,
                        concentration_mg_per_ml=1) -> dict:
    """Steps from a sourced titration protocol (``ldncare.core.dosing.build_plan``); raises ``ValueError``."""
    from ldncare.core import dosing

    try:
        plan = dosing.build_plan(
            protocol, start_date=start_date, target_mg=target_mg, weight_kg=weight_kg,
            time=time.strftime("%H:%M") if time else None, concentration_mg_per_ml=concentration_mg_per_ml,
        )
    except (LookupError, ArithmeticError, dosing.PlanError) as exc:
        raise ValueError(str(exc)) from exc
    steps = []
    for step in plan.steps:
        row = step.model_dump(mode="json")
        row["dose_mg"] = float(row["dose_mg"])
        row["volume_ml"] = float(row["volume_ml"])
        steps.append(row)
    return {"steps": steps, "target_mg": plan.target_mg, "protocol": plan.protocol,
            "notes": f"{plan.protocol_name}. Sources: " + "; ".join(
                s.url or s.doi or s.pmid or "" for s in plan.sources)}


def _study_link(study) -> dict:
    c = study.citation
    url = (f"https://pubmed.ncbi.nlm.nih.gov/{study.pmid}/" if study.pmid else
           f"https://doi.org/{study.doi}" if study.doi else
           f"https://clinicaltrials.gov/study/{study.nct}" if study.nct else
           (study.sources[0].url if study.sources else ""))
    return {"url": url, "label": f"{c.first_author} {c.year}: {c.title}"}


def evidence(condition_id: str) -> dict | None:
    """The evidence summary (``ldncare.core.evidence``): certainty with reasons, reviewed text, graded studies."""
    try:
        summary = evidence_core.summarize_condition(condition_id)
    except LookupError:
        return None
    return {
        "certainty": summary.certainty,
        "certainty_reasons": [r.explanation for r in summary.certainty_reasons],
        "summary": summary.summary, "for_you": summary.what_this_means,
        "studies": [
            {**_study_link(g.study), "design": g.study.design.replace("_", " "), "n_enrolled": g.study.n_enrolled,
             "level": g.grade.level}
            for g in summary.studies
        ],
    }


# --- The care team (ldncare.web.clinic, ldncare.web.pharmacy) ------------------------------
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
                               "detail": "Status " + ", ".join(f"{o.replace('_', ' ')}: {statuses[o].replace('_', ' ')}"
                                                                for o in unclear)
                                         + ". A blinded n-of-1 trial can tell."})
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
    lines = []
    for step, lo, hi in _steps_in(plan_steps, start, days):
        dose = float(step["dose_mg"])
        how = (f"{dose / float(concentration_mg_per_ml):g} mL ({dose:g} mg)" if preparation == "liquid"
               else f"1 capsule ({dose:g} mg)")
        lines.append(f"{lo:%d %b %Y} to {hi:%d %b %Y}: take {how} by mouth once daily at {step.get('time') or '22:00'}.")
    if not lines:
        raise ValueError("the plan has no step in the supply period; allowed: a start date within the plan")
    return "\n".join(lines)


def compound_prescription(prescription, *, today: dt.date) -> dict:
    """Worksheets and labels (``compound_liquid`` / ``compound_capsules``) for a prescription.

    One preparation per dose of the supply, for the days at that dose, so that every label's
    dose line is the dose the patient takes from that bottle (a titration is several bottles;
    the calculator's minimum batch sizes apply to each).
    """
    from ldncare.core import dosing

    steps = _steps_in(prescription.plan.steps, prescription.supply_start, prescription.days_supply)
    counts: dict[float, int] = {}
    for s, lo, hi in steps:
        counts[float(s["dose_mg"])] = counts.get(float(s["dose_mg"]), 0) + (hi - lo).days + 1
    preparations = []
    try:
        for dose, days in counts.items():
            if prescription.preparation == "liquid":
                preparations.append(dosing.compound_liquid(
                    dose, days, concentration_mg_per_ml=prescription.concentration_mg_per_ml, prepared_on=today))
            else:
                preparations.append(dosing.compound_capsules(dose, days, prepared_on=today))
    except (ValueError, LookupError, ArithmeticError) as exc:
        return {"error": str(exc), "preparations": []}
    return {"error": None, "preparations": [
        {"dose_mg": dose, "days": days, "worksheet": p.worksheet, "label": p.label, "beyond_use_date": p.beyond_use_date,
         "warnings": list(p.warnings), "sources": [_source_link(s) for s in p.sources]}
        for (dose, days), p in zip(counts.items(), preparations, strict=True)]}


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


def simulated_day(dose_mg: float, clock: str) -> dict | None:
    """The simulator's third day of ``dose_mg`` at ``clock`` for a typical adult, as an inline SVG."""
    try:
        out = pharmacology.simulate_subjects(pharmacology.daily_at(dose_mg, clock, days=3),
                                             pharmacology.typical_subjects(), scenario="compromise")
    except (ValueError, LookupError):
        log.warning("simulation failed", exc_info=True)
        return None
    from ldncare.web.record.charts import day_curve_svg

    svg = day_curve_svg(out.t_h, out.series["mor_occupancy"][0], out.series["ntx_ng_per_ml"][0],
                        dose_mg=dose_mg, clock=clock)
    return {"svg_b64": base64.b64encode(svg.encode("utf-8")).decode("ascii"),
            "alt": f"Modelled opioid-receptor blockade over the third day of {dose_mg:g} mg taken at {clock}.",
            "caption": (f"Model of a typical 70 kg adult taking {dose_mg:g} mg at {clock} (third day, 'compromise' "
                        "receptor scenario). A model with stated assumptions, not a measurement of you.")}


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


def current_trial_period(design_json: dict, today: dt.date) -> dict | None:
    """The patient's "period N, bottle X" for ``today`` (no allocation), or ``None`` outside the trial."""
    for p in trial_design(design_json).periods:
        if p.start_date <= today <= p.end_date:
            return {"number": p.number, "bottle": p.bottle, "start_date": p.start_date, "end_date": p.end_date}
    return None
