"""``ldncare serve`` as docs/deploy.md sets it up: gunicorn behind a TLS-terminating proxy on loopback.

The proxy is written here (a threaded HTTP forwarder that appends the connecting address to
``X-Forwarded-For`` and sets ``X-Forwarded-Proto``, as nginx's ``proxy_add_x_forwarded_for`` and
Caddy do). Two clients sit behind it on different loopback addresses (127.0.0.2 and 127.0.0.3).
Checked: an empty database gets no demo account; plain HTTP is redirected to HTTPS; HTTPS answers
carry HSTS; one client's failed sign-ins lock that client out and not the other; a forged
``X-Forwarded-For`` changes nothing; the audit log records the real client.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ldncare.web.settings import BASE_DIR

pytestmark = pytest.mark.slow

CLIENT_A, CLIENT_B = "127.0.0.2", "127.0.0.3"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _proxy(backend_port: int, proto: str) -> ThreadingHTTPServer:
    """A reverse proxy on 127.0.0.1 that tells the backend the client's address and ``proto``."""

    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            seen = self.headers.get("X-Forwarded-For")
            headers["X-Forwarded-For"] = f"{seen}, {self.client_address[0]}" if seen else self.client_address[0]
            headers["X-Forwarded-Proto"] = proto
            upstream = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=60)
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            upstream.close()

        do_GET = do_POST = do_HEAD = _forward

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _call(proxy: ThreadingHTTPServer, method: str, path: str, *, client: str, body: dict | None = None,
          headers: dict | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", proxy.server_address[1], timeout=60,
                                            source_address=(client, 0))
    payload = json.dumps(body).encode() if body is not None else None
    all_headers = {"Content-Type": "application/json", **(headers or {})} if payload else dict(headers or {})
    connection.request(method, path, body=payload, headers=all_headers)
    answer = connection.getresponse()
    data = answer.read()
    connection.close()
    return answer.status, {k.lower(): v for k, v in answer.getheaders()}, data


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = {**os.environ, "LDNCARE_VAR_DIR": str(tmp), "DATABASE_URL": f"sqlite:///{tmp}/ldncare.sqlite3",
           "SECRET_KEY": "serve-test-" + "k" * 50, "ALLOWED_HOSTS": "127.0.0.1", "TRUSTED_PROXIES": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "true", "AXES_FAILURE_LIMIT": "2", "LDNCARE_ADDRESS_FAILURE_LIMIT": "4",
           "PYTHONUNBUFFERED": "1"}
    for name in ("DJANGO_SETTINGS_MODULE", "DEBUG"):
        env.pop(name, None)
    server = subprocess.Popen([sys.executable, "-m", "ldncare.cli", "serve", "--port", str(port), "--workers", "2"],
                              cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    https, plain = _proxy(port, "https"), _proxy(port, "http")
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if _call(https, "GET", "/", client=CLIENT_A)[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise AssertionError(f"ldncare serve did not come up:\n{server.stdout.read()}")
            time.sleep(0.5)
        yield {"https": https, "http": plain, "db": tmp / "ldncare.sqlite3", "backend_port": port}
    finally:
        https.shutdown()
        plain.shutdown()
        server.terminate()
        server.wait(timeout=60)


def test_an_empty_production_database_has_no_demo_account(deployment):
    with sqlite3.connect(deployment["db"]) as db:
        assert db.execute("SELECT count(*) FROM accounts_user").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM accounts_pharmacy").fetchone()[0] == 0


def test_plain_http_is_redirected_to_https_and_https_carries_hsts(deployment):
    status, headers, _ = _call(deployment["http"], "GET", "/library/", client=CLIENT_A)
    assert status == 301
    assert headers["location"].startswith("https://127.0.0.1:")
    assert "strict-transport-security" not in headers
    status, headers, _ = _call(deployment["https"], "GET", "/", client=CLIENT_A)
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=31536000")


def test_a_client_cannot_claim_https_without_the_proxy(deployment):
    """Straight to gunicorn, not through the proxy: forwarding headers from an untrusted peer count for nothing."""
    connection = http.client.HTTPConnection("127.0.0.1", deployment["backend_port"], timeout=60,
                                            source_address=(CLIENT_A, 0))
    connection.request("GET", "/library/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"})
    answer = connection.getresponse()
    answer.read()
    connection.close()
    assert answer.status == 301  # still plain HTTP: redirected, no HSTS
    assert answer.getheader("Strict-Transport-Security") is None


def test_lockout_is_per_real_client_and_a_forged_forwarded_for_changes_nothing(deployment):
    https = deployment["https"]

    def sign_in(client: str, username: str, forged: str | None = None) -> int:
        headers = {"X-Forwarded-For": forged} if forged else None
        return _call(https, "POST", "/api/v1/auth/token", client=client, headers=headers,
                     body={"username": username, "password": "wrong password 1234"})[0]

    # Client A fails from "many addresses" (a new forged first hop and username every time).
    answers = [sign_in(CLIENT_A, f"nobody{i}", forged=f"198.51.100.{i}") for i in range(4)]
    assert answers == [401, 401, 401, 429]  # the 4th failure reaches LDNCARE_ADDRESS_FAILURE_LIMIT
    assert sign_in(CLIENT_A, "someone-new", forged="203.0.113.77") == 429  # A's real address is locked
    assert sign_in(CLIENT_B, "someone-else") == 401  # B, behind the same proxy, is not
    with sqlite3.connect(deployment["db"]) as db:
        lockouts = db.execute("SELECT ip_address FROM access_auditevent WHERE object_type = 'sign_in_lockout'").fetchall()
        counted = {row[0] for row in db.execute("SELECT ip_address FROM axes_accessattempt")}
    assert lockouts
    assert {address for (address,) in lockouts} == {CLIENT_A}
    assert counted <= {CLIENT_A, CLIENT_B}  # never a forged or the proxy's address


def test_head_answers_without_a_body(deployment):
    status, headers, body = _call(deployment["https"], "HEAD", "/", client=CLIENT_B)
    assert status == 200
    assert body == b""
