// Small page behaviours, loaded from this origin (the Content-Security-Policy allows no inline script).
// Delegated listeners, so forms swapped in by htmx work too.
(function () {
  document.addEventListener("input", function (event) {
    var el = event.target;
    // check-in sliders: show the chosen score in the label's <output>
    if (el.matches && el.matches(".slider input[type=range]")) {
      var out = document.getElementById(el.id + "-out");
      if (out) out.value = el.value;
    }
    // typing a dose ticks "I took my LDN dose"; clearing it unticks (works without JS too: tick by hand)
    if (el.id === "id_ldn_dose_mg") {
      var took = document.getElementById("id_took_dose");
      if (took) took.checked = el.value !== "";
    }
  });
})();
