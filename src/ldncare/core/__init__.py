"""The framework-free core of ldncare.

Pure Python with NumPy, SciPy, statsmodels and pydantic. **Nothing under this package
imports Django, the web shell or the CLI** (an import-linter contract in ``pyproject.toml``
and ``tests/core/test_import_contract.py`` enforce it). The CLI and the web platform call
into the core; the core never calls out.

Sub-packages, one per capability:

- :mod:`ldncare.core.knowledge` — curated, sourced knowledge records and their loaders.
- :mod:`ldncare.core.evidence` — grading, condition summaries, meta-analysis, citations, importers.
- :mod:`ldncare.core.pharmacology` — PK/PD model, formulations, regimens, population runs.
- :mod:`ldncare.core.dosing` — titration protocols, compounding calculator, prescription text.
- :mod:`ldncare.core.safety` — the safety screen and side-effect triage.
- :mod:`ldncare.core.response` — diary analytics and n-of-1 statistics.
- :mod:`ldncare.core.fhir` — mapping of core records to and from HL7 FHIR.
"""
