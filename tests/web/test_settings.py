"""Settings come from the environment and fail loudly, in one line, on malformed values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ldncare.web.settings import BASE_DIR, database_from_url, env_bool, env_int, env_list


def test_sqlite_url_relative_to_checkout_and_tuned_for_a_web_server():
    db = database_from_url("sqlite:///var/ldncare.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(db["NAME"]) == BASE_DIR / "var" / "ldncare.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] >= 5


def test_sqlite_url_with_absolute_path(tmp_path):
    db = database_from_url(f"sqlite:///{tmp_path}/x.sqlite3")
    assert db["NAME"] == str(tmp_path / "x.sqlite3")


def test_postgres_url():
    db = database_from_url("postgres://ldn:s3cret@db.example:6543/ldncare")
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql", "ldncare", "ldn", "s3cret", "db.example", "6543",
    )
    assert database_from_url("postgresql://127.0.0.1/test")["PORT"] == "5432"


def test_postgres_prepares_statements_unless_a_pooler_needs_them_off(monkeypatch):
    url = "postgres://u:p@db.example:5432/ldn"
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    assert database_from_url(url)["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    assert database_from_url(url)["OPTIONS"] == {}
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "sometimes")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_PREPARED_STATEMENTS"):
        database_from_url(url)


@pytest.mark.parametrize(
    "url",
    ["nonsense", "mysql://x@y/z", "sqlite://", "postgres://127.0.0.1/", "postgres:///dbonly", "postgres://h:port/db"],
)
def test_bad_database_urls_name_the_variable_and_what_is_allowed(url):
    with pytest.raises(ImproperlyConfigured) as excinfo:
        database_from_url(url)
    message = str(excinfo.value)
    assert message.startswith("DATABASE_URL=")
    assert "allowed: sqlite:///PATH or postgres://" in message


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "Yes")
    assert env_bool("X_BOOL", False) is True
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL='maybe' is not a boolean"):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "12x")
    with pytest.raises(ImproperlyConfigured, match="X_INT='12x' is not a whole number"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", " a.example, ,b.example ")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    monkeypatch.delenv("X_LIST")
    assert env_list("X_LIST", ["d"]) == ["d"]


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "LDNCARE_VAR_DIR": str(tmp_path), **env}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(args, capture_output=True, text=True, env=full_env, timeout=120, cwd=BASE_DIR)


LDNCARE = [sys.executable, "-m", "ldncare.cli"]


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "false", "SECRET_KEY": ""}, "SECRET_KEY"),
    ],
)
def test_bad_configuration_stops_start_up_with_one_line(tmp_path, env, variable):
    for command in (LDNCARE + ["run", "--port", "8765"], [sys.executable, "manage.py", "check"]):
        result = _run(command, tmp_path, **env)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"error: {variable}")
        assert "Traceback" not in result.stderr


def test_local_secret_key_is_generated_once(tmp_path):
    code = "import ldncare.web.settings as s; print(s.SECRET_KEY)"
    first = _run([sys.executable, "-c", code], tmp_path, SECRET_KEY="")
    second = _run([sys.executable, "-c", code], tmp_path, SECRET_KEY="")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_env_example_lists_every_variable_the_settings_read():
    settings_text = (BASE_DIR / "src/ldncare/web/settings.py").read_text()
    example = (BASE_DIR / ".env.example").read_text()
    import re

    read = set(re.findall(r'env_(?:bool|int|list|secret)\("([A-Z_]+)"', settings_text))
    read |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', settings_text))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.M))
    assert read - documented == set()
