/* Charts of the insights pages (Content-Security-Policy: nothing inline). The page carries the chart options as
   one JSON data block (#insights-charts, built by talentpool/insights/charts.py); every element with
   data-chart="<id>" becomes that chart. A data item with an "href" drills down: clicking it follows the link.
   The tables beside the charts carry the same figures for screen readers and for printing. */
(function () {
  "use strict";

  function start() {
    var source = document.getElementById("insights-charts");
    if (!source || typeof window.echarts === "undefined") return;
    var options = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var option = options[el.dataset.chart];
      if (!option) return;
      el.style.height = (option.series && option.series[0] && option.series[0].type === "map") ? "420px" : "320px";
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      chart.on("click", function (params) {
        if (params.data && params.data.href) window.location.href = params.data.href;
      });
      el.dataset.ready = "1";
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
