// Draws each plotly figure of the page from the JSON the server put beside it; a drawn
// figure's element gets data-rendered="true" (the browser tests wait for it).
(function () {
  "use strict";
  function draw(element) {
    var source = document.getElementById(element.dataset.figure);
    var figure = JSON.parse(source.textContent);
    var config = { displaylogo: false, responsive: true, locale: "zh-CN" };
    return Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.dataset.rendered = "true";
    });
  }
  document.querySelectorAll("[data-figure]").forEach(draw);
})();
