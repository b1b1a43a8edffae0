"""The evidence library: public pages over ``ldncare.core.knowledge`` and ``ldncare.core.evidence``.

Views only fetch records from the core and hand them to templates; every medical statement
on these pages is a knowledge record shown with its sources.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ldncare.core.evidence import FORMATS, cite, summarize_all, summarize_condition
from ldncare.core.evidence.grading import DESIGN_LABELS, grade_study
from ldncare.core.knowledge import (
    UnknownConditionEvidenceError,
    count_verdicts,
    get_condition_evidence,
    get_study,
    load_about,
    load_claims,
    load_conditions,
    load_peptide_notice,
    load_peptides,
    load_side_effects,
    load_studies,
)
from ldncare.core.safety import load_red_flags, triage_text
from ldncare.web.library.forms import SearchForm, SymptomCheckForm
from ldncare.web.library.popular import count_search, popular_searches
from ldncare.web.library.search import run_search

CITATION_TYPES = {
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "csljson": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}
FOREST_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
CERTAINTY_ORDER = {"high": 0, "moderate": 1, "low": 2, "very_low": 3, "not_assessed": 4}


def _condition_ids() -> set[str]:
    return {c.id for c in load_conditions()}


@lru_cache(maxsize=32)
def _pooled(condition_id: str):  # noqa: ANN202
    from ldncare.core.evidence import pool_condition

    return pool_condition(condition_id)


@lru_cache(maxsize=32)
def _forest_bytes(condition_id: str, fmt: str) -> bytes:
    """The core's forest plot, drawn once per process and format."""
    from ldncare.core.evidence import MetaAnalysis, draw_forest

    analysis = _pooled(condition_id)
    if not isinstance(analysis, MetaAnalysis):
        raise Http404("No pooled analysis for this condition")
    with tempfile.TemporaryDirectory() as tmp:
        return draw_forest(analysis, Path(tmp) / f"forest.{fmt}").read_bytes()


@require_GET
def index(request):
    """Conditions with their certainty, the search box, popular searches and the other sections."""
    summaries = sorted(summarize_all(), key=lambda s: (CERTAINTY_ORDER.get(s.certainty, 9), s.condition.name))
    return render(request, "library/index.html", {
        "summaries": summaries, "form": SearchForm(), "popular": popular_searches(),
    })


@require_GET
def search(request):
    """Ranked results; a bad query is a form error on the page (status 200), never a server error."""
    hits, query = None, ""
    form = SearchForm(request.GET) if "q" in request.GET else SearchForm()
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        hits = run_search(query)
        if hits:
            count_search(query)
    return render(request, "library/search.html", {
        "form": form, "hits": hits, "query": query, "popular": popular_searches(),
    })


@require_GET
def condition(request, condition_id: str):
    if condition_id not in _condition_ids():
        raise Http404("No such condition")
    summary = summarize_condition(condition_id)
    try:
        appraisal = get_condition_evidence(condition_id)
    except UnknownConditionEvidenceError:
        appraisal = None
    pooled = _pooled(condition_id)
    return render(request, "library/condition.html", {
        "s": summary, "appraisal": appraisal, "pooled": pooled, "is_pooled": pooled.poolable,
        "rows": [(g, DESIGN_LABELS[g.study.design]) for g in summary.studies], "formats": FORMATS,
        "measure_label": pooled.measure_label if pooled.poolable else "",
        "i2_pct": f"{100 * pooled.i2:.0f}" if hasattr(pooled, "i2") else "",
    })


@require_GET
@cache_control(max_age=86400, public=True)
def forest(request, condition_id: str, fmt: str):
    if condition_id not in _condition_ids() or fmt not in FOREST_TYPES:
        raise Http404("No such plot")
    return HttpResponse(_forest_bytes(condition_id, fmt), content_type=FOREST_TYPES[fmt])


@require_GET
def citations(request, condition_id: str, fmt: str):
    if condition_id not in _condition_ids() or fmt not in CITATION_TYPES:
        raise Http404("No such citation file")
    content_type, ext = CITATION_TYPES[fmt]
    response = HttpResponse(cite(condition_id, fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="ldncare-{condition_id}.{ext}"'
    return response


@require_GET
def study(request, study_id: str):
    try:
        record = get_study(study_id)
    except LookupError:
        raise Http404("No such study") from None
    names = {c.id: c.name for c in load_conditions()}
    return render(request, "library/study.html", {
        "study": record, "grade": grade_study(record), "design_label": DESIGN_LABELS[record.design],
        "conditions": [(cid, names.get(cid, cid)) for cid in record.conditions],
    })


@require_GET
def side_effects(request):
    effects = load_side_effects()
    groups = [
        ("urgent_care", "Get urgent care", [e for e in effects if e.urgency == "urgent_care"]),
        ("contact_prescriber", "Contact your prescriber", [e for e in effects if e.urgency == "contact_prescriber"]),
        ("expected", "Usually expected and passing", [e for e in effects if e.urgency == "expected"]),
    ]
    # "Check a symptom": the same free-text triage as `ldncare triage`
    # (red flags first, then the catalogue, never "expected" for unrecognised text).
    form, result = SymptomCheckForm(), None
    if "symptom" in request.GET:
        form = SymptomCheckForm(request.GET)
        if form.is_valid():
            data = form.cleaned_data
            result = triage_text(data["symptom"], data["severity"], data["days"])
    flags = load_red_flags()
    red_flags = [
        ("urgent_care", "Get medical care now", [f for f in flags if f.level == "urgent_care"]),
        ("contact_prescriber", "Tell your prescriber soon", [f for f in flags if f.level == "contact_prescriber"]),
    ]
    return render(request, "library/side_effects.html", {"groups": groups, "form": form, "result": result, "red_flags": red_flags})


@require_GET
def alternatives(request):
    return render(request, "library/alternatives.html", {
        "notice": load_peptide_notice(), "peptides": load_peptides(),
    })


@require_GET
def about(request):
    return render(request, "library/about.html", {"entries": load_about()})


@require_GET
def claims(request):
    names = {c.id: c.name for c in load_conditions()}
    return render(request, "library/claims.html", {
        "claims": load_claims(), "counts": count_verdicts(), "condition_names": names,
        "study_labels": {st.id: f"{st.label} ({st.citation.journal})" for st in load_studies()},
    })
