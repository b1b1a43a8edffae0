"""``ldncare demo [--reset]`` and the demo clinic that ``ldncare run`` creates on an empty database."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from ldncare.cli import app
from ldncare.web.settings import BASE_DIR

runner = CliRunner()


def test_demo_command_creates_then_leaves_then_resets(db, settings):
    from ldncare.web.demo.models import DemoObject

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # Argon2 is slow on purpose
    settings.DEBUG = False
    first = runner.invoke(app, ["demo"])
    assert "warning: DEBUG is off" in first.output  # asked for on purpose, and told what it means
    settings.DEBUG = True  # development, as `make run` has it
    assert first.exit_code == 0, first.output
    assert "Demo clinic created" in first.output
    assert "password 'ldncare-demo'" in first.output
    assert "demo-nonresponder" in first.output
    marks = set(DemoObject.objects.values_list("kind", "object_pk"))
    again = runner.invoke(app, ["demo", "--json"])
    payload = json.loads(again.output)
    assert payload["created"] is False
    assert [login["username"] for login in payload["logins"]][:2] == ["demo-clinician", "demo-pharmacist"]
    assert set(DemoObject.objects.values_list("kind", "object_pk")) == marks
    reset = runner.invoke(app, ["demo", "--reset", "--json"])
    assert json.loads(reset.output)["created"] is True
    assert not set(DemoObject.objects.filter(kind="user").values_list("kind", "object_pk")) & marks


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_until_serving(tmp_path) -> str:
    env = {**os.environ, "LDNCARE_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/ldncare.sqlite3",
           "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen([sys.executable, "-m", "ldncare.cli", "run", "--port", str(_free_port())], cwd=BASE_DIR,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        deadline = time.monotonic() + 90
        for line in server.stdout:
            lines.append(line)
            if "serving at" in line or time.monotonic() > deadline:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    return "".join(lines)


@pytest.mark.slow
def test_run_creates_the_demo_clinic_on_an_empty_database_only(tmp_path):
    output = _run_until_serving(tmp_path)
    assert "serving at" in output, output
    assert "Demo clinic created" in output
    assert "demo-clinician" in output
    assert "ldncare-demo" in output
    with sqlite3.connect(tmp_path / "ldncare.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM accounts_user WHERE username LIKE 'demo-%'").fetchone()[0] == 5
        assert db.execute("SELECT count(*) FROM record_checkin").fetchone()[0] > 300


def test_run_leaves_a_database_with_accounts_alone(db, patient, monkeypatch):
    import waitress

    from ldncare.web.demo.models import DemoObject

    monkeypatch.setenv("DEBUG", "true")  # `ldncare run` would set it for the rest of this process otherwise
    monkeypatch.setattr(waitress, "serve", lambda *args, **kwargs: None)
    result = runner.invoke(app, ["run", "--port", "8999"])
    assert result.exit_code == 0, result.output
    assert "serving at" in result.output
    assert "Demo clinic" not in result.output
    assert not DemoObject.objects.exists()


def test_run_reminds_of_the_demo_logins_while_the_demo_exists(db, settings, monkeypatch):
    import waitress

    from ldncare.web.demo.services import demo_clinic_create

    monkeypatch.setenv("DEBUG", "true")  # the development server, as `make run` starts it
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_clinic_create()
    monkeypatch.setattr(waitress, "serve", lambda *args, **kwargs: None)
    result = runner.invoke(app, ["run", "--port", "8999"])
    assert "Demo clinic already present" in result.output
    assert "demo-trial" in result.output
    quiet = runner.invoke(app, ["run", "--port", "8999", "--no-demo"])
    assert "Demo clinic" not in quiet.output


def test_run_with_debug_off_never_creates_the_demo_clinic(db, settings, monkeypatch):
    import waitress
    from django.contrib.auth import get_user_model

    monkeypatch.setenv("DEBUG", "false")
    settings.DEBUG = False
    monkeypatch.setattr(waitress, "serve", lambda *args, **kwargs: None)
    monkeypatch.setattr("ldncare.commands.server._start_worker", lambda: None)
    result = runner.invoke(app, ["run", "--port", "8999"])
    assert result.exit_code == 0, result.output
    assert "DEBUG is off: no demo clinic" in result.output
    assert not get_user_model().objects.exists()
