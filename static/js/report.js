/* Council report and weekly picture: the print button and the interactive map of the period.
 *
 * The map adds the period's observations, patrol routes and business visits to the Folium
 * skeleton. Everything a user typed is put into the page with textContent, never as HTML.
 */
(function () {
  "use strict";

  const printButton = document.getElementById("print-report");
  if (printButton) printButton.addEventListener("click", () => window.print());

  const root = document.getElementById("report-map");
  if (!root || !window.L) return;
  const map = window[root.dataset.mapName];
  if (!map) return;
  const t = JSON.parse(root.dataset.i18n);
  const locale = root.dataset.locale === "en" ? "en-GB" : "sv-SE";
  const { el, getJson, stockholmTime } = window.TryggCommon;
  const when = (iso) => stockholmTime(iso, locale);
  const statusEl = document.getElementById("report-map-status");

  const clusters = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
  const activities = L.layerGroup();
  const areas = L.layerGroup();
  for (const layer of [areas, clusters, activities]) layer.addTo(map);
  const esc = (s) => String(s).replace(/[&<>"'`$\\]/g, (c) => "&#" + c.charCodeAt(0) + ";");
  L.control.layers(null, {
    [esc(t.observations)]: clusters,
    [esc(t.activities)]: activities,
    [esc(t.areas)]: areas,
  }, { collapsed: window.innerWidth < 700 }).addTo(map);

  function popup(title, lines) {
    const box = el("div");
    box.className = "map-popup";
    box.appendChild(el("strong", title));
    for (const line of lines) if (line) box.appendChild(el("p", line));
    return box;
  }

  function showObservations(collection) {
    const markers = [];
    const bounds = [];
    const lang = root.dataset.locale === "en" ? "en" : "sv";
    for (const feature of collection.features) {
      const [lon, lat] = feature.geometry.coordinates;
      const p = feature.properties;
      const marker = L.circleMarker([lat, lon], { radius: 7, color: "#ffffff", weight: 2, fillColor: p.color, fillOpacity: 0.95 });
      marker.bindPopup(() => popup(p.category_label[lang], [when(p.observed_at), p.note || t.no_note]));
      markers.push(marker);
      bounds.push([lat, lon]);
    }
    clusters.addLayers(markers);
    statusEl.textContent = t.shown.replace("{n}", collection.features.length.toLocaleString(locale));
    if (bounds.length) map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] });
  }

  function showActivities(collection) {
    for (const feature of collection.features) {
      const p = feature.properties;
      const lines = [when(p.started_at), p.place];
      if (feature.geometry.type === "LineString") {
        const line = L.geoJSON(feature, { style: { color: "#6a3d9a", weight: 3, opacity: 0.8 } });
        line.bindPopup(() => popup(p.name, lines));
        activities.addLayer(line);
      } else {
        const [lon, lat] = feature.geometry.coordinates;
        const marker = L.circleMarker([lat, lon], { radius: 8, color: "#5c3d00", weight: 2, fillColor: "#ffb000", fillOpacity: 1 });
        marker.bindPopup(() => popup(p.business || p.name, lines));
        activities.addLayer(marker);
      }
    }
  }

  function showAreas(collection) {
    const styles = {
      centrum: { color: "#0b3d5c", weight: 2, fillOpacity: 0.05 },
      tatort: { color: "#5a6b7b", weight: 2, dashArray: "6 4", fillOpacity: 0 },
      kommun: { color: "#333333", weight: 1.5, fillOpacity: 0 },
    };
    for (const feature of collection.features) {
      areas.addLayer(L.geoJSON(feature, { style: styles[feature.properties.kind] || styles.kommun }));
    }
  }

  statusEl.textContent = t.loading;
  getJson(root.dataset.areasUrl).then(showAreas).catch(() => {});
  Promise.all([getJson(root.dataset.observationsUrl), getJson(root.dataset.activitiesUrl)])
    .then(([observations, activityData]) => {
      showObservations(observations);
      showActivities(activityData);
    })
    .catch(() => { statusEl.textContent = t.failed; });
})();
