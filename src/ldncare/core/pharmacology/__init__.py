"""The pharmacology simulator.

Naltrexone and 6β-naltrexol pharmacokinetics, brain opioid-receptor occupancy, the
endorphin-rebound *hypothesis* (labelled as such), formulations, regimens as dose-event
tables, population runs and SBML export. Every parameter carries its provenance.
"""

from ldncare.core.pharmacology.engine import (
    DAILY_METRICS,
    SCENARIOS,
    EngineOutput,
    simulate_subjects,
)
from ldncare.core.pharmacology.parameters import (
    ModelParameter,
    ModelParameters,
    get_parameter,
    load_parameters,
    model_parameters,
    parameter_table,
)
from ldncare.core.pharmacology.regimen import DoseEvent, Regimen, daily_at, parse_clock, titrate
from ldncare.core.pharmacology.subjects import (
    HEPATIC_LEVELS,
    Subjects,
    sample_subjects,
    typical_subjects,
)

__all__ = [
    "DAILY_METRICS",
    "HEPATIC_LEVELS",
    "SCENARIOS",
    "DoseEvent",
    "EngineOutput",
    "ModelParameter",
    "ModelParameters",
    "Regimen",
    "Subjects",
    "check_sbml",
    "daily_at",
    "export_sbml",
    "get_parameter",
    "load_parameters",
    "model_parameters",
    "parameter_table",
    "parse_clock",
    "sample_subjects",
    "simulate_subjects",
    "titrate",
    "typical_subjects",
]
