"""Citation export: BibTeX, RIS and CSL-JSON are well formed and carry the record's fields."""

from __future__ import annotations

import json
import re

import pytest

from ldncare.core.evidence.citations import (
    FORMATS,
    cite,
    split_author,
    split_volume_pages,
    to_bibtex,
)
from ldncare.core.knowledge.studies import get_study, load_studies, studies_for_condition


def _balanced(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "{}" and i and text[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_all_entries_well_formed():
    text = cite(None, "bibtex")
    entries = re.findall(r"^@(article|incollection)\{([^,]+),$", text, flags=re.M)
    assert sorted(key for _, key in entries) == sorted(s.id for s in load_studies())
    assert _balanced(text)


def test_bibtex_smith_2007():
    text = to_bibtex([get_study("smith2007-crohns-openlabel")])
    assert "@article{smith2007-crohns-openlabel," in text
    assert "author = {Smith, J. P. and Stock, H. and" in text
    assert "journal = {Am J Gastroenterol}" in text
    assert "volume = {102}" in text
    assert "number = {4}" in text
    assert "pages = {820--828}" in text
    assert "PMID: 17222320" in text


def test_bibtex_escapes_latex_specials():
    study = get_study("smith2007-crohns-openlabel")
    odd = study.model_copy(update={"citation": study.citation.model_copy(update={"title": "50% & more_of #1"})})
    assert r"50\% \& more\_of \#1" in to_bibtex([odd])


def test_ris_records():
    text = cite("crohns-disease", "ris")
    records = [r for r in text.split("ER  - ") if r.strip()]
    assert len(records) == len(studies_for_condition("crohns-disease"))
    for record in records:
        lines = [line for line in record.strip().splitlines()]
        assert lines[0] in ("TY  - JOUR", "TY  - CHAP")
        assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines)
    assert "AU  - Smith, J. P." in text
    assert "DO  - 10.1007/s10620-011-1653-7" in text


def test_csl_json_items():
    items = json.loads(cite("fibromyalgia", "csljson"))
    assert [i["id"] for i in items] == [s.id for s in studies_for_condition("fibromyalgia")]
    for item in items:
        assert item["type"] in ("article-journal", "chapter")
        assert isinstance(item["issued"]["date-parts"][0][0], int)
        assert item["title"]
        assert item["container-title"]
    bruun = next(i for i in items if i["id"] == "bruun2024-fibromyalgia-final-rct")
    assert bruun["DOI"] == "10.1016/S2665-9913(23)00278-3"
    assert bruun["author"][0] == {"family": "Bruun", "given": "K. D."}


def test_helpers_and_errors():
    assert split_author("O'Kelly B") == ("O'Kelly", "B.")
    assert split_author("Lie MRKL") == ("Lie", "M. R. K. L.")
    assert split_volume_pages("56(7):2088-97") == ("56", "7", "2088", "2097")
    assert split_volume_pages("2011:804296") == ("2011", None, "804296", None)
    assert split_volume_pages(None) == (None, None, None, None)
    assert set(FORMATS) == {"bibtex", "ris", "csljson"}
    with pytest.raises(ValueError, match="allowed: bibtex, ris, csljson"):
        cite(None, "endnote")
