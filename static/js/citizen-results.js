/*
 * Survey results: the heat map of marked places, this survey against the previous one, and the
 * share bars of the tables (widths set from data attributes: no inline styles in the HTML).
 */
(function () {
  "use strict";

  document.querySelectorAll(".survey-bar[data-share]").forEach((bar) => {
    bar.style.width = `${Math.round(Number(bar.dataset.share) * 100)}%`;
  });

  const WM = window.TryggWalkMap;
  const data = WM && WM.readJson("survey-heat-data");
  const element = document.getElementById("survey-heat");
  if (!data || !element || !window.L || !window.L.heatLayer) return;
  const map = WM.create(element, data.map);
  if (!map) return;
  map.setZoom(14);
  const options = { radius: 25, blur: 18, maxZoom: 17 };
  const current = window.L.heatLayer(data.current.map((p) => [p[0], p[1], 0.7]), options).addTo(map);
  const overlays = {};
  // Leaflet's layer control inserts names as HTML: escape the survey titles.
  const esc = (s) => String(s).replace(/[&<>"'`$\\]/g, (c) => "&#" + c.charCodeAt(0) + ";");
  overlays[esc(element.dataset.currentLabel)] = current;
  if (data.previous.length) {
    overlays[esc(element.dataset.previousLabel)] = window.L.heatLayer(
      data.previous.map((p) => [p[0], p[1], 0.7]),
      { ...options, gradient: { 0.4: "#56B4E9", 0.7: "#0072B2", 1: "#003c66" } }
    );
  }
  window.L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  const all = data.current.concat(data.previous);
  if (all.length) map.fitBounds(window.L.latLngBounds(all).pad(0.2), { maxZoom: 16 });
})();
