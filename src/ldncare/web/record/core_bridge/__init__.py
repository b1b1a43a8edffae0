"""The one place where the web shell calls the framework-free core (``ldncare.core``).

Views stay thin: they hand model rows to these adapters, which turn them into the core's
records and the core's results into plain values for templates and the API. A core
capability that is not installed yet is reported as unavailable (``None``), never faked.

Two modules, one import path (``from ldncare.web.record import core_bridge``):
:mod:`.patient` (the diary, its analysis, screen and triage, the plan, the simulator's day,
evidence), :mod:`.advice` (the order of triage advice, and which reports become alerts) and
:mod:`.care` (the care team's alerts, prescriptions and blinded trials).
"""

from __future__ import annotations

from ldncare.web.record.core_bridge.advice import (
    ALERT_OUTCOMES,
    advice_sorted,
    alert_reports,
    triage_report,
    urgency_rank,
)
from ldncare.web.record.core_bridge.care import (
    MISSED_DOSES_ALERT,
    MISSED_WINDOW_DAYS,
    STABLE_DAYS_FOR_TRIAL,
    STEP_DUE_DAYS,
    TRIAL_STATUSES,
    care_alerts,
    compound_prescription,
    current_trial_period,
    design_blinded_trial,
    next_step_due,
    prescription_directions,
    prescription_label,
    prescription_quantity,
    prescription_steps,
    preview_plan,
    trial_design,
    trial_dispensing,
    trial_state,
)
from ldncare.web.record.core_bridge.guard import contraindications, findings_summary
from ldncare.web.record.core_bridge.patient import (
    CHECKIN_VALUE_FIELDS,
    DIARY_COLUMNS,
    HAS_ICS,
    LEVEL_TEXT,
    SCORE_FIELDS,
    STATUS_TEXT,
    VERDICT_TEXT,
    analyze,
    analyze_diary,
    build_protocol_plan,
    condition_evidence,
    condition_name,
    day_curve,
    days_on_current_dose,
    diary_csv,
    evidence,
    load_diary,
    plan_ics,
    planned_dose,
    screen_profile,
    simulated_day,
    to_diary,
    triage_checkin,
)

__all__ = [
    "ALERT_OUTCOMES",
    "CHECKIN_VALUE_FIELDS",
    "DIARY_COLUMNS",
    "HAS_ICS",
    "LEVEL_TEXT",
    "MISSED_DOSES_ALERT",
    "MISSED_WINDOW_DAYS",
    "SCORE_FIELDS",
    "STABLE_DAYS_FOR_TRIAL",
    "STATUS_TEXT",
    "STEP_DUE_DAYS",
    "TRIAL_STATUSES",
    "VERDICT_TEXT",
    "advice_sorted",
    "alert_reports",
    "analyze",
    "analyze_diary",
    "build_protocol_plan",
    "care_alerts",
    "compound_prescription",
    "contraindications",
    "condition_evidence",
    "condition_name",
    "current_trial_period",
    "day_curve",
    "days_on_current_dose",
    "design_blinded_trial",
    "diary_csv",
    "evidence",
    "findings_summary",
    "load_diary",
    "next_step_due",
    "plan_ics",
    "planned_dose",
    "prescription_directions",
    "prescription_label",
    "prescription_quantity",
    "prescription_steps",
    "preview_plan",
    "screen_profile",
    "simulated_day",
    "to_diary",
    "triage_checkin",
    "triage_report",
    "trial_design",
    "trial_dispensing",
    "trial_state",
    "urgency_rank",
]
