/*
 * One patrol on a map: its route, its area and the observations made on the way.
 * Everything arrives as data in the element's data-map attribute; user text (notes) is put into
 * popups with textContent only, never as HTML.
 */
(function () {
  "use strict";

  const element = document.getElementById("patrol-map");
  if (!element || !window.L) return;
  const data = JSON.parse(element.dataset.map);
  const text = element.dataset;

  const map = L.map(element, { scrollWheelZoom: false }).setView(data.center, 15);
  // The attribution is configuration (an admin's text), not user input.
  L.tileLayer(data.tile_url, { maxZoom: 19, attribution: data.attribution }).addTo(map);

  const bounds = [];
  if (data.area) {
    const area = L.geoJSON(data.area, {
      style: { color: "#0b3d5c", weight: 1, fillOpacity: 0.05, dashArray: "4 4" },
      interactive: false,
    }).addTo(map);
    if (!data.route && !data.observations.length) bounds.push(area.getBounds());
  }
  if (data.route) {
    const line = L.geoJSON(data.route, { style: { color: "#b22222", weight: 4 } }).addTo(map);
    bounds.push(line.getBounds());
  }

  function popup(observation) {
    const box = document.createElement("div");
    const title = document.createElement("strong");
    title.textContent = observation.label;
    const note = document.createElement("p");
    note.textContent = observation.note || text.textNoNote;
    const link = document.createElement("a");
    link.href = observation.url;
    link.textContent = text.textOpen;
    box.append(title, note, link);
    return box;
  }

  data.observations.forEach((observation) => {
    const marker = L.circleMarker([observation.lat, observation.lon], {
      radius: 7,
      color: "#0b3d5c",
      fillColor: observation.color || "#555555",
      fillOpacity: 0.9,
    }).addTo(map);
    marker.bindPopup(() => popup(observation));
    bounds.push(L.latLngBounds([[observation.lat, observation.lon]]));
  });

  if (bounds.length) {
    const all = bounds.reduce((acc, b) => acc.extend(b), L.latLngBounds(bounds[0].getSouthWest(), bounds[0].getNorthEast()));
    map.fitBounds(all, { padding: [20, 20], maxZoom: 17 });
  }
})();
