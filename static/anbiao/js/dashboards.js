/* 工作台 charts: ECharts over the data in #chart-data; a click opens the list behind the item. */
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || typeof echarts === "undefined") { return; }
  var charts = JSON.parse(node.textContent);
  var palette = ["#1f6feb", "#2da44e", "#bf8700", "#b42318", "#8250df"];

  function option(c) {
    var labels = c.rows.map(function (r) { return r.label; });
    var base = {
      color: palette,
      animation: false,
      tooltip: { trigger: c.kind === "pie" ? "item" : "axis", renderMode: "richText" },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" }
    };
    if (c.kind === "pie") {
      base.series = [{
        type: "pie", radius: ["35%", "65%"],
        data: c.rows.map(function (r) { return { name: r.label, value: r.values[0], url: r.url }; })
      }];
      return base;
    }
    base.xAxis = { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 40 : 0 } };
    base.yAxis = { type: "value", minInterval: 1 };
    // Bars: the count series only (a percentage would not share the axis); it is in the table.
    var series = [];
    c.series.forEach(function (name, i) {
      if (name.indexOf("%") !== -1) { return; }
      series.push({
        name: name,
        type: c.kind === "line" ? "line" : "bar",
        data: c.rows.map(function (r) { return { value: r.values[i], url: r.url }; })
      });
    });
    base.series = series;
    return base;
  }

  charts.forEach(function (c) {
    var el = document.querySelector('[data-chart="' + c.key + '"]');
    if (!el || !c.rows.length) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(c));
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) { window.location.href = url; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-ready", "1");
  });
})();
