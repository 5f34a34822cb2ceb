/*
 * The coordinator's map of one resident report: the report, observations nearby (which it may
 * be merged with) and measures with a place. Text goes in through textContent (walk-map.js).
 * And the hide form's words field, shown only with the reason it belongs to.
 */
(function () {
  "use strict";

  // Hiding: the words field belongs to "Another reason" only, so it shows only with it. Hidden,
  // it is also disabled (not sent) but keeps what was typed, should the choice come back.
  const reason = document.getElementById("hide-reason");
  const noteField = document.getElementById("hide-note-field");
  if (reason && noteField) {
    const note = noteField.querySelector("textarea");
    const sync = () => {
      const other = reason.value === "other";
      noteField.hidden = !other;
      note.disabled = !other;
      note.required = other;
    };
    reason.addEventListener("change", sync);
    sync();
  }
})();

(function () {
  "use strict";

  const WM = window.TryggWalkMap;
  const data = WM && WM.readJson("moderation-data");
  const element = document.getElementById("moderation-map");
  if (!data || !element) return;
  const map = WM.create(element, data.map);
  if (!map) {
    element.hidden = true;
    return;
  }
  const report = window.L.marker([data.report.lat, data.report.lon], { keyboard: false, title: data.report.label });
  report.bindPopup(WM.textBox([data.report.label]));
  const layers = [report];
  data.observations.forEach((o) => layers.push(WM.spotMarker(o, o.lines)));
  data.measures.forEach((m) => layers.push(WM.spotMarker({ ...m, color: "#0b3d5c" }, m.lines)));
  layers.forEach((layer) => layer.addTo(map));
  WM.fit(map, layers);
})();
