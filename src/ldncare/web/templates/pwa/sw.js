// ldncare service worker (served at /sw.js by ldncare.web.pwa; scope: the whole site).
// The app shell (styles, scripts, icons) is cached at install. Pages always come from the network;
// when it cannot be reached, a page opens from the cache if this browser saved it, and otherwise
// the offline check-in opens (a signed-in patient's browser saves it: static/ldncare/offline.js).
// No page with health data is cached: the offline check-in page holds an empty form only.
"use strict";
const CACHE = "ldncare-__CACHE_VERSION__";
const PAGES = "ldncare-pages";  // the offline check-in page; emptied at sign-out (offline.js)
const SHELL = {{ shell|safe }};
const OFFLINE_PAGE = {{ offline_page|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE && k !== PAGES).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;  // writes always go to the network (offline check-ins: IndexedDB)
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(async () => {
        const pages = await caches.open(PAGES);
        return (await pages.match(OFFLINE_PAGE))
          || new Response("<!doctype html><meta charset=utf-8><title>Offline · ldncare</title><h1>You are offline</h1>"
            + "<p>Sign in once while online to be able to check in offline.</p>",
            { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
      })
    );
    return;
  }
  if (SHELL.includes(url.pathname)) {
    // The shell: the network first (fresh after an update), the cache when offline.
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      }).catch(() => caches.match(request))
    );
  }
});

// Reminders by Web Push (ldncare.web.notify): the payload is {title, body, url, tag}, no health details.
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "ldncare", {
    body: data.body || "", tag: data.tag || "ldncare", data: { url: data.url || "/" },
    icon: SHELL.find((p) => p.includes("icon-192")) || undefined,
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) return;  // only ever open this site
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    const open = windows.find((w) => new URL(w.url).pathname === target.pathname);
    return open ? open.focus() : self.clients.openWindow(target.pathname + target.search);
  }));
});
