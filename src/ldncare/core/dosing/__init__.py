"""Dosing and compounding.

Titration protocols as sourced data, plans (dated steps with dose, time, volume and
measuring device), adaptive re-planning, the compounding calculator with beyond-use
dates, and plan exports (iCalendar, printable text). Not medical advice: the prescriber
decides every dose.

>>> import datetime as dt
>>> from ldncare.core.dosing import build_plan
>>> [str(step.dose_mg) for step in build_plan("trust", start_date=dt.date(2026, 12, 1)).steps]
['1', '2', '3', '4', '4.5']
"""

from ldncare.core.dosing.capsules import PlaceboPreparation, compound_placebo_capsules
from ldncare.core.dosing.compounding import (
    Batch,
    CapsulePreparation,
    CompoundingError,
    LiquidPreparation,
    compound_capsules,
    compound_liquid,
    default_fill_weight_mg,
)
from ldncare.core.dosing.compounding_data import (
    BudCategory,
    CapsuleSize,
    Filler,
    Formula,
    LabelWarning,
    StabilityStudy,
    Tablet,
    get_bud_category,
    get_formula,
    get_label_warning,
    get_liquid_formula,
    get_stability_study,
    load_bud_categories,
    load_capsule_sizes,
    load_fillers,
    load_formulas,
)
from ldncare.core.dosing.devices import (
    MeasuringDevice,
    get_device,
    is_measurable,
    load_devices,
    pick_device,
)
from ldncare.core.dosing.export import DailyReminder, plan_to_ical, plan_to_text, reminders_to_ical
from ldncare.core.dosing.labels import Label, LabelFacts, format_label
from ldncare.core.dosing.plan import DosingStep, Plan, PlanError, build_plan
from ldncare.core.dosing.preparations import (
    PlannedPreparation,
    bud_category_for,
    dispensing_problems,
    parse_step,
    plan_preparations,
    preparation_bud_limit,
)
from ldncare.core.dosing.protocols import (
    PROTOCOL_IDS,
    PlanningRule,
    Timing,
    TitrationProtocol,
    get_protocol,
    get_rule,
    get_timing,
    load_planning_rules,
    load_protocols,
    load_timings,
)
from ldncare.core.dosing.replan import (
    PlanChange,
    Replan,
    SideEffectEvent,
    halve_dose_mg,
    replan,
)

__all__ = [
    "PROTOCOL_IDS",
    "Batch",
    "BudCategory",
    "CapsulePreparation",
    "CapsuleSize",
    "CompoundingError",
    "DailyReminder",
    "DosingStep",
    "Filler",
    "Formula",
    "Label",
    "LabelFacts",
    "LabelWarning",
    "LiquidPreparation",
    "MeasuringDevice",
    "Plan",
    "PlanChange",
    "PlanError",
    "PlaceboPreparation",
    "PlannedPreparation",
    "PlanningRule",
    "Replan",
    "SideEffectEvent",
    "StabilityStudy",
    "Tablet",
    "Timing",
    "TitrationProtocol",
    "bud_category_for",
    "build_plan",
    "compound_capsules",
    "compound_liquid",
    "compound_placebo_capsules",
    "default_fill_weight_mg",
    "dispensing_problems",
    "format_label",
    "get_bud_category",
    "get_device",
    "get_formula",
    "get_label_warning",
    "get_liquid_formula",
    "get_protocol",
    "get_rule",
    "get_stability_study",
    "get_timing",
    "halve_dose_mg",
    "is_measurable",
    "load_bud_categories",
    "load_capsule_sizes",
    "load_devices",
    "load_fillers",
    "load_formulas",
    "load_planning_rules",
    "load_protocols",
    "load_timings",
    "parse_step",
    "pick_device",
    "plan_preparations",
    "plan_to_ical",
    "reminders_to_ical",
    "plan_to_text",
    "preparation_bud_limit",
    "replan",
]
