"""Consent grants and the audit trail: who may see a patient's record, and who did."""
