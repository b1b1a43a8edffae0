"""The evidence atlas.

Study grading, per-condition certainty and summaries, random-effects meta-analysis and
forest plots, citation export (BibTeX, RIS, CSL-JSON) and importers that turn PubMed and
ClinicalTrials.gov records into draft knowledge records for review.
"""
