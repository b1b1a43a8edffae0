"""The pharmacology simulator.

Naltrexone and 6β-naltrexol pharmacokinetics, brain opioid-receptor occupancy under three
offset scenarios, the endorphin-rebound *hypothesis* (labelled as such), the TLR4 exposure
comparison, formulations and covariates, regimens as NONMEM-style dose events, population
runs (local or Dask), validation against published targets and SBML export. Every
parameter carries its provenance.

>>> res = simulate(daily_at(4.5, "22:00", days=1), scenario="fast")
>>> round(res.daily_rows()[0]["ntx_cmax_ng_per_ml"], 2)
1.27
"""

from ldncare.core.pharmacology.engine import (
    DAILY_METRICS,
    SCENARIOS,
    EngineOutput,
    circadian_tone,
    simulate_subjects,
)
from ldncare.core.pharmacology.parameters import (
    HYPOTHESIS_MODULES,
    ModelParameter,
    ModelParameters,
    get_parameter,
    load_parameters,
    model_parameters,
    parameter_table,
)
from ldncare.core.pharmacology.population import PopulationSummary, simulate_population
from ldncare.core.pharmacology.reference import simulate_reference
from ldncare.core.pharmacology.regimen import DoseEvent, Regimen, daily_at, parse_clock, titrate
from ldncare.core.pharmacology.sbml import check_sbml, export_sbml
from ldncare.core.pharmacology.simulation import (
    DEFAULT_SCENARIO,
    SCENARIO_EVIDENCE,
    PopulationResult,
    SimulationResult,
    assumptions,
    compare_scenarios,
    simulate,
    simulate_population_result,
)
from ldncare.core.pharmacology.subjects import (
    HEPATIC_LEVELS,
    Subjects,
    sample_subjects,
    typical_subjects,
)
from ldncare.core.pharmacology.tlr4 import tlr4_exposure

__all__ = [
    "DAILY_METRICS",
    "DEFAULT_SCENARIO",
    "HEPATIC_LEVELS",
    "HYPOTHESIS_MODULES",
    "SCENARIOS",
    "SCENARIO_EVIDENCE",
    "DoseEvent",
    "EngineOutput",
    "ModelParameter",
    "ModelParameters",
    "PopulationResult",
    "PopulationSummary",
    "Regimen",
    "SimulationResult",
    "Subjects",
    "assumptions",
    "check_sbml",
    "circadian_tone",
    "compare_scenarios",
    "daily_at",
    "export_sbml",
    "get_parameter",
    "load_parameters",
    "model_parameters",
    "parameter_table",
    "parse_clock",
    "sample_subjects",
    "simulate",
    "simulate_population",
    "simulate_population_result",
    "simulate_reference",
    "simulate_subjects",
    "titrate",
    "tlr4_exposure",
    "typical_subjects",
]
