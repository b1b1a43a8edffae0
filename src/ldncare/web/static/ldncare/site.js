// Small page behaviours, loaded from this origin (the Content-Security-Policy allows no inline script).
// Delegated listeners, so forms swapped in by htmx work too.
(function () {
  document.addEventListener("input", function (event) {
    var el = event.target;
    // check-in scores: show the chosen score (or "not recorded") in the legend's <output>
    if (el.matches && el.matches(".score-option input[type=radio]")) {
      var out = document.getElementById("id_" + el.name + "-out");
      if (out) out.value = el.value === "" ? "not recorded" : el.value;
    }
    // typing a dose ticks "I took my LDN dose"; clearing it unticks (works without JS too: tick by hand)
    if (el.id === "id_ldn_dose_mg") {
      var took = document.getElementById("id_took_dose");
      if (took) took.checked = el.value !== "";
    }
  });

  // After htmx swaps in a saved check-in, bring its result (the status and the advice, most urgent
  // first) into view and move focus there, so a phone shows it and a screen reader reads it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    var result = target && target.querySelector ? target.querySelector("[data-focus-after-swap]") : null;
    if (!result) return;
    result.scrollIntoView({ block: "start" });
    result.focus({ preventScroll: true });
  });

  // sign-up: the time zone list starts on this device's zone (Intl API), which the person can change
  function fillBrowserZone() {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    document.querySelectorAll("select[data-from-browser]").forEach(function (select) {
      if (zone && select.querySelector('option[value="' + zone.replace(/"/g, "") + '"]')) select.value = zone;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fillBrowserZone);
  else fillBrowserZone();
})();
