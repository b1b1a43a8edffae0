// Interactive charts drawn by uPlot (static/vendor/uplot, bundled: no CDN) from a JSON spec the
// server puts in the page with json_script (the CSP allows no inline script). One spec per chart:
//   {id, title, x_kind: "date"|"number", x: [...epoch s or numbers], x_label, y_label, y_range,
//    series: [{label, unit, values, dash: [..], marker: "circle"|"square"|"triangle"|"diamond"|"none",
//              colour, axis: "y"|"y2", step: bool}], y2_label, events: [{x, label, kind}],
//    ranges: [[label, days or null]], choose_series: bool, table: id of the table alternative}
// Values show in the legend on hover, on tap and with the arrow keys; lines differ by dash and
// marker as well as colour; dose steps and side effects are marked in their own lanes above the
// plot so they never cover each other or a line. Every chart has a table with the same numbers.
(function () {
  "use strict";
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var DAY_S = 86400;

  function css(name, fallback) {
    var v = getComputedStyle(document.documentElement).getPropertyValue(name);
    return (v && v.trim()) || fallback;
  }

  function fmtDate(t, withYear) {
    var d = new Date(t * 1000);
    var s = d.getUTCDate() + " " + MONTHS[d.getUTCMonth()];
    return withYear ? s + " " + d.getUTCFullYear() : s;
  }

  // Axis labels for dates: the year on the first tick and wherever it changes.
  function dateTicks(u, splits) {
    var lastYear = null;
    return splits.map(function (t) {
      var d = new Date(t * 1000), y = d.getUTCFullYear();
      var label = d.getUTCDate() + " " + MONTHS[d.getUTCMonth()];
      if (y !== lastYear) { label += "\n" + y; lastYear = y; }
      return label;
    });
  }

  function dateSplits(u, axisIdx, min, max) {
    var span_d = (max - min) / DAY_S, width = u.bbox.width / (window.devicePixelRatio || 1);
    var most = Math.max(2, Math.floor(width / 70));
    var steps = [1, 2, 7, 14, 28, 56, 91, 182, 365, 730];
    var step = steps[steps.length - 1];
    for (var i = 0; i < steps.length; i++) { if (span_d / steps[i] <= most) { step = steps[i]; break; } }
    var out = [], first = Math.ceil(min / DAY_S) * DAY_S;
    for (var t = first; t <= max + 1; t += step * DAY_S) out.push(t);
    return out;
  }

  function shapePath(shape, x, y, r) {
    var p = new Path2D();
    if (shape === "square") { p.rect(x - r, y - r, 2 * r, 2 * r); }
    else if (shape === "triangle") { p.moveTo(x, y - r * 1.2); p.lineTo(x + r * 1.1, y + r * 0.9); p.lineTo(x - r * 1.1, y + r * 0.9); p.closePath(); }
    else if (shape === "diamond") { p.moveTo(x, y - r * 1.3); p.lineTo(x + r * 1.1, y); p.lineTo(x, y + r * 1.3); p.lineTo(x - r * 1.1, y); p.closePath(); }
    else { p.moveTo(x + r, y); p.arc(x, y, r, 0, 2 * Math.PI); }
    return p;
  }

  // uPlot draws points through this: each series its own shape (not colour only).
  function markerPaths(shape, every) {
    return function (u, seriesIdx, idx0, idx1) {
      var fill = new Path2D(), xs = u.data[0], ys = u.data[seriesIdx];
      var s = u.series[seriesIdx], r = 3.5 * (window.devicePixelRatio || 1);
      for (var i = idx0; i <= idx1; i++) {
        if (ys[i] == null || i % every) continue;
        var cx = Math.round(u.valToPos(xs[i], "x", true)), cy = Math.round(u.valToPos(ys[i], s.scale, true));
        fill.addPath(shapePath(shape, cx, cy, r));
      }
      return {fill: fill, stroke: fill};
    };
  }

  function legendMarker(shape, colour, dash) {
    var svg = '<svg width="34" height="14" aria-hidden="true" focusable="false"><line x1="1" y1="7" x2="33" y2="7" stroke="' +
      colour + '" stroke-width="2"' + (dash && dash.length ? ' stroke-dasharray="' + dash.join(" ") + '"' : "") + "/>";
    var c = 17, y = 7;
    if (shape === "square") svg += '<rect x="' + (c - 4) + '" y="' + (y - 4) + '" width="8" height="8" fill="' + colour + '"/>';
    else if (shape === "triangle") svg += '<polygon points="' + c + ',2 ' + (c + 5) + ',11 ' + (c - 5) + ',11" fill="' + colour + '"/>';
    else if (shape === "diamond") svg += '<polygon points="' + c + ',1 ' + (c + 5) + ',7 ' + c + ',13 ' + (c - 5) + ',7" fill="' + colour + '"/>';
    else if (shape !== "none") svg += '<circle cx="' + c + '" cy="' + y + '" r="4" fill="' + colour + '"/>';
    return svg + "</svg>";
  }

  // Events (dose steps, side effects) in lanes above the plot, one lane per kind; in its lane an
  // event that would overlap the one before it goes one row down, so none covers another.
  var ROWS = {dose: 3, side_effect: 2};
  var ROW_PX = 13;
  function laneLayout(spec) {
    var lanes = {}, top = 2;
    (spec.events || []).forEach(function (e) {
      if (!(e.kind in lanes)) { lanes[e.kind] = {top: top, rows: ROWS[e.kind] || 1}; top += (ROWS[e.kind] || 1) * ROW_PX + 2; }
    });
    lanes.height = top === 2 ? 0 : top + 4;
    return lanes;
  }

  function eventsPlugin(spec, lanes) {
    return {
      hooks: {
        draw: function (u) {
          if (!spec.events || !spec.events.length) return;
          var ctx = u.ctx, dpr = window.devicePixelRatio || 1, plotTop = u.bbox.top, ink = css("--ink", "#1b1f24");
          var origin = plotTop - lanes.height * dpr;
          var min = u.scales.x.min, max = u.scales.x.max;
          ctx.save();
          ctx.font = (11 * dpr) + "px system-ui, sans-serif";
          ctx.textBaseline = "middle";
          var ends = {};
          spec.events.forEach(function (ev) {
            if (ev.x < min || ev.x > max) return;
            var lane = lanes[ev.kind], x = u.valToPos(ev.x, "x", true);
            var text = ev.short || "", w = (ev.kind === "dose" ? ctx.measureText("▸ " + text).width + 6 * dpr : 10 * dpr);
            var row = 0;
            while (row < lane.rows - 1 && (ends[ev.kind + row] || -1e9) > x) row++;
            ends[ev.kind + row] = Math.max(ends[ev.kind + row] || -1e9, x + w);
            var y = origin + (lane.top + row * ROW_PX + ROW_PX / 2) * dpr;
            if (ev.kind === "dose") {
              ctx.strokeStyle = css("--muted", "#4a5360"); ctx.lineWidth = dpr; ctx.setLineDash([2 * dpr, 3 * dpr]);
              ctx.beginPath(); ctx.moveTo(x, y + ROW_PX / 2 * dpr); ctx.lineTo(x, plotTop + u.bbox.height); ctx.stroke(); ctx.setLineDash([]);
              ctx.fillStyle = ink; ctx.fillText("▸ " + text, x, y);
            } else {
              ctx.fillStyle = css("--danger", "#a4161a");
              ctx.fill(shapePath("triangle", x, y, 4 * dpr));
            }
          });
          ctx.restore();
        },
      },
    };
  }

  // On a dark page the series colours are mixed with white so they keep their contrast.
  function tone(colour) {
    if (!window.matchMedia || !window.matchMedia("(prefers-color-scheme: dark)").matches || !/^#[0-9a-f]{6}$/i.test(colour)) return colour;
    var out = "#";
    for (var i = 1; i < 7; i += 2) {
      var v = parseInt(colour.slice(i, i + 2), 16);
      out += ("0" + Math.round(v + (255 - v) * 0.5).toString(16)).slice(-2);
    }
    return out;
  }

  // The plot keeps its height on a phone; the event lanes above it come on top.
  function plotHeight(width, lanes) { return (width < 500 ? 240 : 280) + (lanes.height || 0); }

  function build(spec, holder) {
    spec.series.forEach(function (s) { s.colour = tone(s.colour); });
    var grid = css("--grid", "#d5dde6"), ink = css("--ink", "#1b1f24");
    var lanes = laneLayout(spec);
    var isDate = spec.x_kind === "date";
    var series = [{label: isDate ? "Day" : "Time",
                   value: function (u, v) {
                     if (v == null) return "—";
                     if (isDate) return fmtDate(v, true);
                     var day = Math.floor(v), min = Math.round((v - day) * 1440);
                     if (min === 1440) { day += 1; min = 0; }
                     return "day " + (day + 1) + ", " + ("0" + Math.floor(min / 60)).slice(-2) + ":" + ("0" + (min % 60)).slice(-2);
                   }}];
    spec.series.forEach(function (s) {
      series.push({
        label: s.label + (s.unit ? " (" + s.unit + ")" : ""), stroke: s.colour, width: 2, dash: s.dash || [],
        scale: s.axis === "y2" ? "y2" : "y", spanGaps: true,
        paths: s.step ? uPlot.paths.stepped({align: 1}) : undefined,
        points: s.marker === "none" ? {show: false} : {show: true, size: 8, fill: s.colour, stroke: s.colour, paths: markerPaths(s.marker, spec.marker_every || 1)},
        value: function (u, v, si, idx) {
          if (idx == null) return "—";
          return v == null ? "not recorded" : (+v).toLocaleString(undefined, {maximumFractionDigits: 2});
        },
      });
    });
    var axes = [
      {stroke: ink, grid: {stroke: grid, width: 1}, ticks: {stroke: grid}, font: "12px system-ui, sans-serif",
       label: spec.x_label, labelFont: "12px system-ui, sans-serif", size: isDate ? 44 : 36,
       values: isDate ? dateTicks : undefined, splits: isDate ? dateSplits : undefined},
      {stroke: ink, grid: {stroke: grid, width: 1}, ticks: {stroke: grid}, font: "12px system-ui, sans-serif",
       label: spec.y_label, labelFont: "12px system-ui, sans-serif", size: 44},
    ];
    var scales = {x: {time: false}, y: spec.y_range ? {range: spec.y_range} : {}};
    if (spec.y2_label) {
      scales.y2 = {range: function (u, min, max) { return [0, Math.max(1, max * 1.15)]; }};
      axes.push({scale: "y2", side: 1, stroke: ink, grid: {show: false}, font: "12px system-ui, sans-serif",
                 label: spec.y2_label, labelFont: "12px system-ui, sans-serif", size: 44});
    }
    var data = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
    var width = Math.max(260, holder.clientWidth);
    var opts = {
      width: width, height: plotHeight(width, lanes), series: series, axes: axes, scales: scales,
      padding: [lanes.height || 12, 8, 0, 0],
      legend: {live: true, markers: {show: false}}, cursor: {drag: {x: false, y: false}, points: {size: 9}},
      plugins: [eventsPlugin(spec, lanes)],
    };
    var u = new uPlot(opts, data, holder);
    // the legend names each line with its dash and marker, not by colour alone
    var rows = holder.querySelectorAll(".u-legend .u-series");
    spec.series.forEach(function (s, i) {
      var label = rows[i + 1] && rows[i + 1].querySelector(".u-label");
      if (label) label.insertAdjacentHTML("afterbegin", legendMarker(s.marker, s.colour, s.dash));
    });
    return u;
  }

  function setup(figure) {
    var spec = JSON.parse(document.getElementById(figure.getAttribute("data-chart")).textContent);
    var holder = figure.querySelector("[data-chart-plot]");
    if (!holder || typeof uPlot === "undefined") return;
    holder.textContent = "";
    var u = build(spec, holder);
    figure.classList.add("chart-ready");
    var fullMin = spec.x.length ? spec.x[0] : 0, fullMax = spec.x.length ? spec.x[spec.x.length - 1] : 1;

    // date ranges: 4 weeks, 3 months, all
    figure.querySelectorAll("[data-range]").forEach(function (button) {
      button.addEventListener("click", function () {
        var days = button.getAttribute("data-range");
        var min = days === "all" ? fullMin : Math.max(fullMin, fullMax - (+days) * DAY_S);
        if (fullMax - min < DAY_S) min = fullMax - DAY_S;
        u.setScale("x", {min: min - DAY_S / 2, max: fullMax + DAY_S / 2});
        figure.querySelectorAll("[data-range]").forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
      });
    });
    var pressed = figure.querySelector('[data-range][aria-pressed="true"]');
    if (pressed) pressed.click();

    // one outcome at a time, or all
    var chooser = figure.querySelector("[data-series-choice]");
    if (chooser) {
      chooser.addEventListener("change", function () {
        var want = chooser.value;
        spec.series.forEach(function (s, i) {
          if (s.axis === "y2") return;
          u.setSeries(i + 1, {show: want === "all" || want === s.key});
        });
      });
    }

    // the arrow keys move along the days, the legend reads the values (as hover and tap do)
    var idx = null;
    holder.setAttribute("tabindex", "0");
    holder.addEventListener("keydown", function (ev) {
      if (ev.key !== "ArrowLeft" && ev.key !== "ArrowRight") return;
      ev.preventDefault();
      var n = spec.x.length;
      if (!n) return;
      idx = idx == null ? n - 1 : Math.min(n - 1, Math.max(0, idx + (ev.key === "ArrowRight" ? 1 : -1)));
      var left = u.valToPos(spec.x[idx], "x");
      if (left < 0 || left > u.bbox.width / (window.devicePixelRatio || 1)) return;
      u.setCursor({left: left, top: u.bbox.height / (window.devicePixelRatio || 1) / 2});
    });

    var resize = function () {
      var w = Math.max(260, holder.clientWidth);
      if (Math.abs(w - u.width) > 2) u.setSize({width: w, height: plotHeight(w, laneLayout(spec))});
    };
    if (typeof ResizeObserver !== "undefined") new ResizeObserver(resize).observe(figure);
    else window.addEventListener("resize", resize);
  }

  function init() { document.querySelectorAll("figure[data-chart]").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
