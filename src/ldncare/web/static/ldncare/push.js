// Reminders as notifications of the installed app (Web Push), from the reminders page: ask the
// browser's permission, subscribe with the server's VAPID key and register the subscription through
// the JSON API (same origin, the page's CSRF token). No inline script: the CSP forbids it.
(function () {
  "use strict";
  var box = document.querySelector("[data-push]");
  if (!box) return;
  var status = box.querySelector("[data-push-status]");
  var button = box.querySelector("[data-push-enable]");
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  function say(text) { if (status) status.textContent = text; }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("This browser cannot show app notifications. Choose e-mail instead.");
    return;
  }
  function base64ToBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function post(subscription) {
    return fetch(box.dataset.subscribeUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(subscription.toJSON()),
    }).then(function (response) {
      if (!response.ok) throw new Error("the server said " + response.status);
    });
  }
  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (existing) {
    if (existing) say("Notifications are on for this device.");
    if (button) button.hidden = false;
  });
  if (button) button.addEventListener("click", function () {
    say("Asking this browser for permission…");
    Notification.requestPermission().then(function (answer) {
      if (answer !== "granted") throw new Error("notifications are blocked for this site in the browser's settings");
      return fetch(box.dataset.keyUrl, { credentials: "same-origin" });
    }).then(function (response) {
      if (!response.ok) throw new Error("this server does not send app notifications");
      return response.json();
    }).then(function (key) {
      return navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.subscribe({ userVisibleOnly: true,
                                                    applicationServerKey: base64ToBytes(key.public_key) });
      });
    }).then(post).then(function () {
      say("Notifications are on for this device. Tick “Notification from the installed app” and save.");
    }).catch(function (error) { say("Not turned on: " + error.message + "."); });
  });
})();
