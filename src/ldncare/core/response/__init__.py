"""Is it working for me?

Diary parsing and validation, response analysis with autocorrelation-aware statistics,
side-effect courses, adherence, and the design and analysis of blinded n-of-1 trials.

>>> from ldncare.core.response import analyze_response, simulate_diary
>>> analyze_response(simulate_diary(effect_points=-3.0, seed=3), "pain").status
'likely_responder'
"""

from ldncare.core.response.analysis import (
    DEFAULT_LAG_DAYS,
    OPEN_LABEL_CAVEAT,
    STATUSES,
    PhaseSummary,
    ResponseAnalysis,
    analyze_response,
    decide_status,
    probability_at_least,
)
from ldncare.core.response.ar1 import AR1Fit, fit_ar1_regression
from ldncare.core.response.diary import (
    CORE_OUTCOMES,
    Diary,
    DiaryDay,
    DiaryError,
    DiaryFormatError,
    format_diary,
    parse_diary,
    read_diary,
    write_diary,
)
from ldncare.core.response.instruments import (
    OutcomeInstrument,
    UnknownOutcomeError,
    get_instrument,
    load_outcome_instruments,
)
from ldncare.core.response.phases import assign_phases
from ldncare.core.response.simulate import simulate_diary, simulate_trial_diary
from ldncare.core.response.trial import (
    AllocationKey,
    DispensingItem,
    PeriodResult,
    TrialAnalysis,
    TrialDesign,
    TrialKeyError,
    TrialPeriod,
    analyze_trial,
    design_trial,
    dispensing_list,
    load_key,
    save_key,
)
from ldncare.core.response.views import (
    Adherence,
    DoseStep,
    DoseTimingComparison,
    PgicSummary,
    SideEffectCourse,
    compare_dose_timing,
    side_effect_courses,
    summarize_adherence,
    summarize_dose_steps,
    summarize_pgic,
)

__all__ = [
    "CORE_OUTCOMES",
    "DEFAULT_LAG_DAYS",
    "OPEN_LABEL_CAVEAT",
    "STATUSES",
    "AR1Fit",
    "Adherence",
    "AllocationKey",
    "Diary",
    "DiaryDay",
    "DiaryError",
    "DiaryFormatError",
    "DispensingItem",
    "DoseStep",
    "DoseTimingComparison",
    "OutcomeInstrument",
    "PeriodResult",
    "PgicSummary",
    "PhaseSummary",
    "ResponseAnalysis",
    "SideEffectCourse",
    "TrialAnalysis",
    "TrialDesign",
    "TrialKeyError",
    "TrialPeriod",
    "UnknownOutcomeError",
    "analyze_response",
    "analyze_trial",
    "assign_phases",
    "compare_dose_timing",
    "decide_status",
    "design_trial",
    "dispensing_list",
    "fit_ar1_regression",
    "format_diary",
    "get_instrument",
    "load_key",
    "load_outcome_instruments",
    "parse_diary",
    "probability_at_least",
    "read_diary",
    "save_key",
    "side_effect_courses",
    "simulate_diary",
    "simulate_trial_diary",
    "summarize_adherence",
    "summarize_dose_steps",
    "summarize_pgic",
    "write_diary",
]
