/* Coordinator map: data layers on top of the Folium skeleton.
 *
 * Folium draws only the base map (its popups are script sinks for user text, DESIGN §6).
 * Everything a user typed arrives here as GeoJSON and is put into the page with textContent,
 * never as HTML. Filters go to the server, which filters in the database.
 */
(function () {
  "use strict";

  const root = document.getElementById("review-map");
  if (!root) return;
  const map = window[root.dataset.mapName];
  const t = JSON.parse(root.dataset.i18n);
  const locale = root.dataset.locale === "en" ? "en-GB" : "sv-SE";
  const { el, getJson, stockholmTime } = window.TryggCommon;
  const formatTime = (iso) => stockholmTime(iso, locale);
  const statusEl = document.getElementById("map-status");
  const listBody = document.querySelector("#map-list tbody");
  const form = document.getElementById("map-filters");
  const LIST_LIMIT = 500;

  // Observations: clusters counted on the server, their heat map, the week slider.
  const observations = window.TryggClusterLayer(map, root, {
    filterParams: () => new URLSearchParams(queryString()),
    onDrawn: showCount,
    alsoHere: (marker) => alsoHere(marker),
  });
  const clusters = observations.clusters;
  const heat = observations.heat;
  const measures = L.layerGroup();
  const areas = L.layerGroup();
  // Area outlines lie under every record. They share the records' SVG, where what is drawn last
  // lies on top: when the outlines came after the records (or were switched on again), the
  // municipality's polygon covered every dot inside it and took their clicks.
  function outlinesToBack() {
    for (const layer of areas.getLayers().reverse()) layer.bringToBack();
  }
  areas.on("add", outlinesToBack);
  const walks = L.layerGroup();
  const patrols = L.layerGroup();
  const visits = L.layerGroup();
  for (const layer of [clusters, measures, walks, patrols, visits, areas]) layer.addTo(map);

  // Leaflet's layer control inserts names as HTML: escape our own labels anyway.
  const esc = (s) => String(s).replace(/[&<>"'`$\\]/g, (c) => "&#" + c.charCodeAt(0) + ";");
  const layersControl = L.control
    .layers(null, {
      [esc(t.observations)]: clusters,
      [esc(t.heat)]: heat,
      [esc(t.measures)]: measures,
      [esc(t.walks)]: walks,
      [esc(t.patrols)]: patrols,
      [esc(t.visits)]: visits,
      [esc(t.areas)]: areas,
    }, { collapsed: false })
    .addTo(map);
  foldableLayers(layersControl.getContainer());

  // The layer panel folds away behind its own button and remembers that on this device. Open by
  // default where there is room for it beside the map's content, folded on a phone.
  function foldableLayers(box) {
    const KEY = "trygg-map-layers-open";
    const list = box.querySelector(".leaflet-control-layers-list");
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "layers-toggle";
    toggle.textContent = t.layers;
    list.id = "map-layers-list";
    toggle.setAttribute("aria-controls", list.id);
    box.insertBefore(toggle, box.firstChild);
    const setOpen = (open) => {
      list.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
    };
    let saved = null;
    try {
      saved = window.localStorage.getItem(KEY);
    } catch (error) {
      // storage blocked: the default for this screen size
    }
    setOpen(saved === null ? window.innerWidth >= 900 : saved === "1");
    toggle.addEventListener("click", () => {
      setOpen(list.hidden);
      try {
        window.localStorage.setItem(KEY, list.hidden ? "0" : "1");
      } catch (error) {
        // not remembered, still folded
      }
    });
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
  }

  // As tall as the window below the filter bar, so the whole map is on the first screen.
  function fitToWindow() {
    const top = root.getBoundingClientRect().top + window.scrollY;
    const height = Math.max(320, Math.floor(window.innerHeight - top - 12));
    root.style.height = height + "px";
    map.invalidateSize();
  }
  fitToWindow();
  window.addEventListener("resize", fitToWindow);
  const moreFilters = document.querySelector(".more-filters");
  if (moreFilters) moreFilters.addEventListener("toggle", fitToWindow);

  document.querySelectorAll(".swatch[data-color]").forEach((el) => {
    el.style.backgroundColor = el.dataset.color;
  });

  function detailUrl(id) {
    return root.dataset.detailUrl.replace("__ID__", encodeURIComponent(id));
  }

  // A calendar day ("2026-12-01", parsed as UTC midnight) shown without a time-zone shift.
  function formatDay(isoDate) {
    return new Date(isoDate).toLocaleDateString(locale, { timeZone: "UTC", dateStyle: "medium" });
  }

  function categoryLabel(props) {
    return props.category_label[root.dataset.locale === "en" ? "en" : "sv"];
  }

  // The form's filters as the API reads them. Dates from the form are local days, sent as
  // "YYYY-MM-DDT00:00:00" (the server reads a time without offset as Swedish time); the "until"
  // day is included, so the API gets the next day's start. Calendar arithmetic in UTC: no time
  // zone of the browser can shift a day (toISOString of a local midnight did, east of UTC).
  function queryString() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (!value) continue;
      if (key === "until") {
        params.set(key, addDays(value, 1) + "T00:00:00");
      } else if (key === "since") {
        params.set(key, value + "T00:00:00");
      } else {
        params.set(key, value);
      }
    }
    return params.toString();
  }

  // The column headings, for the "label  value" lines of a row's card on a phone (app.css).
  const listLabels = Array.from(document.querySelectorAll("#map-list thead th"), (th) =>
    th.textContent.trim());

  function labelledCell(column, text, className) {
    const cell = el("td", null, className);
    cell.dataset.label = listLabels[column] || "";
    cell.appendChild(el("span", text, "cell"));
    return cell;
  }

  // The newest LIST_LIMIT records below the map (the map itself shows them all, counted).
  function showList(collection) {
    listBody.replaceChildren();
    const rows = document.createDocumentFragment();
    for (const feature of collection.features) {
      const props = feature.properties;
      const row = el("tr");
      row.appendChild(labelledCell(0, formatTime(props.observed_at), "when"));
      row.appendChild(labelledCell(1, categoryLabel(props)));
      const noteCell = el("td", null, "card-heading"); // the note opens the record
      const link = el("a", props.note || t.no_note);
      link.href = detailUrl(props.id);
      noteCell.appendChild(link);
      row.appendChild(noteCell);
      row.appendChild(labelledCell(3, t.statuses[props.status] || props.status));
      rows.appendChild(row);
    }
    listBody.appendChild(rows);
  }

  function showCount(shown) {
    // Measures (a few, and what a coordinator follows up) stay above the redrawn points.
    measures.eachLayer((marker) => marker.bringToFront());
    const text = (shown === 1 ? t.shown_one : t.shown).replace("{n}", shown.toLocaleString(locale));
    statusEl.textContent = text + (slider.weekMode() ? " – " + slider.label() : "");
  }

  function showMeasures(collection) {
    measures.clearLayers();
    for (const feature of collection.features) {
      const [lon, lat] = feature.geometry.coordinates;
      const p = feature.properties;
      const marker = L.circleMarker([lat, lon], {
        radius: p.overdue ? 12 : 9,
        color: p.overdue ? "#b00020" : "#0b3d5c",
        weight: p.overdue ? 4 : 2,
        fillColor: p.overdue ? "#ffdddd" : "#ffffff",
        fillOpacity: 0.9,
        dashArray: p.overdue ? "4 3" : null,
        className: p.overdue ? "measure-overdue" : "measure",
      });
      marker.hereLabel = t.measure + ": " + p.title;
      marker.bindPopup(() => {
        const box = el("div", null, "map-popup");
        box.appendChild(el("strong", p.title));
        box.appendChild(el("p", p.status_label + (p.overdue ? " – " + t.overdue : "")));
        const owner = p.owner_label + (p.owner_detail ? " – " + p.owner_detail : "");
        if (owner) box.appendChild(el("p", t.owner + ": " + owner));
        if (p.deadline) box.appendChild(el("p", t.deadline + ": " + formatDay(p.deadline)));
        const link = el("a", t.open_measure);
        link.href = p.url;
        box.appendChild(link);
        return withHere(marker, box);
      });
      measures.addLayer(marker);
    }
  }

  // What else is drawn at a marker's spot: measures and single records whose dots overlap it.
  // A measure sits on top of the record it was made from and would catch every click and tap;
  // so each popup lists the others there, each a button that opens that one's own popup.
  function alsoHere(marker) {
    if (!marker._map) return null;
    const at = map.latLngToLayerPoint(marker.getLatLng());
    const dots = [measures, walks, visits].flatMap((group) => group.getLayers());
    const others = [...dots, ...observations.points()].filter((other) =>
      other !== marker && other._map && other.hereLabel && other.getRadius &&
      at.distanceTo(map.latLngToLayerPoint(other.getLatLng())) <= marker.getRadius() + other.getRadius() + 2);
    if (!others.length) return null;
    const section = el("div", null, "map-popup-here");
    section.appendChild(el("p", t.also_here, "map-popup-here-title"));
    const list = el("ul");
    for (const other of others) {
      const button = el("button", other.hereLabel, "link-button");
      button.type = "button";
      button.addEventListener("click", () => {
        other.openPopup(); // closes this one (one popup at a time)
        const popup = other.getPopup() && other.getPopup().getElement();
        const target = popup && popup.querySelector(".map-popup a, .map-popup button");
        if (target) target.focus({ preventScroll: true });
      });
      const item = el("li");
      item.appendChild(button);
      list.appendChild(item);
    }
    section.appendChild(list);
    return section;
  }

  function withHere(marker, box) {
    const here = alsoHere(marker);
    if (here) box.appendChild(here);
    return box;
  }

  function showAreas(collection) {
    areas.clearLayers();
    const styles = {
      centrum: { color: "#0b3d5c", weight: 2, fillOpacity: 0.05 },
      tatort: { color: "#5a6b7b", weight: 2, dashArray: "6 4", fillOpacity: 0 },
      kommun: { color: "#333333", weight: 1.5, fillOpacity: 0 },
    };
    for (const feature of collection.features) {
      const style = styles[feature.properties.kind] || styles.kommun;
      // A light casing under the outline, shown in dark mode only (review.css): the dark line
      // alone all but vanished on the dark map where no tile is drawn.
      areas.addLayer(L.geoJSON(feature, {
        style: { color: "#ffffff", weight: style.weight + 3, opacity: 0.75, fill: false, className: "map-area-casing" },
        interactive: false,
      }));
      const layer = L.geoJSON(feature, { style });
      const name = feature.properties.name + (feature.properties.approximate ? " (" + t.approximate + ")" : "");
      layer.bindTooltip(() => el("span", name), { sticky: true });
      areas.addLayer(layer);
    }
    if (map.hasLayer(areas)) outlinesToBack();
  }

  // Average "feeling of safety" 0..3 from red (unsafe) to green (safe); grey when unrated.
  function feelingColour(value) {
    if (value === null || value === undefined) return "#777777";
    return ["#b00020", "#e66100", "#c9a100", "#1b7f3b"][Math.max(0, Math.min(3, Math.round(value)))];
  }

  function linkBox(title, lines, url, linkText) {
    const box = el("div", null, "map-popup");
    box.appendChild(el("strong", title));
    for (const line of lines) if (line) box.appendChild(el("p", line));
    const link = el("a", linkText);
    link.href = url;
    box.appendChild(link);
    return box;
  }

  function showWalks(collection) {
    walks.clearLayers();
    for (const feature of collection.features) {
      const p = feature.properties;
      const when = formatTime(p.starts_at);
      if (p.kind === "route") {
        const line = L.geoJSON(feature, { style: { color: "#1b7f3b", weight: 4, dashArray: "8 6" } });
        line.bindPopup(() => linkBox(p.walk, [when], p.url, t.open_walk));
        walks.addLayer(line);
        continue;
      }
      const [lon, lat] = feature.geometry.coordinates;
      const marker = L.circleMarker([lat, lon], {
        radius: 9, color: "#ffffff", weight: 2, fillColor: feelingColour(p.feeling), fillOpacity: 1,
      });
      const rating = p.feeling === null ? t.not_rated : t.feeling + ": " + p.feeling.toLocaleString(locale);
      marker.hereLabel = p.name + " (" + p.walk + ")";
      marker.bindPopup(() => withHere(marker, linkBox(p.name, [p.walk + " – " + when, rating], p.url, t.open_walk)));
      walks.addLayer(marker);
    }
  }

  function showActivities(collection) {
    patrols.clearLayers();
    visits.clearLayers();
    for (const feature of collection.features) {
      const p = feature.properties;
      const when = formatTime(p.started_at);
      if (feature.geometry.type === "LineString") {
        const line = L.geoJSON(feature, { style: { color: "#6a3d9a", weight: 3, opacity: 0.8 } });
        const length = p.length_m ? Math.round(p.length_m).toLocaleString(locale) + " m" : "";
        line.bindPopup(() => linkBox(p.name, [when, length], p.url, t.open_activity));
        patrols.addLayer(line);
      } else if (p.kind === "business_visit") {
        const [lon, lat] = feature.geometry.coordinates;
        const marker = L.circleMarker([lat, lon], {
          radius: 8, color: "#5c3d00", weight: 2, fillColor: "#ffb000", fillOpacity: 1,
        });
        const where = p.outside_tatort === null ? "" : p.outside_tatort ? t.outside : t.inside;
        marker.hereLabel = p.business || p.name;
        marker.bindPopup(() => withHere(marker, linkBox(p.business || p.name, [when, p.place, where], p.url, t.open_activity)));
        visits.addLayer(marker);
      }
    }
  }

  // ---- the filters in the address: a filtered view can be bookmarked, sent and got back ----
  // The page's own query holds the form's values as typed (days, codes, ids); "Show" adds a
  // history entry, so Back returns to the filters before. Values are checked against the form:
  // an unknown option or a malformed day is left out, never put into the page.
  const fields = Array.from(form.elements).filter((field) => field.name);
  function formState() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) params.set(key, value);
    return params;
  }
  function fillForm(params) {
    let more = false;
    for (const field of fields) {
      let value = params.get(field.name) || "";
      if (field.type === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(value)) value = "";
      if (field.tagName === "SELECT" && !Array.from(field.options).some((o) => o.value === value)) value = "";
      field.value = value;
      if (value && moreFilters && moreFilters.contains(field)) more = true;
    }
    if (more) moreFilters.open = true;
  }
  const filtered = () => formState().toString() !== "";

  // Zoom to what the filters keep (after "Show", or a filtered address opened), not beyond a
  // street's level; a plain pan or zoom never moves the map by itself.
  const FIT_MAX_ZOOM = 17;
  async function fitToRecords(qs) {
    const answer = await getJson(root.dataset.extentUrl + "?" + qs);
    if (!answer.count || !answer.bbox) return;
    const [minLon, minLat, maxLon, maxLat] = answer.bbox;
    const small = window.innerWidth < 600;
    map.fitBounds([[minLat, minLon], [maxLat, maxLon]], {
      maxZoom: FIT_MAX_ZOOM, padding: small ? [24, 24] : [48, 48], animate: false,
    });
  }

  async function load({ fit = false } = {}) {
    statusEl.textContent = t.loading;
    try {
      const qs = queryString();
      const period = new URLSearchParams();
      for (const key of ["since", "until"]) {
        const value = new URLSearchParams(qs).get(key);
        if (value) period.set(key, value);
      }
      const periodQs = period.toString() ? "?" + period.toString() : "";
      const listQs = new URLSearchParams(qs);
      listQs.set("limit", String(LIST_LIMIT));
      observations.clearCache();
      slider.setWeeks(periodWeeks(new URLSearchParams(qs)));
      if (fit && filtered()) await fitToRecords(qs);
      // The map's clusters first: what the coordinator looks at; the rest after (on two cores
      // the list's 500 records would otherwise compete with them).
      await observations.reload();
      const [list, measureData, walkData, activityData] = await Promise.all([
        getJson(root.dataset.observationsUrl + "?" + listQs),
        getJson(root.dataset.measuresUrl),
        getJson(root.dataset.walksUrl + periodQs),
        getJson(root.dataset.activitiesUrl + periodQs),
      ]);
      showList(list);
      showMeasures(measureData);
      showWalks(walkData);
      showActivities(activityData);
      // Measures over the routes and stops drawn after them, as after every redraw.
      measures.eachLayer((marker) => marker.bringToFront());
    } catch (error) {
      statusEl.textContent = t.failed;
    }
  }

  // ---- the week slider: one local week per frame over the chosen period ------------------
  const DAY = 86400000;
  // Calendar days as UTC midnights: no time zone can shift them. The server reads a time
  // without offset as Swedish time, so "YYYY-MM-DDT00:00:00" is that local day's start.
  const isoDay = (d) => d.toISOString().slice(0, 10);
  const dayTime = (day) => new Date(day + "T00:00:00Z").getTime();
  function addDays(day, n) {
    return isoDay(new Date(dayTime(day) + n * DAY));
  }
  function monday(day) {
    const d = new Date(day + "T00:00:00Z");
    return isoDay(new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY));
  }

  // The period's weeks, each cut to the period: {start: its Monday, from: the first day counted,
  // until: the day after the last one counted}. A week the period's edge cuts through counts
  // only its days inside the period (the map shows the period's records, so must its weeks).
  function periodWeeks(params) {
    const today = isoDay(new Date(Date.now() + 3600000)); // about Swedish time
    const until = (params.get("until") || "").slice(0, 10) || addDays(monday(today), 7);
    const since = (params.get("since") || "").slice(0, 10) || addDays(until, -52 * 7);
    const weeks = [];
    for (let w = monday(since); w < until && weeks.length < 520; w = addDays(w, 7)) {
      const next = addDays(w, 7);
      weeks.push({ start: w, from: w < since ? since : w, until: next > until ? until : next });
    }
    return weeks;
  }

  function isoWeekNumber(day) {
    const d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
    const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
    return Math.ceil(((d.getTime() - yearStart) / DAY + 1) / 7);
  }

  const slider = (function () {
    const byWeek = document.getElementById("by-week");
    const range = document.getElementById("week");
    const out = document.getElementById("week-label");
    const play = document.getElementById("week-play");
    const reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const FRAME_MS = reduced ? 2500 : 1200;
    let weeks = [];
    let index = -1; // none yet: the latest week once the weeks are known
    let timer = null;
    let playing = false;

    const on = () => byWeek.checked && weeks.length > 0;
    // Records inside both the week and the period.
    function frame(i) {
      return { since: weeks[i].from + "T00:00:00", until: weeks[i].until + "T00:00:00" };
    }
    // "Week 48 (24 Nov 2026 – 30 Nov 2026)": the days counted, and whether the period cut them.
    function label() {
      const week = weeks[index];
      if (!week) return "";
      const day = (iso) => new Date(iso + "T00:00:00Z").toLocaleDateString(locale, { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });
      const last = addDays(week.until, -1);
      const days = week.from === last ? day(last) : day(week.from) + " – " + day(last);
      const cut = week.from !== week.start || week.until !== addDays(week.start, 7);
      return t.week.replace("{n}", isoWeekNumber(week.start)) + " (" + days + (cut ? ", " + t.week_part : "") + ")";
    }
    function show() {
      range.value = String(index);
      out.textContent = on() ? label() : "";
      range.setAttribute("aria-valuetext", label());
      observations.setPeriod(on() ? frame(index) : null);
    }
    function go(i) {
      index = Math.max(0, Math.min(weeks.length - 1, i));
      show();
      return observations.reload().catch(() => { statusEl.textContent = t.failed; });
    }
    function stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      playing = false;
      play.setAttribute("aria-pressed", "false");
      play.textContent = t.play;
    }
    function tick() {
      if (index >= weeks.length - 1) return stop();
      const next = index + 1;
      if (next + 1 < weeks.length) observations.prefetch(frame(next + 1)); // the frame after
      go(next).then(() => { if (playing) timer = setTimeout(tick, FRAME_MS); });
    }
    byWeek.addEventListener("change", () => {
      range.disabled = !byWeek.checked;
      if (!byWeek.checked) stop();
      go(index);
    });
    range.addEventListener("input", () => { stop(); go(Number(range.value)); });
    play.addEventListener("click", () => {
      if (playing) return stop();
      playing = true;
      if (!byWeek.checked) {
        byWeek.checked = true;
        range.disabled = false;
      }
      if (index >= weeks.length - 1) index = 0;
      play.setAttribute("aria-pressed", "true");
      play.textContent = t.pause;
      go(index).then(() => { if (playing) timer = setTimeout(tick, FRAME_MS); });
    });
    range.disabled = true; // play also switches the week mode on
    // On a phone the map keeps the first screen: the slider goes just below it.
    if (window.innerWidth < 600) {
      root.after(document.getElementById("week-slider"));
      fitToWindow();
    }

    play.textContent = t.play;
    return {
      weekMode: on,
      label,
      stop,
      setWeeks(list) {
        weeks = list;
        range.min = "0";
        range.max = String(Math.max(0, weeks.length - 1));
        // "One week at a time" opens on the latest week, the one a coordinator asks about
        // (the oldest was often empty); Play still runs from the first week on.
        if (index < 0 || index >= weeks.length) index = Math.max(0, weeks.length - 1);
        show();
      },
    };
  })();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    slider.stop();
    const qs = formState().toString();
    if (qs !== window.location.search.replace(/^\?/, "")) {
      window.history.pushState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
    }
    load({ fit: true });
  });
  // Back and Forward: the filters of that entry, on the map and in the trends.
  window.addEventListener("popstate", () => {
    slider.stop();
    fillForm(new URLSearchParams(window.location.search));
    form.dispatchEvent(new Event("filters-restored"));
    load({ fit: true });
  });
  getJson(root.dataset.areasUrl).then(showAreas).catch(() => {});
  fillForm(new URLSearchParams(window.location.search));
  load({ fit: true });
})();
