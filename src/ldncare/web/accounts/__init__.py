"""Accounts: the custom user model with its role (patient, clinician, pharmacist, admin)."""
