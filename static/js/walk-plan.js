/*
 * Planning a walk: draw the route (a GeoJSON LineString) and place ordered, named stops on the
 * map. The form posts both as JSON in hidden fields; the server validates them again.
 */
(function () {
  "use strict";

  const form = document.getElementById("walk-form");
  if (!form) return;

  // ---- errors the server sent back --------------------------------------------------------
  // Each goes once its field is changed (as activity-form.js clears its messages): a red line
  // under a field already put right reads as if it were still wrong.
  function clearFieldError(field) {
    const row = field && field.closest ? field.closest(".field.has-error") : null;
    if (!row) return;
    row.classList.remove("has-error");
    row.querySelectorAll(".error").forEach((element) => element.remove());
    row.querySelectorAll("[aria-invalid]").forEach((element) => {
      element.removeAttribute("aria-invalid");
      // field_row pointed the field at its error instead of its hint: back to the hint.
      const hint = document.getElementById(`${element.id}-hint`);
      if (hint) element.setAttribute("aria-describedby", hint.id);
      else element.removeAttribute("aria-describedby");
    });
  }
  // The end's "must come after the start" is put right by moving either time (or the day).
  const TIMES = ["day", "start_time", "end_time"];
  function clearFor(field) {
    clearFieldError(field);
    if (field && TIMES.includes(field.name)) clearFieldError(form.elements.end_time);
  }
  form.addEventListener("input", (event) => clearFor(event.target));
  form.addEventListener("change", (event) => clearFor(event.target));

  // The route's and the stops' messages stand in the box at the top; "route" or "stops".
  const errorBox = document.getElementById("walk-form-errors");
  function clearDrawingError(part) {
    if (!errorBox) return;
    errorBox.querySelectorAll(`[data-error-for="${part}"]`).forEach((element) => element.remove());
    if (!errorBox.querySelector("p")) errorBox.hidden = true;
  }

  // ---- the map editor ---------------------------------------------------------------------
  const data = window.TryggWalkMap && window.TryggWalkMap.readJson("walk-plan-data");
  if (!data || !window.L) return;

  const WM = window.TryggWalkMap;
  const strings = document.getElementById("walk-plan-strings").dataset;
  const routeInput = document.getElementById("route-input");
  const stopsInput = document.getElementById("stops-input");
  const list = document.getElementById("stop-list");
  const empty = document.getElementById("stop-list-empty");
  const lengthNote = document.querySelector("[data-route-length]");

  function parse(value, fallback) {
    if (value && typeof value === "object") return value;
    try {
      return value ? JSON.parse(value) : fallback;
    } catch (error) {
      return fallback;
    }
  }

  const route = parse(data.route, null);
  let points = route && route.coordinates ? route.coordinates.map((p) => [p[1], p[0]]) : [];
  let stops = parse(data.stops, []).map((s) => ({ id: s.id || null, name: s.name, lat: s.lat, lon: s.lon }));
  let tool = "route";

  const map = WM.create(document.getElementById("walk-plan-map"), data.map);
  const line = WM.routeLine(points).addTo(map);
  const stopLayer = window.L.layerGroup().addTo(map);

  function metres() {
    let total = 0;
    for (let i = 1; i < points.length; i += 1) total += map.distance(points[i - 1], points[i]);
    return Math.round(total);
  }

  function sync() {
    line.setLatLngs(points);
    routeInput.value = points.length >= 2
      ? JSON.stringify({ type: "LineString", coordinates: points.map((p) => [p[1], p[0]]) })
      : "";
    stopsInput.value = JSON.stringify(stops);
    lengthNote.textContent = points.length >= 2 ? strings.length.replace("{m}", String(metres())) : "";
    renderStops();
  }

  function button(text, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-small";
    element.textContent = text;
    element.addEventListener("click", onClick);
    return element;
  }

  function move(index, delta) {
    const target = index + delta;
    if (target < 0 || target >= stops.length) return;
    [stops[index], stops[target]] = [stops[target], stops[index]];
    clearDrawingError("stops");
    sync();
  }

  function renderStops() {
    list.replaceChildren();
    stopLayer.clearLayers();
    empty.hidden = stops.length > 0;
    stops.forEach((stop, index) => {
      const item = document.createElement("li");
      // The number matches the pin on the map (list markers vanish in a flex row).
      const number = document.createElement("span");
      number.className = "stop-number";
      number.setAttribute("aria-hidden", "true");
      number.textContent = String(index + 1);
      const label = document.createElement("label");
      label.className = "visually-hidden";
      label.htmlFor = `stop-name-${index}`;
      label.textContent = `${strings.stopName} ${index + 1}`;
      const input = document.createElement("input");
      input.id = `stop-name-${index}`;
      input.value = stop.name;
      input.maxLength = 120;
      input.addEventListener("input", () => {
        stop.name = input.value;
        stopsInput.value = JSON.stringify(stops);
        clearDrawingError("stops");
      });
      item.append(number, label, input,
        button(strings.up, () => move(index, -1)),
        button(strings.down, () => move(index, 1)),
        button(strings.remove, () => {
          stops.splice(index, 1);
          clearDrawingError("stops");
          sync();
        }));
      list.appendChild(item);
      const marker = WM.stopMarker(stop, index + 1);
      marker.options.draggable = true;
      marker.addTo(stopLayer);
      if (marker.dragging) marker.dragging.enable();
      marker.on("dragend", () => {
        const at = marker.getLatLng();
        stop.lat = at.lat;
        stop.lon = at.lng;
        stopsInput.value = JSON.stringify(stops);
        clearDrawingError("stops");
      });
    });
  }

  map.on("click", (event) => {
    const at = event.latlng;
    if (tool === "route") {
      points.push([at.lat, at.lng]);
    } else {
      stops.push({ id: null, name: strings.defaultName.replace("{n}", String(stops.length + 1)), lat: at.lat, lon: at.lng });
    }
    clearDrawingError(tool === "route" ? "route" : "stops");
    sync();
  });

  form.querySelectorAll("[data-tool]").forEach((element) => {
    element.addEventListener("click", () => {
      tool = element.dataset.tool;
      form.querySelectorAll("[data-tool]").forEach((b) => b.setAttribute("aria-pressed", String(b === element)));
    });
  });
  form.querySelector("[data-action=undo-route]").addEventListener("click", () => {
    points.pop();
    clearDrawingError("route");
    sync();
  });
  form.querySelector("[data-action=clear-route]").addEventListener("click", () => {
    points = [];
    clearDrawingError("route");
    sync();
  });

  sync();
  WM.fit(map, [points.length >= 2 ? line : null, ...stopLayer.getLayers()]);
})();
