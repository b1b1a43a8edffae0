"""Citation export of the atlas: BibTeX, RIS and CSL-JSON, for one condition or all.

The three formats are written from the study records' citation fields (authors as
"Last Initials", title, journal, year, volume(issue):pages) and identifiers (PMID, DOI,
NCT). Specifications followed: BibTeX as read by BibTeX/biber (``@article``, ``and``
between authors, ``--`` page ranges, LaTeX special characters escaped); RIS as exported by
reference managers (``TAG  - value`` lines, ``TY`` first, ``ER`` last); CSL-JSON as in
the Citation Style Language schema (``csl-data.json``: ``type``, ``author`` family/given,
``issued.date-parts``, ``container-title``, ``DOI``, ``PMID``).

>>> from ldncare.core.knowledge.studies import get_study
>>> print(to_bibtex([get_study("smith2007-crohns-openlabel")]).splitlines()[1])
  author = {Smith, J. P. and Stock, H. and Bingaman, S. and Mauger, D. and Rogosnitzky, M. and Zagon, I. S.},
>>> split_volume_pages("102(4):820-8")
('102', '4', '820', '828')
>>> split_volume_pages("317-326")
(None, None, '317', '326')
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from ldncare.core.knowledge.studies import Study, load_studies, studies_for_condition

__all__ = [
    "FORMATS",
    "cite",
    "split_author",
    "split_volume_pages",
    "to_bibtex",
    "to_csl_json",
    "to_ris",
]

FORMATS: tuple[str, ...] = ("bibtex", "ris", "csljson")

_VOLUME_PAGES = re.compile(r"^\s*([\w.]+)\s*(?:\(([^)]+)\))?\s*:\s*([\w]+)(?:\s*-\s*([\w]+))?")
_INITIALS = re.compile(r"^[A-Z]{1,5}$")
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                   "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}  # fmt: skip


def split_author(name: str) -> tuple[str, str]:
    """``"Smith JP"`` -> ``("Smith", "J. P.")``; a single name is a family name.

    >>> split_author("van der Woude CJ"), split_author("Kolmen")
    (('van der Woude', 'C. J.'), ('Kolmen', ''))
    """
    parts = name.strip().rsplit(" ", 1)
    if len(parts) == 2 and _INITIALS.match(parts[1]):
        return parts[0], " ".join(f"{c}." for c in parts[1])
    return name.strip(), ""


def split_volume_pages(text: str | None) -> tuple[str | None, str | None, str | None, str | None]:
    """``"102(4):820-8"`` -> volume, issue, first page, last page (abbreviated last pages expanded)."""
    if not text:
        return None, None, None, None
    match = _VOLUME_PAGES.match(text)
    pages_only = re.match(r"^\s*(\d+)\s*-\s*(\d+)\s*$", text)
    if pages_only:
        volume, issue, (first, last) = None, None, pages_only.groups()
    elif match:
        volume, issue, first, last = match.groups()
    else:
        return None, None, None, None
    if last and first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return volume, issue, first, last


def _is_chapter(study: Study) -> bool:
    return "chapter" in study.citation.journal.lower()


def _bib_escape(text: str) -> str:
    return "".join(_BIBTEX_ESCAPES.get(ch, ch) for ch in text)


def _note(study: Study) -> str:
    ids = [f"PMID: {study.pmid}"] if study.pmid else []
    ids += list(study.nct)
    return "; ".join([*ids, f"ldncare study {study.id}"])


def to_bibtex(studies: Sequence[Study]) -> str:
    """BibTeX entries, keyed by the study id."""
    entries = []
    for s in studies:
        c = s.citation
        volume, issue, first, last = split_volume_pages(c.volume_pages)
        fields: list[tuple[str, str]] = []
        if c.authors:
            fields.append(("author", " and ".join(_bib_escape(", ".join(p for p in split_author(a) if p)) for a in c.authors)))
        fields.append(("title", "{" + _bib_escape(c.title) + "}"))
        fields.append(("booktitle" if _is_chapter(s) else "journal", _bib_escape(c.journal)))
        fields.append(("year", str(c.year)))
        if volume:
            fields.append(("volume", volume))
        if issue:
            fields.append(("number", issue))
        if first:
            fields.append(("pages", f"{first}--{last}" if last else first))
        if s.doi:
            fields.append(("doi", s.doi))
        fields.append(("url", s.sources[0].url or ""))
        fields.append(("note", _bib_escape(_note(s))))
        kind = "incollection" if _is_chapter(s) else "article"
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        entries.append(f"@{kind}{{{s.id},\n{body}\n}}\n")
    return "\n".join(entries)


def to_ris(studies: Sequence[Study]) -> str:
    """RIS records (``TY  - JOUR`` ... ``ER  - ``)."""
    lines: list[str] = []
    for s in studies:
        c = s.citation
        volume, issue, first, last = split_volume_pages(c.volume_pages)
        lines.append("TY  - CHAP" if _is_chapter(s) else "TY  - JOUR")
        lines.append(f"ID  - {s.id}")
        for author in c.authors:
            family, given = split_author(author)
            lines.append(f"AU  - {family}, {given}" if given else f"AU  - {family}")
        lines.append(f"TI  - {c.title}")
        lines.append(f"T2  - {c.journal}")
        lines.append(f"PY  - {c.year}")
        for tag, value in (("VL", volume), ("IS", issue), ("SP", first), ("EP", last), ("DO", s.doi), ("AN", s.pmid)):
            if value:
                lines.append(f"{tag}  - {value}")
        for source in s.sources:
            if source.url:
                lines.append(f"UR  - {source.url}")
                break
        lines.append(f"N1  - {_note(s)}")
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines)


def _csl_item(s: Study) -> dict[str, Any]:
    c = s.citation
    volume, issue, first, last = split_volume_pages(c.volume_pages)
    item: dict[str, Any] = {
        "id": s.id,
        "type": "chapter" if _is_chapter(s) else "article-journal",
        "title": c.title,
        "container-title": c.journal,
        "issued": {"date-parts": [[c.year]]},
    }
    if c.authors:
        item["author"] = [
            {"family": fam, "given": giv} if giv else {"family": fam} for fam, giv in map(split_author, c.authors)
        ]
    if volume:
        item["volume"] = volume
    if issue:
        item["issue"] = issue
    if first:
        item["page"] = f"{first}-{last}" if last else first
    if s.doi:
        item["DOI"] = s.doi
    if s.pmid:
        item["PMID"] = s.pmid
    if s.sources[0].url:
        item["URL"] = s.sources[0].url
    item["note"] = _note(s)
    return item


def to_csl_json(studies: Sequence[Study]) -> str:
    """CSL-JSON: a JSON array of CSL items."""
    return json.dumps([_csl_item(s) for s in studies], indent=2, ensure_ascii=False)


_WRITERS = {"bibtex": to_bibtex, "ris": to_ris, "csljson": to_csl_json}


def cite(condition_id: str | None, fmt: str) -> str:
    """Citations of one condition's studies (newest first) or of all studies (``None``) in ``fmt``.

    >>> cite("depression", "ris").splitlines()[0]
    'TY  - JOUR'
    """
    if fmt not in _WRITERS:
        raise ValueError(f"unknown citation format {fmt!r}; allowed: {', '.join(FORMATS)}")
    studies = studies_for_condition(condition_id) if condition_id else tuple(sorted(load_studies(), key=lambda s: s.id))
    return _WRITERS[fmt](studies)
