"""What every command shares: the error convention and JSON output.

Bad input is the user's to fix: a one-line message on standard error saying what was
wrong and what is allowed, and exit code 2 (a usage error, as in POSIX tools).
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer

__all__ = ["EXIT_USAGE", "fail", "print_json"]

EXIT_USAGE = 2


def fail(message: str) -> NoReturn:
    """Print ``error: <message>`` to standard error and exit with code 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=EXIT_USAGE)


def print_json(payload: Any) -> None:
    """Write ``payload`` as indented JSON to standard output (non-finite floats refused)."""
    json.dump(payload, sys.stdout, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    sys.stdout.write("\n")
