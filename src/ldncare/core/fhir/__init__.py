"""Interoperability.

Mapping of core records (patient, conditions, plan, doses, scores, side effects, trials)
to and from HL7 FHIR resources, validated with ``fhir.resources``.
"""
