"""FHIR for the database: a patient's record from ``record`` models as a FHIR R4B Bundle and back.

The mapping itself is :mod:`ldncare.core.fhir`; this package only reads and writes the
``record`` models (:mod:`.services`) and serves ``GET /api/v1/fhir/Patient/{id}/$everything``
(:mod:`.api`), consent-checked through :mod:`ldncare.web.policy` and audited.
"""
