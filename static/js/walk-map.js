/*
 * Maps of a safety walk (Leaflet, served by our app): the route, numbered stops and marked
 * spots. Text from people (stop names, notes) only ever goes in through textContent.
 * Exposed as window.TryggWalkMap; draws the read-only map of a walk's page by itself.
 */
(function () {
  "use strict";

  const L = window.L;

  // Marked places are drawn above the stops' pins (marker pane, z-index 600): a place marked at
  // a stop otherwise hides under its pin. Below tooltips (650) and popups (700).
  const SPOT_PANE = "walkSpots";

  function create(element, config) {
    if (!L || !element) return null;
    const center = config.center || [59.8366, 13.144];
    const map = L.map(element, { zoomControl: true }).setView(center, 16);
    L.tileLayer(config.tile_url, { maxZoom: 19, attribution: config.attribution }).addTo(map);
    const spotPane = map.createPane(SPOT_PANE);
    spotPane.style.zIndex = "620";
    // Only the circles take taps (leaflet.css gives interactive paths pointer-events again);
    // the pane's full-size SVG must not cover the stops and the map below it.
    spotPane.style.pointerEvents = "none";
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

  // The route is a line on a casing of the opposite lightness, so it reads on light tiles, on
  // dark-filtered ones and on the bare map (#26323d in dark mode). These are the light theme's
  // colours; walks.css gives the dark theme's through the class names.
  function routeLine(latlngs) {
    const casing = L.polyline(latlngs, {
      className: "walk-route-casing", color: "#ffffff", weight: 9, opacity: 0.85, interactive: false,
    });
    const line = L.polyline(latlngs, { className: "walk-route", color: "#0b3d5c", weight: 5, opacity: 1 });
    const group = L.featureGroup([casing, line]);
    group.setLatLngs = (points) => {
      casing.setLatLngs(points);
      line.setLatLngs(points);
      return group;
    };
    return group;
  }

  function routeLayer(route) {
    if (!route || !route.coordinates || route.coordinates.length < 2) return null;
    return routeLine(route.coordinates.map((point) => [point[1], point[0]]));
  }

  // A stop is a numbered pin whose tip is the stop's place: the head stands above it, so a place
  // marked right there (drawn on top, see SPOT_PANE) leaves the number readable.
  function stopIcon(number) {
    const element = document.createElement("span");
    element.className = "stop-pin";
    const label = document.createElement("span");
    label.className = "stop-pin-number";
    label.textContent = String(number);
    element.appendChild(label);
    return L.divIcon({
      html: element, className: "stop-icon", iconSize: [28, 28], iconAnchor: [14, 34], popupAnchor: [0, -30],
    });
  }

  function stopMarker(stop, number) {
    return L.marker([stop.lat, stop.lon], { icon: stopIcon(number), keyboard: false, title: stop.name }).bindPopup(
      textBox([`${number}. ${stop.name}`])
    );
  }

  // Needs a map made by create() (it has the spots' pane).
  function spotMarker(spot, lines) {
    const marker = L.circleMarker([spot.lat, spot.lon], {
      pane: SPOT_PANE,
      className: "walk-spot",
      radius: 8,
      color: "#ffffff",
      weight: 2,
      fillColor: spot.color || "#555555",
      fillOpacity: 0.9,
    }).bindPopup(textBox(lines));
    // app.css gives every svg max-width: 100%, which shrinks the pane's drawing surface to the
    // pane's own 0 × 0 box: the circles still show but no tap reaches them. leaflet.css undoes
    // it for its overlay pane only.
    marker.on("add", () => {
      const surface = marker.getElement() && marker.getElement().ownerSVGElement;
      if (surface) {
        surface.style.maxWidth = "none";
        surface.style.maxHeight = "none";
      }
    });
    return marker;
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

  window.TryggWalkMap = { create, routeLine, routeLayer, stopMarker, spotMarker, textBox, fit, readJson };

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
