// Draws the simulator's charts with the Plotly bundled in the plotly Python package.
(function () {
  function draw() {
    var data = document.getElementById("sim-data");
    if (!data || typeof Plotly === "undefined") return;
    var figures = JSON.parse(data.textContent);
    figures.forEach(function (fig) {
      var el = document.getElementById(fig.id);
      if (!el) return;
      el.innerHTML = "";
      Plotly.newPlot(el, fig.data, fig.layout, {responsive: true, displaylogo: false});
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
