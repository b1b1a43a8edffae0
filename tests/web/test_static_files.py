"""Static files travel compressed (issue 16): WhiteNoise sends the brotli or gzip copy of the bundled
libraries, the copies in the source tree equal their file, and the simulator and progress pages
load under 300 KB of JavaScript as it travels (the Lighthouse-style budget).

After upgrading a file in static/vendor, write its copies again:
  .venv/bin/python -c "import brotli,gzip,pathlib,sys; p=pathlib.Path(sys.argv[1]); b=p.read_bytes();
  pathlib.Path(f'{p}.br').write_bytes(brotli.compress(b)); pathlib.Path(f'{p}.gz').write_bytes(gzip.compress(b, 9, mtime=0))" FILE
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest

pytestmark = pytest.mark.django_db

VENDOR = Path(__file__).resolve().parents[2] / "src" / "ldncare" / "web" / "static" / "vendor"
BUDGET_BYTES = 300 * 1024


def _vendored() -> list[Path]:
    return sorted(p for p in VENDOR.rglob("*") if p.suffix in {".js", ".css"})


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("path", _vendored(), ids=lambda p: p.name)
def test_each_bundled_file_carries_equal_brotli_and_gzip_copies(path):
    assert brotli.decompress(Path(f"{path}.br").read_bytes()) == path.read_bytes(), f"{path}.br is stale"
    assert gzip.decompress(Path(f"{path}.gz").read_bytes()) == path.read_bytes(), f"{path}.gz is stale"


@pytest.mark.parametrize(("accept", "encoding"), [("br, gzip", "br"), ("gzip", "gzip"), ("", None)])
def test_whitenoise_sends_the_compressed_copy_the_browser_accepts(client, accept, encoding):
    r = client.get("/static/vendor/uplot/uPlot.iife.min.js", headers={"accept-encoding": accept})
    assert r.status_code == 200
    assert r.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in r["Vary"]
    body = _body(r)
    plain = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding](body)
    assert plain == (VENDOR / "uplot" / "uPlot.iife.min.js").read_bytes()


def _javascript_bytes(client, html: str) -> dict[str, int]:
    sizes = {}
    for src in re.findall(r'<script[^>]*\ssrc="([^"]+)"', html):
        r = client.get(src, headers={"accept-encoding": "br, gzip"})
        assert r.status_code == 200, src
        sizes[src] = len(_body(r))
    return sizes


@pytest.mark.parametrize("url", ["/simulator/", "/me/progress/"])
def test_a_page_loads_under_300_kb_of_javascript_as_it_travels(client, patient, url):
    from ldncare.web.record.models import CheckIn

    CheckIn.objects.create(patient=patient, date="2026-01-05", pain_score=4)
    client.force_login(patient)
    r = client.get(url)
    assert r.status_code == 200
    sizes = _javascript_bytes(client, r.content.decode())
    assert "/static/vendor/uplot/uPlot.iife.min.js" in sizes  # the chart library is counted
    assert sum(sizes.values()) < BUDGET_BYTES, sizes
