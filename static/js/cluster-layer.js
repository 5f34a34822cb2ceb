/* Observations on the coordinator's map as server-side clusters, their heat map, and the week
 * slider (issue 18).
 *
 * The server counts per map cell (GET /api/v1/map/clusters, webapp/map/clusters.py); this file
 * asks only for the 256 px tiles it has not seen with these filters, keeps the answers per tile
 * in a Map in this page (never localStorage: counts of police records must not outlive the
 * page), and draws a circle per cell with its count and category mix, single points where a
 * cell is small, and the heat map from the same cells. No answer carries user text: a point's
 * note comes from GET /api/v1/observations/<id> when it is opened, and goes in by textContent.
 *
 * window.TryggClusterLayer(map, root, { filterParams, onDrawn, alsoHere }) -> { clusters, heat, reload,
 * points, ... }; alsoHere(marker), if given, returns what else lies at a point's spot (an element
 * for its popup, or null).
 */
(function () {
  "use strict";

  const TILE = 256;
  const MAX_TILES = 64; // the server refuses more in one request
  const MARGIN = 1; // tiles fetched beyond the view on each side, so a small pan is instant
  const CACHE_MAX = 4000;

  window.TryggClusterLayer = function (map, root, options) {
    const { el } = window.TryggCommon;
    const t = JSON.parse(root.dataset.i18n);
    const categories = new Map(JSON.parse(root.dataset.categoryList).map((c) => [c.code, c]));
    const locale = root.dataset.locale === "en" ? "en-GB" : "sv-SE";
    const clusters = L.layerGroup();
    const heat = L.heatLayer([], { radius: 25, blur: 20, maxZoom: 17 });
    const tileCache = new Map(); // filters|zoom|x|y -> {cells, points}
    const pending = new Map(); // request key -> its promise, while on its way
    let generation = 0; // the newest view asked for
    let period = null; // {since, until} of the slider's week, or null for the form's period
    let lastView = null;
    // What is drawn now. A single point still in the next drawing keeps its marker (and so its
    // element, focus and open popup): every move redraws, and opening a popup may move the map.
    let shownDiscs = [];
    let shownPoints = new Map(); // id|category|status -> marker

    function viewParams() {
      const params = options.filterParams();
      if (period) {
        params.set("since", period.since);
        params.set("until", period.until);
      }
      return params;
    }

    function visibleTiles(zoom) {
      const b = map.getPixelBounds();
      const n = 2 ** zoom;
      const clamp = (v) => Math.max(0, Math.min(n - 1, v));
      return {
        x0: clamp(Math.floor(b.min.x / TILE) - MARGIN),
        y0: clamp(Math.floor(b.min.y / TILE) - MARGIN),
        x1: clamp(Math.floor((b.max.x - 1) / TILE) + MARGIN),
        y1: clamp(Math.floor((b.max.y - 1) / TILE) + MARGIN),
      };
    }

    const tileKey = (prefix, zoom, x, y) => prefix + "|" + zoom + "|" + x + "|" + y;

    // The smallest rectangle holding every missing tile, cut into strips of <= MAX_TILES.
    function missingRects(prefix, zoom, r) {
      let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
      for (let x = r.x0; x <= r.x1; x++) {
        for (let y = r.y0; y <= r.y1; y++) {
          if (tileCache.has(tileKey(prefix, zoom, x, y))) continue;
          x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
        }
      }
      if (x1 < 0) return [];
      const rects = [];
      const rowsPer = Math.max(1, Math.floor(MAX_TILES / (x1 - x0 + 1)));
      const colsPer = Math.min(x1 - x0 + 1, MAX_TILES);
      for (let x = x0; x <= x1; x += colsPer) {
        for (let y = y0; y <= y1; y += rowsPer) {
          rects.push({ x0: x, y0: y, x1: Math.min(x1, x + colsPer - 1), y1: Math.min(y1, y + rowsPer - 1) });
        }
      }
      return rects;
    }

    async function fetchRect(prefix, params, zoom, rect) {
      const q = new URLSearchParams(params);
      q.set("zoom", String(zoom));
      q.set("tiles", [rect.x0, rect.y0, rect.x1, rect.y1].join(","));
      const response = await fetch(root.dataset.clustersUrl + "?" + q, {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      const body = await response.json();
      const perTile = TILE / body.cell_px;
      const buckets = new Map();
      const bucket = (cx, cy) => {
        const key = tileKey(prefix, zoom, Math.floor(cx / perTile), Math.floor(cy / perTile));
        if (!buckets.has(key)) buckets.set(key, { cells: [], points: [] });
        return buckets.get(key);
      };
      const codes = body.categories;
      for (const [x, y, lat, lon, count, mix] of body.cells) {
        const of = {};
        mix.forEach((n, i) => { if (n) of[codes[i]] = n; });
        bucket(x, y).cells.push({ lat, lon, count, categories: of });
      }
      for (const [id, lat, lon, ci, status, x, y] of body.points) {
        bucket(x, y).points.push({ id, lat, lon, category: codes[ci], status });
      }
      for (let x = rect.x0; x <= rect.x1; x++) {
        for (let y = rect.y0; y <= rect.y1; y++) {
          const key = tileKey(prefix, zoom, x, y);
          if (tileCache.size >= CACHE_MAX) tileCache.delete(tileCache.keys().next().value);
          tileCache.set(key, buckets.get(key) || { cells: [], points: [] });
        }
      }
    }

    // No abort: the server computes an answer whether or not the page still wants it, so an
    // answer already on its way is awaited (and cached) rather than asked for twice; only the
    // newest view is drawn.
    async function loadView({ prefetch = false, params = viewParams() } = {}) {
      const zoom = Math.round(map.getZoom());
      const prefix = params.toString();
      const range = visibleTiles(zoom);
      const view = prefetch ? generation : ++generation;
      const started = performance.now();
      await Promise.all(missingRects(prefix, zoom, range).map((r) => {
        const key = tileKey(prefix, zoom, r.x0 + "," + r.y0, r.x1 + "," + r.y1);
        if (!pending.has(key)) {
          pending.set(key, fetchRect(prefix, params, zoom, r).finally(() => pending.delete(key)));
        }
        return pending.get(key);
      }));
      if (prefetch || view !== generation) return;
      // Tiles asked by an earlier view may still be missing (that request failed): ask again.
      if (missingRects(prefix, zoom, range).length) return loadView({ params });
      draw(prefix, zoom, range);
      lastView = { ms: performance.now() - started, zoom };
      root.dataset.clusterViews = String(Number(root.dataset.clusterViews || 0) + 1);
    }

    function draw(prefix, zoom, range) {
      const discs = [];
      const points = new Map();
      const heatPoints = [];
      let total = 0;
      let maxCell = 1;
      const tiles = [];
      for (let x = range.x0; x <= range.x1; x++) {
        for (let y = range.y0; y <= range.y1; y++) {
          const tile = tileCache.get(tileKey(prefix, zoom, x, y));
          if (tile) tiles.push(tile);
        }
      }
      for (const tile of tiles) for (const c of tile.cells) maxCell = Math.max(maxCell, c.count);
      for (const tile of tiles) {
        for (const cell of tile.cells) {
          discs.push(clusterMarker(cell, maxCell));
          heatPoints.push([cell.lat, cell.lon, Math.sqrt(cell.count / maxCell)]);
          total += cell.count;
        }
        for (const p of tile.points) {
          const key = p.id + "|" + p.category + "|" + p.status;
          if (!points.has(key)) points.set(key, shownPoints.get(key) || pointMarker(p));
          heatPoints.push([p.lat, p.lon, Math.sqrt(1 / maxCell)]);
          total += 1;
        }
      }
      // A marker with the focus that goes leaves it on the map, not at the top of the page.
      const active = document.activeElement;
      let focusLost = false;
      const take = (layer) => {
        const element = layer.getElement();
        if (element && active && element.contains(active)) focusLost = true;
        clusters.removeLayer(layer);
      };
      for (const layer of shownDiscs) take(layer);
      for (const [key, marker] of shownPoints) if (points.get(key) !== marker) take(marker);
      for (const layer of discs) clusters.addLayer(layer);
      for (const marker of points.values()) if (!clusters.hasLayer(marker)) clusters.addLayer(marker);
      shownDiscs = discs;
      shownPoints = points;
      const view = map.getBounds();
      for (const marker of points.values()) setTabStop(marker, view);
      if (focusLost) map.getContainer().focus({ preventScroll: true });
      // The heat map from the same aggregates: a cell weighs by its count.
      heat.setLatLngs(heatPoints);
      options.onDrawn(total);
    }

    // A disc sized by log(count) whose ring shows the category mix (a conic gradient set through
    // CSSOM, which our CSP allows, unlike a style attribute in markup).
    function clusterMarker(cell, maxCell) {
      const size = Math.round(30 + 20 * Math.log10(1 + cell.count) / Math.log10(1 + maxCell));
      const box = el("div", null, "server-cluster");
      box.style.width = box.style.height = size + "px";
      box.style.background = mixGradient(cell.categories, cell.count);
      box.appendChild(el("span", cell.count.toLocaleString(locale)));
      const title = clusterTitle(cell);
      const marker = L.marker([cell.lat, cell.lon], {
        icon: L.divIcon({ html: box, className: "server-cluster-icon", iconSize: [size, size] }),
        keyboard: true, title, alt: title,
      });
      // Opening a cluster zooms in two levels: its cell then spans 4 x 4 cells.
      const open = () => map.setView([cell.lat, cell.lon], Math.min(map.getMaxZoom(), map.getZoom() + 2));
      marker.on("click", open);
      // By keyboard too (Leaflet gives a focusable marker no key action of its own): Enter or
      // Space opens it, and the focus stays on the map, from where Tab reaches the new markers.
      marker.on("keydown", (event) => {
        const key = event.originalEvent.key;
        if (key !== "Enter" && key !== " ") return;
        event.originalEvent.preventDefault();
        open();
        map.getContainer().focus({ preventScroll: true });
      });
      marker.on("add", () => {
        const icon = marker.getElement();
        if (icon) icon.setAttribute("role", "button");
      });
      return marker;
    }

    function clusterTitle(cell) {
      const parts = Object.entries(cell.categories)
        .sort((a, b) => b[1] - a[1])
        .map(([code, n]) => categoryLabel(code) + " " + n.toLocaleString(locale));
      return cell.count.toLocaleString(locale) + " – " + parts.join(", ");
    }

    function mixGradient(mix, total) {
      let at = 0;
      const stops = [];
      for (const [code, n] of Object.entries(mix).sort((a, b) => b[1] - a[1])) {
        const colour = /^#[0-9a-fA-F]{6}$/.test((categories.get(code) || {}).color || "")
          ? categories.get(code).color : "#555555";
        const end = at + (n / total) * 360;
        stops.push(colour + " " + at.toFixed(1) + "deg " + end.toFixed(1) + "deg");
        at = end;
      }
      return "radial-gradient(circle, #ffffff 0 55%, transparent 56%), conic-gradient(" + stops.join(", ") + ")";
    }

    function categoryLabel(code) {
      const c = categories.get(code);
      return c ? c.label : code;
    }

    function statusLabel(status) {
      return t.statuses[status] || status;
    }

    // Only the points in view are Tab stops: the tiles fetched around the view hold more, out of
    // sight (the map's arrow keys bring them in; every redraw sets this again).
    function setTabStop(marker, view) {
      const path = marker.getElement();
      if (path) path.setAttribute("tabindex", view.contains(marker.getLatLng()) ? "0" : "-1");
    }

    // A single record: a dot that is a button, like a disc. Click, tap, Enter or Space opens its
    // popup; by keyboard the focus goes on into the popup, to its link, and Escape (or the close
    // button) brings it back to the dot.
    function pointMarker(p) {
      const colour = (categories.get(p.category) || {}).color || "#555555";
      const marker = L.circleMarker([p.lat, p.lon], {
        radius: 8, color: "#ffffff", weight: 2, fillColor: colour, fillOpacity: 0.95,
        className: "server-point",
      });
      const name = categoryLabel(p.category) + " – " + statusLabel(p.status);
      marker.hereLabel = t.observation + ": " + name; // in the popup of whatever shares its spot
      // The note only on demand (the answer had no user text), fetched when the popup opens;
      // that read is checked and, for a police record, audited by the API.
      let box = null; // built once: Leaflet calls this again on popup.update()
      let link = null;
      let here = null; // what else lies at the spot: looked at anew each time the popup opens
      const withHere = () => {
        if (here && here.contains(document.activeElement)) return box; // keep the focus there
        const now = options.alsoHere ? options.alsoHere(marker) : null;
        if (here) here.remove();
        here = now;
        if (here) box.appendChild(here);
        return box;
      };
      marker.bindPopup(() => {
        if (box) return withHere();
        box = el("div", null, "map-popup");
        box.appendChild(el("strong", categoryLabel(p.category)));
        box.appendChild(el("p", statusLabel(p.status), "muted"));
        const note = el("p", t.loading, "map-popup-note");
        box.appendChild(note);
        link = el("a", t.open);
        link.href = root.dataset.detailUrl.replace("__ID__", encodeURIComponent(p.id));
        box.appendChild(link);
        window.TryggCommon.getJson(root.dataset.observationUrl.replace("__ID__", encodeURIComponent(p.id)))
          .then((o) => { note.textContent = o.note || t.no_note; })
          .catch(() => { note.textContent = t.failed; })
          .finally(() => {
            note.dataset.loaded = "1";
            // update() puts the content in anew, which takes the focus off the link in it.
            const focused = box.contains(document.activeElement) ? document.activeElement : null;
            if (marker.getPopup()) marker.getPopup().update();
            if (focused && document.activeElement !== focused) focused.focus({ preventScroll: true });
          });
        return withHere();
      });

      const focusPoint = () => {
        const path = marker.getElement();
        if (path && path.isConnected) path.focus({ preventScroll: true });
        else map.getContainer().focus({ preventScroll: true });
      };
      marker.on("add", () => {
        const path = marker.getElement();
        path.setAttribute("role", "button");
        path.setAttribute("aria-label", name);
        setTabStop(marker, map.getBounds());
        // Reached by keyboard at the edge of the view: brought wholly into it, ring and all.
        L.DomEvent.on(path, "focus", () => {
          if (path.matches(":focus-visible")) map.panInside(marker.getLatLng(), { padding: [24, 24] });
        });
      });
      // Leaflet opens a popup on Enter (keypress) but leaves the focus behind, and not on Space.
      marker.on("keydown", (event) => {
        const key = event.originalEvent.key;
        if (key === "Escape" && marker.isPopupOpen()) {
          event.originalEvent.preventDefault();
          marker.closePopup();
          return;
        }
        if (key !== "Enter" && key !== " ") return;
        event.originalEvent.preventDefault(); // no page scroll, and no keypress: opened once
        marker.openPopup();
        if (link) link.focus({ preventScroll: true });
      });
      let popupKeys = false;
      marker.on("popupopen", (event) => {
        const container = event.popup.getElement();
        if (popupKeys || !container) return;
        popupKeys = true; // the popup and its element live as long as the marker
        // The map's own Escape works only while the map itself has the focus.
        L.DomEvent.on(container, "keydown", (e) => {
          if (e.key !== "Escape") return;
          L.DomEvent.stop(e);
          marker.closePopup();
        });
      });
      marker.on("popupclose", (event) => {
        // The focus was in the popup (its link, its close button), which is going: back to the dot.
        const container = event.popup.getElement();
        const active = document.activeElement;
        if (!active || active === document.body || (container && container.contains(active))) focusPoint();
      });
      return marker;
    }

    let moveTimer = null;
    map.on("moveend", () => {
      clearTimeout(moveTimer);
      moveTimer = setTimeout(() => loadView().catch(() => {}), 60);
    });

    return {
      clusters,
      heat,
      reload: loadView,
      // The single records drawn now (their markers), e.g. to find what shares a spot.
      points() { return Array.from(shownPoints.values()); },
      // The slider's frame: a local week as [since, until), or null for the form's own period.
      setPeriod(value) { period = value; },
      prefetch(value) {
        const keep = period;
        period = value;
        const params = viewParams();
        period = keep;
        return loadView({ prefetch: true, params }).catch(() => {});
      },
      clearCache() { tileCache.clear(); },
      lastView() { return lastView; },
    };
  };
})();
