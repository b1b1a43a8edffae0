"""Command modules of the ``ldncare`` CLI: one small module per capability.

:mod:`ldncare.cli` assembles them into one Typer application.
"""
