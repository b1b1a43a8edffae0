"""Safety.

The safety screen (opioids, pregnancy, liver, surgery, interacting conditions, dose
range) over a patient's profile, and side-effect triage. Rules and vocabularies come
from the knowledge data, each finding with its sources.
"""
