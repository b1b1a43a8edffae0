"""Dosing and compounding.

Titration protocols as sourced data, plans (dated steps with dose, time, volume and
measuring device), adaptive re-planning, the compounding calculator with beyond-use
dates, and prescription and plan exports.
"""
