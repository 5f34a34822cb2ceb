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
  // Each stop has a key of this page only, so undoing a change keeps names typed since then.
  let nextKey = 1;
  let stops = parse(data.stops, []).map((s) => ({ key: nextKey++, id: s.id || null, name: s.name, lat: s.lat, lon: s.lon }));
  let tool = "route";

  const mapElement = document.getElementById("walk-plan-map");
  const map = WM.create(mapElement, data.map);
  // A tap adds a point or a stop: two quick taps close together (a bend in a street) were a
  // double tap that also zoomed in. The +/− buttons and pinching still zoom.
  map.doubleClickZoom.disable();
  const line = WM.routeLine(points).addTo(map);
  const stopLayer = window.L.layerGroup().addTo(map);
  const undoButton = form.querySelector("[data-action=undo]");
  const status = document.getElementById("walk-plan-status");

  // Says what a button, a tap or Enter on the map just did (a screen reader hears nothing from
  // the map itself). The same words twice in a row are still read out.
  function announce(text) {
    status.textContent = status.textContent === text ? `${text}\u00a0` : text;
  }

  function fill(template, values) {
    // A function, not a string: "$&" in a stop's name must stay as typed.
    return Object.entries(values).reduce((text, [key, value]) => text.replace(`{${key}}`, () => value), template);
  }

  // ---- undo ------------------------------------------------------------------------------
  // Every change to the drawing can be taken back, the last first: a route point, clearing the
  // route, a stop added, removed, moved in the list or dragged on the map. On a phone a finger
  // that pans the map from a pin drags that stop away, and "Clear the route" sits right under
  // "Remove last route point". Names are not part of it (the name's field has its own undo).
  const history = [];
  const HISTORY_LIMIT = 200;

  function snapshot() {
    return { points: points.map((p) => p.slice()), stops: stops.map((s) => ({ ...s })) };
  }

  function remember(state) {
    history.push(state || snapshot());
    if (history.length > HISTORY_LIMIT) history.shift();
  }

  function undo() {
    const state = history.pop();
    if (!state) return;
    const names = new Map(stops.map((s) => [s.key, s.name]));
    points = state.points;
    stops = state.stops.map((s) => (names.has(s.key) ? { ...s, name: names.get(s.key) } : s));
    clearDrawingError("route");
    clearDrawingError("stops");
    sync();
    // The button is disabled once there is nothing left to undo: keep the keyboard's place.
    if (!history.length) mapElement.focus({ preventScroll: true });
  }

  function metres() {
    let total = 0;
    for (let i = 1; i < points.length; i += 1) total += map.distance(points[i - 1], points[i]);
    return Math.round(total);
  }

  function writeStops() {
    stopsInput.value = JSON.stringify(stops.map((s) => ({ id: s.id, name: s.name, lat: s.lat, lon: s.lon })));
    undoButton.disabled = history.length === 0;
  }

  // focus: after the list is drawn again, [index, part] of the control to focus (the one the
  // keyboard was on is gone with the old list).
  function sync(focus) {
    line.setLatLngs(points);
    routeInput.value = points.length >= 2
      ? JSON.stringify({ type: "LineString", coordinates: points.map((p) => [p[1], p[0]]) })
      : "";
    lengthNote.textContent = points.length >= 2 ? strings.length.replace("{m}", String(metres())) : "";
    renderStops();
    writeStops();
    if (focus) focusInList(focus[0], focus[1]);
  }

  function focusInList(index, part) {
    const items = list.children;
    const item = items[Math.min(index, items.length - 1)];
    const target = item && item.querySelector(`[data-part="${part}"]`);
    if (target) target.focus();
    else mapElement.focus({ preventScroll: true });
  }

  function button(text, part, nameOf, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-small";
    element.textContent = text;
    element.id = `${nameOf}-${part}`;
    element.dataset.part = part;
    // "Move up" alone, once per stop, says nothing of which stop: its name goes with it.
    element.setAttribute("aria-labelledby", `${element.id} ${nameOf}`);
    element.addEventListener("click", onClick);
    return element;
  }

  function move(index, delta) {
    const target = index + delta;
    if (target < 0 || target >= stops.length) return;
    remember();
    [stops[index], stops[target]] = [stops[target], stops[index]];
    clearDrawingError("stops");
    sync([target, delta < 0 ? "up" : "down"]);
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
      const nameId = `stop-name-${index}`;
      const label = document.createElement("label");
      label.className = "visually-hidden";
      label.htmlFor = nameId;
      label.textContent = `${strings.stopName} ${index + 1}`;
      const input = document.createElement("input");
      input.id = nameId;
      input.value = stop.name;
      input.maxLength = 120;
      input.dataset.part = "name";
      const marker = WM.stopMarker(stop, index + 1);
      input.addEventListener("input", () => {
        stop.name = input.value;
        writeStops();
        clearDrawingError("stops");
        // The pin's tooltip and popup say the new name too.
        const icon = marker.getElement();
        if (icon) icon.title = stop.name;
        marker.setPopupContent(WM.textBox([`${index + 1}. ${stop.name}`]));
      });
      item.append(number, label, input,
        button(strings.here, "here", nameId, () => moveToCross(index)),
        button(strings.up, "up", nameId, () => move(index, -1)),
        button(strings.down, "down", nameId, () => move(index, 1)),
        button(strings.remove, "remove", nameId, () => {
          remember();
          stops.splice(index, 1);
          clearDrawingError("stops");
          // The keyboard goes on to the stop that took this one's place (or the one before).
          sync([index, "name"]);
        }));
      list.appendChild(item);
      marker.options.draggable = true;
      // With the route tool a tap on a pin adds a route point at the stop (the route passes
      // by it), as a tap beside it would; the pin's popup only opened, and nothing was added.
      // With the stop tool the tap still opens the popup.
      marker.off("click", marker._openPopup);
      marker.on("click", () => {
        if (tool === "route") addPoint(marker.getLatLng());
        else marker.togglePopup();
      });
      marker.addTo(stopLayer);
      if (marker.dragging) marker.dragging.enable();
      let before = null;
      marker.on("dragstart", () => {
        before = snapshot();
      });
      marker.on("dragend", () => {
        if (before) remember(before);
        before = null;
        const at = marker.getLatLng();
        stop.lat = at.lat;
        stop.lon = at.lng;
        writeStops();
        clearDrawingError("stops");
      });
    });
  }

  // ---- adding and moving ----------------------------------------------------------------
  // A new stop's name is "Stop N" with N its place in the list, or the next number not in use:
  // after a removal the count alone gave a name another stop already had.
  function defaultName() {
    const taken = new Set(stops.map((s) => s.name.trim().toLocaleLowerCase()));
    let n = stops.length + 1;
    const nameFor = (number) => fill(strings.defaultName, { n: String(number) });
    while (taken.has(nameFor(n).toLocaleLowerCase())) n += 1;
    return nameFor(n);
  }

  function addPoint(at) {
    remember();
    points.push([at.lat, at.lng]);
    clearDrawingError("route");
    sync();
    announce(fill(strings.pointAdded, { n: String(points.length) }));
  }

  function addStop(at) {
    remember();
    const name = defaultName();
    stops.push({ key: nextKey++, id: null, name, lat: at.lat, lon: at.lng });
    clearDrawingError("stops");
    sync();
    announce(fill(strings.stopAdded, { n: String(stops.length), name }));
  }

  function addWithTool(at) {
    if (tool === "route") addPoint(at);
    else addStop(at);
  }

  // The place under the cross in the map's middle: where the map stands now, not where a pan
  // of the arrow keys was still heading.
  function cross() {
    map.stop();
    return map.getCenter();
  }

  function moveToCross(index) {
    const stop = stops[index];
    const at = cross();
    remember();
    stop.lat = at.lat;
    stop.lon = at.lng;
    clearDrawingError("stops");
    sync([index, "here"]);
    announce(fill(strings.stopMoved, { name: stop.name.trim() || `${strings.stopName} ${index + 1}` }));
  }

  map.on("click", (event) => addWithTool(event.latlng));

  // Without a pointer: the arrow keys move the map (Leaflet), Enter on it or a button adds at
  // the cross, and "Move here" in the list moves a stop there (citizen-report.js does the same
  // for a resident's pin).
  mapElement.classList.add("has-crosshair");
  form.querySelector("[data-cross-tools]").hidden = false;
  document.getElementById("walk-cross-hint").hidden = false;
  form.querySelector("[data-action=point-at-cross]").addEventListener("click", () => addPoint(cross()));
  form.querySelector("[data-action=stop-at-cross]").addEventListener("click", () => addStop(cross()));
  mapElement.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.target !== mapElement) return;
    event.preventDefault(); // not the form's submit
    addWithTool(cross());
  });

  form.querySelectorAll("[data-tool]").forEach((element) => {
    element.addEventListener("click", () => {
      tool = element.dataset.tool;
      form.querySelectorAll("[data-tool]").forEach((b) => b.setAttribute("aria-pressed", String(b === element)));
    });
  });
  undoButton.addEventListener("click", undo);
  form.querySelector("[data-action=undo-route]").addEventListener("click", () => {
    if (!points.length) return;
    remember();
    points.pop();
    clearDrawingError("route");
    sync();
  });
  form.querySelector("[data-action=clear-route]").addEventListener("click", () => {
    if (!points.length) return;
    remember();
    points = [];
    clearDrawingError("route");
    sync();
  });

  sync();
  WM.fit(map, [points.length >= 2 ? line : null, ...stopLayer.getLayers()]);
})();
