/*
 * Maps of a safety walk (Leaflet, served by our app): the route, numbered stops and marked
 * spots. Text from people (stop names, notes) only ever goes in through textContent.
 * Exposed as window.TryggWalkMap; draws the read-only map of a walk's page by itself.
 */
(function () {
  "use strict";

  const L = window.L;

  function create(element, config) {
    if (!L || !element) return null;
    const center = config.center || [59.8366, 13.144];
    const map = L.map(element, { zoomControl: true }).setView(center, 16);
    L.tileLayer(config.tile_url, { maxZoom: 19, attribution: config.attribution }).addTo(map);
    return map;
  }

  function textBox(lines) {
    const box = document.createElement("div");
    box.className = "map-popup";
    lines.filter(Boolean).forEach((line, index) => {
      const p = document.createElement(index === 0 ? "strong" : "p");
      p.textContent = line;
      box.appendChild(p);
    });
    return box;
  }

  function routeLayer(route) {
    if (!route || !route.coordinates || route.coordinates.length < 2) return null;
    const latlngs = route.coordinates.map((point) => [point[1], point[0]]);
    return L.polyline(latlngs, { color: "#0b3d5c", weight: 5, opacity: 0.8 });
  }

  function stopIcon(number) {
    const element = document.createElement("span");
    element.className = "stop-pin";
    element.textContent = String(number);
    return L.divIcon({ html: element, className: "stop-icon", iconSize: [28, 28], iconAnchor: [14, 14] });
  }

  function stopMarker(stop, number) {
    return L.marker([stop.lat, stop.lon], { icon: stopIcon(number), keyboard: false, title: stop.name }).bindPopup(
      textBox([`${number}. ${stop.name}`])
    );
  }

  function spotMarker(spot, lines) {
    return L.circleMarker([spot.lat, spot.lon], {
      radius: 8,
      color: "#ffffff",
      weight: 2,
      fillColor: spot.color || "#555555",
      fillOpacity: 0.9,
    }).bindPopup(textBox(lines));
  }

  function fit(map, layers) {
    const group = L.featureGroup(layers.filter(Boolean));
    if (group.getLayers().length) map.fitBounds(group.getBounds().pad(0.2), { maxZoom: 17 });
  }

  function readJson(id) {
    const element = document.getElementById(id);
    if (!element) return null;
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  window.TryggWalkMap = { create, routeLayer, stopMarker, spotMarker, textBox, fit, readJson };

  // The walk's page for police and municipality: everything read-only.
  const viewElement = document.getElementById("walk-view-map");
  const viewData = readJson("walk-view-data");
  if (viewElement && viewData) {
    const map = create(viewElement, viewData.map);
    if (!map) {
      viewElement.hidden = true;
      return;
    }
    const layers = [routeLayer(viewData.route)];
    (viewData.stops || []).forEach((stop) => layers.push(stopMarker(stop, stop.position)));
    (viewData.spots || []).forEach((spot) => layers.push(spotMarker(spot, [spot.label, spot.note])));
    layers.filter(Boolean).forEach((layer) => layer.addTo(map));
    fit(map, layers);
  }
})();
