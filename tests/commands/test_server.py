"""``ldncare run`` migrates a fresh database and serves the home page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from ldncare.web.settings import BASE_DIR

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_migrates_and_serves_the_home_page(tmp_path):
    port = _free_port()
    env = {**os.environ, "LDNCARE_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/ldncare.sqlite3"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "ldncare.cli", "run", "--no-demo", "--port", str(port)],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200
                    assert b"Not medical advice" in response.read()
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"server did not come up:\n{server.stdout.read() if server.stdout else ''}") from None
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/ldncare/site.css", timeout=5) as response:
            assert response.status == 200
        assert (tmp_path / "ldncare.sqlite3").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)
