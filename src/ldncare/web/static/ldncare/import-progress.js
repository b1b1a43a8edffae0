// The wearable import page: poll each running import's status (a small JSON) and show its progress;
// reload the page when one finishes, so its result shows. Without JavaScript, "Refresh" does the same.
(function () {
  "use strict";
  function poll(item) {
    var url = item.getAttribute("data-import-status");
    if (!url) { return; }
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { return; }
        if (s.finished) { window.location.reload(); return; }
        var bar = item.querySelector("progress");
        if (bar) { bar.value = s.percent; bar.textContent = s.percent + " %"; }
        var percent = item.querySelector("[data-part=percent]");
        if (percent) { percent.textContent = s.percent + " %"; }
        var state = item.querySelector("[data-part=state]");
        if (state) { state.textContent = s.state_text; }
        window.setTimeout(function () { poll(item); }, 1500);
      })
      .catch(function () { window.setTimeout(function () { poll(item); }, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-import-status]").forEach(poll);
  });
})();
