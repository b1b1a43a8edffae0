"""The core never imports Django, the web shell or the CLI.

``lint-imports`` (import-linter, configured in pyproject.toml) checks the whole import
graph, indirect imports included. These tests run it on the real tree and prove that it
fails when someone adds a forbidden import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=300
    )


def _copy_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_real_tree_keeps_the_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "source",
    ["import django\n", "from django.db import models\n", "from ldncare.web import settings\n", "import ldncare.cli\n"],
)
def test_the_contract_fails_when_core_imports_the_shell(tmp_path, source):
    tree = _copy_tree(tmp_path)
    (tree / "src/ldncare/core/knowledge/_violation.py").write_text(source)
    result = _lint(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def test_no_file_under_core_mentions_the_django_package():
    """The acceptance check ``git grep -n "django" src/ldncare/core`` finds nothing."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "src/ldncare/core").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and "django" in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []
