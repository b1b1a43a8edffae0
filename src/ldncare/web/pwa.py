"""The installed app: the web app manifest and the service worker, both served from the site root.

The service worker (``templates/pwa/sw.js``) is served at ``/sw.js`` so that its scope is the whole
site; it is a same-origin script, so the Content-Security-Policy's ``script-src 'self'`` covers it
(``worker-src`` falls back to ``script-src``). It caches the app shell (styles, scripts, icons) and,
for a signed-in patient, the offline check-in page; the offline check-in itself lives in
``static/ldncare/offline.js`` (IndexedDB, synced through the JSON API).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path, reverse

from ldncare import __version__

__all__ = ["APP_NAME", "SHELL_ASSETS", "THEME_COLOR", "manifest", "service_worker"]

APP_NAME = "ldncare"
THEME_COLOR = "#0b5cad"  # the accent colour of static/ldncare/site.css
BACKGROUND_COLOR = "#ffffff"
ICON_SIZES = (192, 512)
# What every page needs, cached when the service worker installs (the app shell).
SHELL_ASSETS = ("ldncare/site.css", "ldncare/site.js", "ldncare/offline.js", "vendor/htmx/htmx.min.js",
                *(f"ldncare/icons/icon-{n}.png" for n in ICON_SIZES))


def manifest(request):
    """The web app manifest: name, icons (plain and maskable), colours; it opens on the person's home."""
    icons = []
    for size in ICON_SIZES:
        icons.append({"src": static(f"ldncare/icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
                      "purpose": "any"})
        icons.append({"src": static(f"ldncare/icons/maskable-{size}.png"), "sizes": f"{size}x{size}",
                      "type": "image/png", "purpose": "maskable"})
    body = {
        "name": "ldncare: low-dose naltrexone care", "short_name": APP_NAME, "id": "/",
        "description": "Your LDN check-in, plan, progress and care team, also offline.",
        "start_url": reverse("home"), "scope": "/", "display": "standalone", "orientation": "any",
        "theme_color": THEME_COLOR, "background_color": BACKGROUND_COLOR, "icons": icons, "lang": "en",
        "shortcuts": [{"name": "Check-in", "url": reverse("record:checkin"),
                       "icons": [{"src": static("ldncare/icons/icon-192.png"), "sizes": "192x192"}]}],
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@cache
def _worker_source() -> str:
    shell = [static(path) for path in SHELL_ASSETS] + [reverse("pwa:manifest")]
    text = render_to_string("pwa/sw.js", {
        "shell": json.dumps(shell), "offline_page": json.dumps(reverse("record:checkin-offline")),
    })
    # The cache name changes whenever the worker or the app version does: old caches are dropped.
    digest = hashlib.sha256((text + __version__).encode()).hexdigest()[:12]
    return text.replace("__CACHE_VERSION__", digest)


def service_worker(request):
    response = HttpResponse(_worker_source(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # the browser checks for a new worker on every visit
    response["Service-Worker-Allowed"] = "/"
    return response



app_name = "pwa"
urlpatterns = [
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="service-worker"),
]
