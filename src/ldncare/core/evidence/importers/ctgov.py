"""ClinicalTrials.gov importer: API v2 study JSON -> draft study records.

Accepts one study as returned by ``GET /api/v2/studies/{nctId}`` or a page of
``GET /api/v2/studies`` (``{"studies": [...]}``). Field names follow the v2 data
structure: ``protocolSection.identificationModule.nctId``, ``statusModule``,
``designModule.designInfo``, ``armsInterventionsModule``, ``outcomesModule``,
``referencesModule`` and so on.

>>> study = {"protocolSection": {"identificationModule": {"nctId": "NCT04678895", "briefTitle": "LDN for PDN"},
...          "designModule": {"designInfo": {"allocation": "RANDOMIZED", "interventionModel": "CROSSOVER"}}}}
>>> d = draft_from_ctgov_study(study)
>>> d.id, d.nct, d.design_hint
('nct04678895', ['NCT04678895'], 'rct_crossover')
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ldncare.core.evidence.importers.drafts import DraftStudy, ImportFormatError
from ldncare.core.knowledge.records import Source

__all__ = ["draft_from_ctgov_study", "read_ctgov_json"]

_NCT = re.compile(r"^NCT\d{8}$")


def _design_hint(design: dict[str, Any]) -> str | None:
    info = design.get("designInfo", {}) or {}
    allocation, model = info.get("allocation"), info.get("interventionModel")
    if design.get("studyType") == "OBSERVATIONAL":
        return "retrospective_cohort" if "RETROSPECTIVE" in str(info.get("timePerspective", "")) else "register_before_after"
    if allocation == "RANDOMIZED":
        return "rct_crossover" if model == "CROSSOVER" else "rct_parallel"
    if model == "SINGLE_GROUP":
        return "prospective_uncontrolled"
    if allocation == "NON_RANDOMIZED":
        return "nonrandomized_controlled"
    return None


def _outcomes(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    keep = ("measure", "description", "timeFrame")
    return [{k: o[k] for k in keep if o.get(k)} for o in items or []]


def draft_from_ctgov_study(study: dict[str, Any], *, where: str = "study") -> DraftStudy:
    """One v2 study object -> a :class:`DraftStudy`; :class:`ImportFormatError` if it is not one."""
    if not isinstance(study, dict) or not isinstance(study.get("protocolSection"), dict):
        raise ImportFormatError(f"{where}: no protocolSection (expected a ClinicalTrials.gov API v2 study)")
    protocol = study["protocolSection"]
    ident = protocol.get("identificationModule") or {}
    nct = ident.get("nctId")
    if not isinstance(nct, str) or not _NCT.match(nct):
        raise ImportFormatError(f"{where}: protocolSection.identificationModule.nctId missing or not NCT + 8 digits ({nct!r})")
    title = ident.get("briefTitle") or ident.get("officialTitle")
    if not title:
        raise ImportFormatError(f"{where} ({nct}): identificationModule has no briefTitle or officialTitle")
    status = protocol.get("statusModule") or {}
    design = protocol.get("designModule") or {}
    enrollment = design.get("enrollmentInfo") or {}
    arms_module = protocol.get("armsInterventionsModule") or {}
    outcomes = protocol.get("outcomesModule") or {}
    sponsor = (protocol.get("sponsorCollaboratorsModule") or {}).get("leadSponsor") or {}
    eligibility = protocol.get("eligibilityModule") or {}
    references = (protocol.get("referencesModule") or {}).get("references") or []
    result_pmids = [r["pmid"] for r in references if r.get("pmid") and r.get("type") == "RESULT"]
    start = (status.get("startDateStruct") or {}).get("date")
    count = enrollment.get("count")
    if count is not None and not isinstance(count, int):
        raise ImportFormatError(f"{where} ({nct}): designModule.enrollmentInfo.count is not a whole number")
    other_ids = [f"{o.get('type', 'OTHER')}: {o['id']}" for o in ident.get("secondaryIdInfos") or [] if o.get("id")]
    other_ids += [f"PMID (result): {p}" for p in result_pmids]
    return DraftStudy(
        id=nct.lower(),
        origin="ctgov",
        nct=[nct],
        pmid=result_pmids[0] if len(result_pmids) == 1 else None,
        other_ids=other_ids,
        title=" ".join(title.split()),
        official_title=ident.get("officialTitle"),
        year=int(start[:4]) if isinstance(start, str) and start[:4].isdigit() else None,
        abstract=(protocol.get("descriptionModule") or {}).get("briefSummary"),
        keywords=list((protocol.get("conditionsModule") or {}).get("keywords") or []),
        conditions_as_reported=list((protocol.get("conditionsModule") or {}).get("conditions") or []),
        design_hint=_design_hint(design),
        interventions=[
            {k: i[k] for k in ("type", "name", "description", "otherNames") if i.get(k)}
            for i in arms_module.get("interventions") or []
        ],
        arms=[{k: a[k] for k in ("label", "type", "description") if a.get(k)} for a in arms_module.get("armGroups") or []],
        primary_outcomes=_outcomes(outcomes.get("primaryOutcomes")),
        secondary_outcomes=_outcomes(outcomes.get("secondaryOutcomes")),
        n_enrolled=count,
        enrollment_type=enrollment.get("type"),
        overall_status=status.get("overallStatus"),
        phases=list(design.get("phases") or []),
        start_date=start,
        completion_date=(status.get("completionDateStruct") or {}).get("date"),
        sponsor=sponsor.get("name"),
        eligibility={k: eligibility[k] for k in ("sex", "minimumAge", "maximumAge", "stdAges", "eligibilityCriteria") if k in eligibility},
        has_results=study.get("hasResults"),
        sources=[Source(nct=nct, note="ClinicalTrials.gov registration (imported, unreviewed)")],
    )


def read_ctgov_json(path: str | Path) -> tuple[DraftStudy, ...]:
    """Parse a ClinicalTrials.gov API v2 JSON file (one study or ``{"studies": [...]}``).

    Raises :class:`ImportFormatError` for a missing file, invalid JSON, or JSON that is not
    a v2 study (the message names the file and the failing field); nothing is returned
    partially.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImportFormatError(f"{file}: cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ImportFormatError(f"{file.name}: not UTF-8 text (expected ClinicalTrials.gov API v2 JSON)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"{file.name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        studies = data["studies"]
        if not studies:
            raise ImportFormatError(f"{file.name}: the 'studies' list is empty")
        return tuple(draft_from_ctgov_study(s, where=f"{file.name}: studies[{i}]") for i, s in enumerate(studies))
    if isinstance(data, dict) and "protocolSection" in data:
        return (draft_from_ctgov_study(data, where=file.name),)
    raise ImportFormatError(
        f"{file.name}: not a ClinicalTrials.gov API v2 study (no protocolSection) nor a page of studies (no 'studies' list)"
    )
