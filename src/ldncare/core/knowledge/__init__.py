"""Curated knowledge as data.

YAML records under ``data/`` (conditions, studies, side effects, food-derived opioid
peptides, claims, drug vocabulary, ...), each carrying its sources (PMID, DOI or URL) and a
review stamp, loaded and validated by typed pydantic models. A record without a source
fails the tests. Everything else in ldncare reads medical facts from here.
"""
