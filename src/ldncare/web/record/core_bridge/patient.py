"""The patient's record through the core: the diary, its analysis, the safety screen and triage,
the plan and its calendar, the simulator's day, and the evidence for a condition."""

from __future__ import annotations

import base64
import datetime as dt
import logging
from decimal import Decimal

from ldncare.core import evidence as evidence_core
from ldncare.core import pharmacology, response, safety
from ldncare.core.response.wording import STATUS_LABELS

log = logging.getLogger(__name__)

# The diary format of ``docs/diary-format.md`` (written by ``ldncare.core.response``).
DIARY_COLUMNS = ("date", "ldn_dose_mg", "dose_time", "phase", "pain", "fatigue", "sleep_quality", "mood",
                 "pgic", "side_effects", "notes")
SCORE_FIELDS = {"pain": "pain_score", "fatigue": "fatigue_score", "sleep_quality": "sleep_quality_score",
                "mood": "mood_score"}
# The same verdicts for the clinician's report (the patient's words say "you").
VERDICT_TEXT_CLINICIAN = {
    "contraindicated": "The patient's answers include something that must not be combined with LDN.",
    "caution": "Some of the patient's answers need attention.",
    "ok": "Nothing in the patient's answers needs special attention.",
}
LEVEL_TEXT = {"contraindicated": "Do not combine", "caution": "Caution", "info": "Good to know"}
VERDICT_TEXT = {
    "contraindicated": "Something you entered must not be combined with LDN. Talk to your prescriber before starting.",
    "caution": "Some answers need attention. Discuss them with your prescriber.",
    "ok": "Nothing in your answers needs special attention. Still, talk to your prescriber before starting.",
}
# The short label of each analysis status; the sentence people read is the core's headline.
STATUS_TEXT = STATUS_LABELS




def _source_link(source) -> dict:
    url = source.url or (f"https://pubmed.ncbi.nlm.nih.gov/{source.pmid}/" if source.pmid else None) or (
        f"https://doi.org/{source.doi}" if source.doi else None) or (
        f"https://clinicaltrials.gov/study/{source.nct}" if source.nct else "")
    label = source.note or (f"PMID {source.pmid}" if source.pmid else source.doi or source.nct or url)
    return {"url": url, "label": label}


def _formula_safe(text: str) -> str:
    """Neutralise spreadsheet formulas in free text (CSV injection), e.g. a note starting with '='."""
    return "'" + text if text and text[0] in "=+-@\t" else text


CHECKIN_VALUE_FIELDS = ("date", "ldn_dose_mg", "dose_time", *SCORE_FIELDS.values(), "pgic_score", "notes", "symptom",
                        "symptom_severity")


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
        symptom=_formula_safe(values["symptom"]) if safe_text else values["symptom"],
        symptom_severity=values["symptom_severity"] or None,
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
        "verdict_text_clinician": VERDICT_TEXT_CLINICIAN.get(result.verdict, result.verdict),
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


def days_on_current_dose(checkin) -> int:
    """Days since the dose last changed (or since the first dose), counted from the diary."""
    from ldncare.web.record.models import CheckIn

    earlier = CheckIn.objects.filter(patient_id=checkin.patient_id, date__lte=checkin.date).order_by("-date").values_list(
        "date", "ldn_dose_mg")
    start = checkin.date
    for date, dose in earlier:
        if dose != checkin.ldn_dose_mg:
            break
        start = date
    return max(0, (checkin.date - start).days)


def triage_checkin(checkin) -> list[dict]:
    """The triage advice (``ldncare.core.safety.triage_effect``) for each side effect of the day, and
    (``triage_text``) for the symptom typed in the person's words, most urgent first
    (:func:`~ldncare.web.record.core_bridge.advice.advice_sorted`)."""
    from ldncare.web.record.core_bridge.advice import advice_sorted, triage_report, triage_symptom

    days = days_on_current_dose(checkin)
    cards = [triage_report(r.side_effect_id, r.severity, days) for r in checkin.side_effects.all()]
    if checkin.symptom:
        cards.append(triage_symptom(checkin.symptom, checkin.symptom_severity, days))
    return advice_sorted(card for card in cards if card is not None)


def analyze(checkins, *, outcome: str, conditions=(), audience: str = "patient") -> dict | None:
    """The response analysis card (``ldncare.core.response.analyze_response``) of check-ins."""
    return analyze_diary(to_diary(checkins), outcome=outcome, conditions=conditions, audience=audience)


def analyze_diary(diary: response.Diary, *, outcome: str, conditions=(), audience: str = "patient") -> dict | None:
    """The response analysis card of a diary (see :func:`load_diary`).

    ``headline`` (also ``status_text``) is the core's observational sentence; ``caveat`` the
    open-label caveat and the analysis' own caveats; ``condition_evidence`` what is known for
    the person's own ``conditions`` (ids), worded for ``audience`` (``patient`` or ``clinician``).
    """
    try:
        result = response.analyze_response(diary, outcome)
    except (ValueError, LookupError):
        log.warning("response analysis failed", exc_info=True)
        return None
    effect = None
    if result.effect is not None and result.ci95 is not None:
        lo, hi = result.ci95
        effect = (f"{result.outcome.replace('_', ' ').capitalize()}: mean {result.baseline.mean:.1f} before LDN "
                  f"({result.baseline.n_days} days), {result.maintenance.mean:.1f} on the stable dose "
                  f"({result.maintenance.n_days} days); change {result.effect:+.1f} points "
                  f"(95% interval {lo:+.1f} to {hi:+.1f})"
                  + (f", {result.percent_change:+.0f}%" if result.percent_change is not None else "") + ".")
    return {
        "status": result.status, "status_label": STATUS_TEXT.get(result.status, result.status),
        "headline": result.headline, "status_text": result.headline, "effect": effect,
        "probability": result.probability_statement,
        "baseline_flare": bool(result.baseline_flare and result.baseline_flare.detected),
        "missing": list(result.missing), "caveat": " ".join(result.caveats) or response.OPEN_LABEL_CAVEAT,
        "open_label_caveat": response.OPEN_LABEL_CAVEAT,
        "other_caveats": [c for c in result.caveats if c != response.OPEN_LABEL_CAVEAT],
        "condition_evidence": condition_evidence(conditions, audience=audience),
    }


def condition_name(condition_id: str) -> str:
    """The condition's name for people (``crohns-disease`` → ``Crohn's disease``); the id if unknown."""
    from ldncare.core.knowledge.conditions import load_conditions

    return next((c.name for c in load_conditions() if c.id == condition_id), condition_id.replace("-", " "))


def condition_evidence(condition_ids, *, audience: str = "patient") -> list[dict]:
    """For each of the person's conditions: name, certainty and the reviewed evidence text.

    The patient reads the summary written for patients (``what_this_means``); the clinician
    the evidence summary itself. A condition without a curated summary is listed as such.
    """
    items = []
    for condition_id in condition_ids or ():
        try:
            summary = evidence_core.summarize_condition(condition_id)
        except LookupError:
            items.append({"id": condition_id, "name": condition_name(condition_id), "certainty": None,
                          "text": "No curated evidence summary for this condition yet."})
            continue
        text = summary.what_this_means if audience == "patient" else summary.summary
        items.append({"id": condition_id, "name": summary.condition.name, "certainty": summary.certainty,
                      "text": text})
    return items


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
            "notes": f"{plan.protocol_name} (evidence level {plan.evidence_level}: A peer-reviewed, "
                     "B professional guidance, C clinic or patient pages). Sources: " + "; ".join(
                s.url or s.doi or s.pmid or "" for s in plan.sources)}


def _study_link(study) -> dict:
    c = study.citation
    url = (f"https://pubmed.ncbi.nlm.nih.gov/{study.pmid}/" if study.pmid else
           f"https://doi.org/{study.doi}" if study.doi else
           f"https://clinicaltrials.gov/study/{study.nct[0]}" if study.nct else
           (study.sources[0].url if study.sources else ""))
    return {"url": url, "label": f"{study.label}: {c.title}"}  # label: "Smith 2007" (never "None 2025")


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
                        "receptor scenario). A model with stated assumptions, not a measurement of this person.")}
