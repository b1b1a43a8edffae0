"""``ldncare run`` migrates a fresh database and serves the home page."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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
        [sys.executable, "-m", "ldncare.cli", "run", "--no-demo", "--port", str(port)],  # with its worker
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
        head = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # waitress: HEAD answers without a body
        head.request("HEAD", "/")
        answer = head.getresponse()
        assert answer.status == 200
        assert answer.read() == b""
        head.close()
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)  # nothing after the headers on the wire
        raw.sendall(b"HEAD / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        received = b""
        while chunk := raw.recv(65536):
            received += chunk
        raw.close()
        assert received.split(b"\r\n\r\n", 1)[1] == b""
        assert (tmp_path / "ldncare.sqlite3").exists()
        workers = _children(server.pid)
        assert len(workers) == 1, "ldncare run starts one background worker beside the server"
        assert b"worker" in (Path("/proc") / str(workers[0]) / "cmdline").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any((Path("/proc") / str(pid)).exists() and b"zombie" not in _status(pid) for pid in workers):
        assert time.monotonic() < deadline, "the worker outlived the server"
        time.sleep(0.2)


def _children(pid: int) -> list[int]:
    return [int(child) for child in (Path("/proc") / str(pid) / "task" / str(pid) / "children").read_text().split()]


def _status(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "status").read_bytes().lower()
    except OSError:
        return b"zombie"
