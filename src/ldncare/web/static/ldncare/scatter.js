// The discovery charts on 'What goes with my good days?' (tracking/charts.py draws them as SVG on
// the server; the CSP allows no inline script, so this is a same-origin file). Each point says its
// day in words (aria-label and title); here that text is shown under the chart on hover, tap and
// focus, the arrow keys move between points (one tab stop per chart), and the buttons switch
// between the factor on the same day and on the day before.
(function () {
  "use strict";

  function setupView(view) {
    var points = Array.prototype.slice.call(view.querySelectorAll("circle.pt"));
    var readout = view.querySelector("[data-readout]");
    if (!points.length || !readout) return;
    // points in the order of the days they stand for (the server writes them so)
    function show(point) {
      points.forEach(function (p) { p.classList.toggle("is-current", p === point); });
      readout.textContent = point.getAttribute("aria-label");
    }
    function move(point) {
      points.forEach(function (p) { p.setAttribute("tabindex", p === point ? "0" : "-1"); });
      point.focus();
    }
    points.forEach(function (point, i) {
      point.setAttribute("tabindex", i === 0 ? "0" : "-1");
      point.addEventListener("focus", function () { show(point); });
      point.addEventListener("mouseenter", function () { show(point); });
      point.addEventListener("click", function () { move(point); });
      point.addEventListener("keydown", function (ev) {
        var next = null;
        if (ev.key === "ArrowRight" || ev.key === "ArrowDown") next = points[Math.min(points.length - 1, i + 1)];
        else if (ev.key === "ArrowLeft" || ev.key === "ArrowUp") next = points[Math.max(0, i - 1)];
        else if (ev.key === "Home") next = points[0];
        else if (ev.key === "End") next = points[points.length - 1];
        if (!next) return;
        ev.preventDefault();
        move(next);
      });
    });
  }

  function setup(figure) {
    figure.querySelectorAll(".scatter-view").forEach(setupView);
    var lags = figure.querySelector("[data-scatter-lags]");
    if (!lags) return;
    var buttons = lags.querySelectorAll("button[data-lag]");
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var lag = button.getAttribute("data-lag");
        buttons.forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
        figure.querySelectorAll(".scatter-view").forEach(function (v) { v.hidden = v.getAttribute("data-lag") !== lag; });
      });
    });
    lags.hidden = false;
  }

  function init() { document.querySelectorAll("figure[data-scatter]").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
