"""PubMed importer: an efetch ``PubmedArticleSet`` XML file -> draft study records.

Parsing uses Biopython's :func:`Bio.Entrez.read`, which validates the elements against
the PubMed DTD bundled with Biopython (no network access: a DOCTYPE naming a DTD that is
not bundled is refused with a clear error instead of being downloaded).

>>> import tempfile, pathlib
>>> bad = pathlib.Path(tempfile.mkdtemp()) / "search.xml"
>>> _ = bad.write_text('<?xml version="1.0"?><eSearchResult><Count>0</Count></eSearchResult>')
>>> try:
...     read_pubmed_xml(bad)
... except ImportFormatError as exc:
...     print(exc)
search.xml: no PubmedArticleSet DOCTYPE; expected the XML of efetch (db=pubmed, retmode=xml)
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ldncare.core.evidence.importers.drafts import DraftStudy, ImportFormatError
from ldncare.core.knowledge.records import Source

__all__ = ["read_pubmed_xml"]

_NCT = re.compile(r"\bNCT\d{8}\b")
_DOCTYPE = re.compile(rb'<!DOCTYPE\s+(\w+)[^>]*?"([^"]+\.dtd)"', re.IGNORECASE)
_DESIGN_HINTS = (
    ("Clinical Trial Protocol", "protocol (not a result)"),
    ("Meta-Analysis", "systematic_review_rcts"),
    ("Systematic Review", "systematic_review_rcts"),
    ("Randomized Controlled Trial", "rct_parallel"),
    ("Case Reports", "case_report"),
    ("Observational Study", "retrospective_cohort"),
    ("Review", "narrative_review"),
)


def _bundled_dtds() -> set[str]:
    import Bio.Entrez

    folder = Path(Bio.Entrez.__file__).parent / "DTDs"
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def _check_doctype(head: bytes, path: Path) -> None:
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise ImportFormatError(f"{path.name}: not XML (expected a PubMed efetch PubmedArticleSet)")
    match = _DOCTYPE.search(head)
    if not match:
        raise ImportFormatError(
            f"{path.name}: no PubmedArticleSet DOCTYPE; expected the XML of efetch (db=pubmed, retmode=xml)"
        )
    root, system_id = match.group(1).decode(), match.group(2).decode()
    if root != "PubmedArticleSet":
        raise ImportFormatError(f"{path.name}: a {root} document, not a PubMed efetch PubmedArticleSet")
    dtd = os.path.basename(system_id)
    if dtd not in _bundled_dtds():
        raise ImportFormatError(
            f"{path.name}: DOCTYPE names {dtd}, which is not bundled with the installed Biopython; "
            "update Biopython or re-fetch the records (the importer does not download DTDs)"
        )


def _text(value: Any) -> str:
    return " ".join(str(value).split())


def _year(article: dict, pubmed_data: dict) -> int | None:
    pub_date = article.get("Journal", {}).get("JournalIssue", {}).get("PubDate", {})
    for candidate in (pub_date.get("Year"), pub_date.get("MedlineDate")):
        if candidate and re.match(r"\d{4}", str(candidate)):
            return int(str(candidate)[:4])
    for date in article.get("ArticleDate", []):
        if date.get("Year"):
            return int(date["Year"])
    for date in pubmed_data.get("History", []):
        if date.get("Year"):
            return int(date["Year"])
    return None


def _authors(article: dict) -> list[str]:
    names = []
    for author in article.get("AuthorList", []):
        if "LastName" in author:
            initials = author.get("Initials", "")
            names.append(f"{author['LastName']} {initials}".strip())
        elif "CollectiveName" in author:
            names.append(_text(author["CollectiveName"]))
    return names


def _abstract(article: dict) -> str | None:
    parts = []
    for section in article.get("Abstract", {}).get("AbstractText", []):
        label = getattr(section, "attributes", {}).get("Label")
        parts.append(f"{label}: {_text(section)}" if label else _text(section))
    return "\n".join(parts) or None


def _draft(record: dict, position: int, path: Path) -> DraftStudy:
    try:
        citation = record["MedlineCitation"]
        article = citation["Article"]
        pmid = str(citation["PMID"])
    except (KeyError, TypeError):
        raise ImportFormatError(f"{path.name}: article {position} has no MedlineCitation/Article/PMID") from None
    pubmed_data = record.get("PubmedData", {})
    ids = {str(i.attributes.get("IdType")): str(i) for i in pubmed_data.get("ArticleIdList", [])}
    doi = ids.get("doi") or next(
        (str(e) for e in article.get("ELocationID", []) if e.attributes.get("EIdType") == "doi"), None
    )
    journal = article.get("Journal", {})
    issue = journal.get("JournalIssue", {})
    pub_types = [str(p) for p in article.get("PublicationTypeList", [])]
    abstract = _abstract(article)
    ncts: list[str] = []
    for bank in article.get("DataBankList", []):
        if str(bank.get("DataBankName", "")).lower().startswith("clinicaltrials"):
            ncts.extend(str(n) for n in bank.get("AccessionNumberList", []))
    ncts.extend(n for n in _NCT.findall(abstract or "") if n not in ncts)
    hint = next((h for label, h in _DESIGN_HINTS if label in pub_types), None)
    title = _text(article.get("ArticleTitle", ""))
    if not title:
        raise ImportFormatError(f"{path.name}: article {position} (PMID {pmid}) has no ArticleTitle")
    sources = [Source(pmid=pmid, note="PubMed record (imported, unreviewed)")]
    if doi:
        sources.append(Source(doi=doi, note="publisher record (imported, unreviewed)"))
    return DraftStudy(
        id=f"pmid{pmid}",
        origin="pubmed",
        pmid=pmid,
        doi=doi,
        pmc=ids.get("pmc"),
        nct=ncts,
        title=title,
        journal=_text(journal.get("ISOAbbreviation", "")) or None,
        journal_full=_text(journal.get("Title", "")) or None,
        year=_year(article, pubmed_data),
        volume=str(issue["Volume"]) if "Volume" in issue else None,
        issue=str(issue["Issue"]) if "Issue" in issue else None,
        pages=str(article["Pagination"].get("MedlinePgn")) if article.get("Pagination") else None,
        authors=_authors(article),
        abstract=abstract,
        publication_types=pub_types,
        mesh_terms=[str(h["DescriptorName"]) for h in citation.get("MeshHeadingList", [])],
        keywords=[str(k) for group in citation.get("KeywordList", []) for k in group],
        language=str(article["Language"][0]) if article.get("Language") else None,
        design_hint=hint,
        sources=sources,
    )


def read_pubmed_xml(path: str | Path) -> tuple[DraftStudy, ...]:
    """Parse an efetch PubmedArticleSet file into draft studies (one per PubmedArticle).

    Raises :class:`ImportFormatError` for a missing file, non-XML, truncated or
    DTD-invalid XML, a document that is not a PubmedArticleSet, or one without articles.
    """
    from Bio import Entrez
    from Bio.Entrez.Parser import CorruptedXMLError, NotXMLError, ValidationError

    file = Path(path)
    try:
        head = file.read_bytes()[:2048]
    except OSError as exc:
        raise ImportFormatError(f"{file}: cannot read the file ({exc.strerror})") from None
    _check_doctype(head, file)
    try:
        with file.open("rb") as handle:
            parsed = Entrez.read(handle, validate=True)
    except NotXMLError:
        raise ImportFormatError(f"{file.name}: not XML (expected a PubMed efetch PubmedArticleSet)") from None
    except CorruptedXMLError as exc:
        raise ImportFormatError(f"{file.name}: malformed or truncated XML: {exc}") from None
    except ValidationError as exc:
        raise ImportFormatError(f"{file.name}: XML does not follow the PubMed DTD: {exc}") from None
    except Exception as exc:  # expat and Biopython raise a variety of parse errors
        raise ImportFormatError(f"{file.name}: could not parse PubMed XML: {exc}") from None
    if not isinstance(parsed, dict) or "PubmedArticle" not in parsed:
        raise ImportFormatError(f"{file.name}: not a PubmedArticleSet (efetch db=pubmed retmode=xml)")
    articles = list(parsed["PubmedArticle"])
    if not articles:
        raise ImportFormatError(f"{file.name}: the PubmedArticleSet holds no PubmedArticle")
    return tuple(_draft(record, i, file) for i, record in enumerate(articles, start=1))
