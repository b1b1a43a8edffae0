"""Safety.

Free-text triage (:func:`triage_text`: red flags first, then the side-effect catalogue,
then a safety net), the safety screen (opioids, pregnancy, liver, surgery, interacting conditions, dose
range) over a patient's profile, and side-effect triage. Rules and vocabularies come
from data (``knowledge/data/drugs.yaml`` and ``core/safety/data/rules.yaml``), each
finding with its sources. Not medical advice.

>>> from ldncare.core.safety import Profile, screen, triage_effect
>>> screen(Profile(medicines=("Robitussin AC",))).verdict
'contraindicated'
>>> triage_effect("insomnia", "mild", 2).outcome
'try_morning_dosing'
>>> triage_text("my chest hurts", "moderate", 5).outcome
'urgent_care'
"""

from ldncare.core.safety.free_text import triage_text
from ldncare.core.safety.matching import MatchedTerm, MedicineMatch, match_medicine, tokenize
from ldncare.core.safety.red_flags import RedFlag, RedFlagMatch, load_red_flags, match_red_flags
from ldncare.core.safety.rules import LEVELS, Rule, load_screen_rules, load_triage_rules
from ldncare.core.safety.screen import (
    MAX_AGE_YEARS,
    MAX_DOSE_MG,
    MAX_WEIGHT_KG,
    Finding,
    FindingMatch,
    Profile,
    ScreenResult,
    screen,
)
from ldncare.core.safety.triage import (
    MAX_DAYS,
    OUTCOMES,
    SEVERITIES,
    TriageReason,
    TriageResult,
    triage,
    triage_effect,
)
from ldncare.core.safety.vocabulary import DrugVocabulary, Ingredient, Product, load_drug_vocabulary

__all__ = [
    "LEVELS",
    "MAX_AGE_YEARS",
    "MAX_DAYS",
    "MAX_DOSE_MG",
    "MAX_WEIGHT_KG",
    "OUTCOMES",
    "SEVERITIES",
    "DrugVocabulary",
    "Finding",
    "FindingMatch",
    "Ingredient",
    "MatchedTerm",
    "MedicineMatch",
    "Product",
    "Profile",
    "RedFlag",
    "RedFlagMatch",
    "Rule",
    "ScreenResult",
    "TriageReason",
    "TriageResult",
    "load_drug_vocabulary",
    "load_red_flags",
    "load_screen_rules",
    "load_triage_rules",
    "match_medicine",
    "match_red_flags",
    "screen",
    "tokenize",
    "triage",
    "triage_effect",
    "triage_text",
]
