// The installed app's offline check-in (no inline script: the Content-Security-Policy forbids it).
//
// * Registers the service worker (/sw.js, ldncare.web.pwa) and, for a signed-in patient, lets it keep
//   the offline check-in page (an empty form) so that the check-in opens without a connection.
// * A check-in saved while offline is kept in this browser (IndexedDB "ldncare-offline", store
//   "outbox") with a UUID made here, then sent through the JSON API (POST /api/v1/patients/{id}/diary)
//   with that UUID as the entry's id and as its Idempotency-Key: a retry after a lost answer changes
//   nothing, so a day is stored once. The session and a fresh CSRF token come from
//   /me/checkin/offline/session/ (same-origin JSON), as for any form of the site.
// * Every element marked [data-sync-status] says what is waiting to be sent.
(function () {
  "use strict";
  var body = document.body;
  var cfg = body ? body.dataset : {};
  var DB_NAME = "ldncare-offline";
  var STORE = "outbox";
  var PAGES = "ldncare-pages";

  if ("serviceWorker" in navigator && cfg.serviceWorker) {
    navigator.serviceWorker.register(cfg.serviceWorker, { scope: "/" }).then(function () {
      if (cfg.offlinePage && "caches" in window) keepOfflinePage();
    }).catch(function () { /* no worker (e.g. a private window): the site works online as before */ });
  }

  // Keep the offline check-in page for this patient (re-fetched on each online visit: its CSRF token
  // and its form stay current). Signed out: drop it, so nobody else's form is kept on a shared device.
  function keepOfflinePage() {
    if (!navigator.onLine || sessionStorage.getItem("ldncare-offline-kept") === cfg.offlinePage) return;
    fetch(cfg.offlinePage, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.redirected) return;
      return caches.open(PAGES).then(function (cache) { return cache.put(cfg.offlinePage, response); })
        .then(function () { sessionStorage.setItem("ldncare-offline-kept", cfg.offlinePage); });
    }).catch(function () {});
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.matches || !form.matches("form[data-sign-out]")) return;
    sessionStorage.removeItem("ldncare-offline-kept");
    if ("caches" in window) caches.delete(PAGES);
  }, true);

  // --- the outbox (IndexedDB) ---------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = action(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }
  function waiting() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function keep(entry) { return withStore("readwrite", function (store) { return store.put(entry); }); }
  function drop(id) { return withStore("readwrite", function (store) { return store.delete(id); }); }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function localToday() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function dayText(iso) {
    var parts = iso.split("-").map(Number);
    var d = new Date(parts[0], parts[1] - 1, parts[2]);
    return d.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric" });
  }

  // --- a check-in form as the API's entry ----------------------------------------------------
  function fieldError(form, name, text) {
    var input = form.querySelector('[name="' + name + '"]');
    if (!input) return;
    var holder = input.closest(".field, fieldset") || input.parentNode;
    var box = document.createElement("div");
    box.className = "field-errors offline-error";
    box.setAttribute("role", "alert");
    box.textContent = text;
    holder.appendChild(box);
  }
  function entryFrom(form) {
    form.querySelectorAll(".offline-error").forEach(function (el) { el.remove(); });
    var data = new FormData(form);
    var text = function (name) { return String(data.get(name) || "").trim(); };
    var score = function (name) { return text(name) === "" ? null : Number(text(name)); };
    var took = data.get("took_dose") === "on";
    var day = text("date");
    var ok = true;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) { fieldError(form, "date", "Choose the day of this check-in."); ok = false; }
    else if (day < "2000-01-01" || day > localToday()) {
      fieldError(form, "date", "Day " + day + " is not allowed: choose a day from 2000-01-01 to today."); ok = false;
    }
    if (took && text("ldn_dose_mg") === "") {
      fieldError(form, "ldn_dose_mg", "Give the dose you took, or untick “I took my LDN dose”."); ok = false;
    }
    // "Something else?": the words need their severity, and a severity its words (the server checks the rest).
    var symptom = text("symptom"), symptomSeverity = text("symptom_severity");
    if (symptom && !symptomSeverity) {
      fieldError(form, "symptom_severity", "Say how bad it is: mild, moderate or severe."); ok = false;
    } else if (!symptom && symptomSeverity) {
      fieldError(form, "symptom", "Describe the symptom, or leave its severity empty."); ok = false;
    }
    if (!ok) return null;
    var payload = {
      id: uuid4(), date: day,
      ldn_dose_mg: took ? text("ldn_dose_mg") : null, dose_time: took && text("dose_time") ? text("dose_time") : null,
      pain_score: score("pain_score"), fatigue_score: score("fatigue_score"),
      sleep_quality_score: score("sleep_quality_score"), mood_score: score("mood_score"),
      pgic_score: score("pgic_score"), notes: String(data.get("notes") || ""), side_effects: [],
      symptoms: symptom ? [{ text: symptom, severity: symptomSeverity }] : []
    };
    data.forEach(function (value, name) {
      if (name.indexOf("se_") === 0 && value) payload.side_effects.push({ id: name.slice(3), severity: String(value) });
    });
    // Her own outcomes and factors (tracking/_checkin_tracked.html): every one on the page, blank as null.
    form.querySelectorAll("[data-tracked]").forEach(function (box) {
      payload.tracked = payload.tracked || {};
      payload.tracked[box.dataset.tracked] = score(box.dataset.trackedField);
    });
    return { id: payload.id, patient: form.dataset.patient, savedAt: new Date().toISOString(), payload: payload };
  }

  // Urgent advice does not wait for the connection: the page carries the day-0 triage of every
  // side effect that needs action (record.views.offline_advice, from ldncare.core.safety), most urgent
  // first (each card's rank follows ALERT_OUTCOMES). Typed words are read by the server only: offline they
  // get the core's answer for words it has not recognised, with the urgent-care line.
  function urgentAdvice(entry) {
    var source = document.getElementById("offline-advice");
    if (!source) return [];
    var table = JSON.parse(source.textContent);
    var cards = entry.payload.side_effects.map(function (s) { return table[s.id + ":" + s.severity]; });
    (entry.payload.symptoms || []).forEach(function (s) {
      var card = table["symptom-text:" + s.severity];
      if (card) cards.push(Object.assign({}, card, { reportedText: s.text }));
    });
    return cards.filter(Boolean).map(function (card, i) { return { card: card, i: i }; })
      .sort(function (a, b) { return (a.card.rank - b.card.rank) || (a.i - b.i); })
      .map(function (x) { return x.card; });
  }

  function showSavedHere(form, entry) {
    var old = document.getElementById("offline-saved");
    if (old) old.remove();
    var box = document.createElement("div");
    box.id = "offline-saved";
    box.className = "saved";
    box.setAttribute("role", "status");
    box.tabIndex = -1;
    var p = document.createElement("p");
    p.innerHTML = "<strong>Saved on this device</strong> ";
    p.appendChild(document.createTextNode("your check-in for " + dayText(entry.payload.date) + ". "
      + (navigator.onLine ? "Sending it now." : "It will be sent when you are back online.")));
    box.appendChild(p);
    urgentAdvice(entry).forEach(function (card) {
      var article = document.createElement("article");
      article.className = "finding level-" + card.urgency;
      var h = document.createElement("h3");
      h.textContent = (card.reportedText ? "“" + card.reportedText + "”" : card.name) + " (" + card.severity + "): "
        + card.headline;
      var text = document.createElement("p");
      text.textContent = card.explanation;
      var wait = document.createElement("p");
      wait.innerHTML = "<strong>Do not wait for this check-in to be sent: nobody has been told yet.</strong>";
      article.appendChild(h); article.appendChild(text); article.appendChild(wait);
      box.appendChild(article);
    });
    form.parentNode.insertBefore(box, form);
    box.scrollIntoView({ block: "start" });
    box.focus({ preventScroll: true });
  }

  // Offline, a check-in form is kept here instead of being posted (the capture phase runs before htmx's handler).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.matches || !form.matches("form[data-offline-checkin]")) return;
    if (navigator.onLine && !form.hasAttribute("data-offline-page")) return;  // online: the normal page
    event.preventDefault();
    event.stopPropagation();
    var entry = entryFrom(form);
    if (!entry) return;
    keep(entry).then(function () {
      showSavedHere(form, entry);
      if (form.hasAttribute("data-offline-page")) { form.reset(); setToday(); }
      return render();
    }).then(sync);
  }, true);

  // --- sending ----------------------------------------------------------------------------------
  var sending = false;
  var problem = "";
  function problemText(body, status) {
    var errors = (body && body.errors) || [];
    var text = errors.map(function (e) { return e.msg; }).filter(Boolean).join("; ") || (body && body.detail) || "";
    return (status === 409 ? "This day already has a check-in: open the day and add what is missing. " : "Refused: ")
      + text;
  }
  function send(entry, session) {
    return fetch(session.diary_url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": session.csrf_token, "Idempotency-Key": entry.id },
      body: JSON.stringify(entry.payload)
    }).then(function (response) {
      if (response.status === 201) return drop(entry.id);
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 409 || response.status === 422) {
          entry.problem = problemText(body, response.status);
          return keep(entry);
        }
        throw new Error("the server answered " + response.status);
      });
    });
  }
  function sync() {
    if (sending || !navigator.onLine || !cfg.offlineSession) return Promise.resolve();
    sending = true;
    return waiting().then(function (entries) {
      var ready = entries.filter(function (e) { return !e.problem; });
      if (!ready.length) return;
      return fetch(cfg.offlineSession, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (!response.ok || type.indexOf("application/json") !== 0) throw new Error("signed-out");
          return response.json();
        }).then(function (session) {
          var mine = ready.filter(function (e) { return e.patient === session.patient_id; });
          return mine.reduce(function (chain, e) { return chain.then(function () { return send(e, session); }); },
                             Promise.resolve());
        });
    }).then(function () { problem = ""; }, function (error) {
      problem = error && error.message === "signed-out" ? "Sign in to send them." : "Not sent yet: " + error.message + ".";
    }).then(function () { sending = false; return render(); });
  }

  // --- what is waiting ------------------------------------------------------------------------
  function render() {
    var boxes = document.querySelectorAll("[data-sync-status]");
    if (!boxes.length || !("indexedDB" in window)) return Promise.resolve();
    return waiting().then(function (entries) {
      boxes.forEach(function (box) {
        box.textContent = "";
        box.classList.toggle("sync-empty", !entries.length);
        if (!entries.length) {
          box.hidden = !box.hasAttribute("data-sync-always");
          box.textContent = "Nothing is waiting to be sent.";
          return;
        }
        box.hidden = false;
        var head = document.createElement("p");
        head.innerHTML = "<strong></strong>";
        head.firstChild.textContent = entries.length + " check-in" + (entries.length === 1 ? "" : "s")
          + " waiting to be sent" + (navigator.onLine ? "" : " (offline)") + ".";
        if (problem) head.appendChild(document.createTextNode(" " + problem));
        box.appendChild(head);
        var list = document.createElement("ul");
        entries.sort(function (a, b) { return a.payload.date < b.payload.date ? -1 : 1; }).forEach(function (e) {
          var item = document.createElement("li");
          item.textContent = dayText(e.payload.date) + (e.problem ? ": " + e.problem : "");
          if (e.problem) {
            var discard = document.createElement("button");
            discard.type = "button";
            discard.className = "link";
            discard.textContent = "Discard this one";
            discard.setAttribute("aria-label", "Discard the waiting check-in for " + dayText(e.payload.date));
            discard.addEventListener("click", function () { drop(e.id).then(render); });
            item.appendChild(document.createTextNode(" "));
            item.appendChild(discard);
          }
          list.appendChild(item);
        });
        box.appendChild(list);
      });
    }).catch(function () {});
  }

  window.addEventListener("online", function () { sync(); });
  window.addEventListener("offline", render);
  if ("indexedDB" in window) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { render().then(sync); });
    else render().then(sync);
  }
  function setToday() {
    document.querySelectorAll("input[data-today]").forEach(function (input) { input.value = localToday(); input.max = localToday(); });
  }
  setToday();
})();
