"""PubMed efetch XML importer, offline, on real-format fixtures (valid, malformed, wrong format)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from ldncare.core.evidence.importers import ImportFormatError, mark_duplicates, read_pubmed_xml

DATA = Path(__file__).resolve().parents[3] / "data" / "evidence"


@pytest.fixture
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the importer tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr("urllib.request.urlopen", refuse)


def test_reads_both_articles_with_everything_the_record_provides(offline):
    smith, paulides = read_pubmed_xml(DATA / "pubmed_two_articles.xml")
    assert smith.pmid == "17222320"
    assert smith.doi == "10.1111/j.1572-0241.2007.01052.x"
    assert smith.authors == ["Smith JP", "Stock H", "Bingaman S", "Mauger D", "Rogosnitzky M", "Zagon IS"]
    assert (smith.journal, smith.year, smith.volume, smith.issue, smith.pages) == ("Am J Gastroenterol", 2007, "102", "4", "820-8")
    assert smith.abstract.startswith("OBJECTIVES: ")
    assert "RESULTS: 89% of patients responded" in smith.abstract
    assert smith.mesh_terms == ["Crohn Disease", "Naltrexone"]
    assert paulides.pmid == "35396307"
    assert paulides.doi == "10.1136/bmjopen-2021-058358"
    assert paulides.pmc == "PMC8996009"
    assert paulides.authors == ["Paulides E", "Lie MRKL", "van der Woude CJ"]
    assert paulides.year == 2022
    assert paulides.design_hint == "protocol (not a result)"
    assert paulides.keywords == ["Adult gastroenterology", "Clinical trials", "Inflammatory bowel disease"]
    for draft in (smith, paulides):
        assert draft.status == "draft_unreviewed"
        assert draft.review is None
        assert draft.origin == "pubmed"
        assert draft.sources[0].url == f"https://pubmed.ncbi.nlm.nih.gov/{draft.pmid}/"


def test_the_article_already_in_the_atlas_is_marked_duplicate():
    smith, paulides = mark_duplicates(read_pubmed_xml(DATA / "pubmed_two_articles.xml"))
    assert smith.duplicate_of == "smith2007-crohns-openlabel"
    assert paulides.duplicate_of is None


def test_truncated_xml_is_a_clear_error(offline):
    with pytest.raises(ImportFormatError, match=r"pubmed_malformed.xml: malformed or truncated XML"):
        read_pubmed_xml(DATA / "pubmed_malformed.xml")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"not": "xml"}', "not XML"),
        ('<?xml version="1.0"?><eSearchResult><Count>0</Count></eSearchResult>', "no PubmedArticleSet DOCTYPE"),
        (
            '<?xml version="1.0"?><!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
            '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd"><eSearchResult/>',
            "not a PubMed efetch PubmedArticleSet",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle//EN" '
            '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_990101.dtd"><PubmedArticleSet/>',
            "pubmed_990101.dtd, which is not bundled",
        ),
    ],
)
def test_wrong_formats_are_refused(tmp_path, offline, content, message):
    path = tmp_path / "in.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFormatError, match=message):
        read_pubmed_xml(path)


def test_elements_outside_the_pubmed_dtd_fail_validation(tmp_path, offline):
    text = (DATA / "pubmed_two_articles.xml").read_text(encoding="utf-8")
    path = tmp_path / "invalid.xml"
    path.write_text(text.replace("<Language>eng</Language>", "<Language>eng</Language><Bogus>x</Bogus>", 1), encoding="utf-8")
    with pytest.raises(ImportFormatError, match="does not follow the PubMed DTD"):
        read_pubmed_xml(path)


def test_empty_set_and_missing_file(tmp_path, offline):
    head = (DATA / "pubmed_two_articles.xml").read_text(encoding="utf-8").split("<PubmedArticleSet>")[0]
    empty = tmp_path / "empty.xml"
    empty.write_text(head + "<PubmedArticleSet></PubmedArticleSet>", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="holds no PubmedArticle"):
        read_pubmed_xml(empty)
    with pytest.raises(ImportFormatError, match="cannot read"):
        read_pubmed_xml(tmp_path / "absent.xml")
