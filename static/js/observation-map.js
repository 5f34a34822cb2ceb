/*
 * An observation's place on a small map on its review page: a picture, not a tool. Nothing to
 * drag, zoom or tab into (no keyboard handler, so the map is no tab stop), and a swipe over it
 * scrolls the page. Without Leaflet (offline, blocked) the fallback text in the box stays; when
 * the tiles fail the point is still drawn and a line under the map says why it is blank.
 */
(function () {
  "use strict";

  const element = document.getElementById("observation-map");
  if (!element || !window.L) return;
  const data = element.dataset;
  const point = [Number(data.lat), Number(data.lon)];
  if (!point.every(Number.isFinite)) return;

  element.replaceChildren(); // the fallback text: the map takes its place
  const map = L.map(element, {
    zoomControl: false,
    dragging: false,
    touchZoom: false,
    doubleClickZoom: false,
    scrollWheelZoom: false,
    boxZoom: false,
    keyboard: false,
    tap: false,
  }).setView(point, 17);

  const status = document.getElementById("observation-map-status");
  // The attribution is configuration (an admin's text), not user input.
  L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: data.attribution })
    .on("tileerror", () => window.TryggCommon.show(status, data.textTilesFailed))
    .addTo(map);

  const accuracy = Number(data.accuracy);
  if (data.accuracy && Number.isFinite(accuracy) && accuracy > 0) {
    L.circle(point, {
      radius: accuracy, color: "#0b3d5c", weight: 1, fillOpacity: 0.08, interactive: false,
    }).addTo(map);
  }
  L.circleMarker(point, {
    radius: 8, color: "#0b3d5c", weight: 3, fillColor: "#E69F00", fillOpacity: 0.95,
    interactive: false, className: "observation-point",
  }).addTo(map);
})();
