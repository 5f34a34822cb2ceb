/*
 * A resident reports a place: the pin on the map, how it feels, a category and a short text.
 * Like the field app, the report gets its UUID when it is made and goes into the outbox
 * (IndexedDB, a store of its own for residents) first, so no signal or a closed tab loses
 * nothing; the server stores each UUID once. Published reports are drawn from GeoJSON; every
 * text from people goes into the page through textContent, never as HTML.
 */
(function () {
  "use strict";

  const WM = window.TryggWalkMap;
  const outbox = window.TryggOutbox;
  const data = WM && WM.readJson("citizen-page-data");
  const form = document.getElementById("report-form");
  if (!data || !outbox || !form) return;

  const text = document.getElementById("citizen-strings").dataset;
  const categories = Object.fromEntries(data.categories.map((c) => [c.code, c]));
  const loadedAt = Date.now();
  const errorBox = document.getElementById("report-error");
  const statusBox = document.getElementById("report-status");
  const placeStatus = document.getElementById("place-status");
  const placePrompt = placeStatus.textContent;
  const placeError = document.getElementById("place-error");
  const categoryError = document.getElementById("category-error");

  const { show, dragPin } = window.TryggCommon;

  // ---- the place -------------------------------------------------------------------------
  const map = WM.create(document.getElementById("report-map"), data.map);
  let place = null;
  let pin = null;

  function setPlace(lat, lon) {
    place = { lat, lon };
    if (map) {
      pin = dragPin(map, pin, lat, lon, (moved) => {
        place = { lat: moved.lat, lon: moved.lng };
      });
    }
    placeStatus.textContent = text.placed;
    placeStatus.dataset.state = "manual";
    show(placeError, "");
  }

  if (map) {
    map.on("click", (event) => setPlace(event.latlng.lat, event.latlng.lng));
  } else {
    document.getElementById("report-map").hidden = true;
  }

  const positionButton = document.getElementById("use-position");
  if (!("geolocation" in navigator)) positionButton.hidden = true;
  positionButton.addEventListener("click", () => {
    placeStatus.textContent = text.locating;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setPlace(position.coords.latitude, position.coords.longitude);
        if (map) map.setView([place.lat, place.lon], Math.max(map.getZoom(), 16));
      },
      () => {
        placeStatus.textContent = text.noPosition;
      },
      { enableHighAccuracy: true, maximumAge: 30000, timeout: 20000 }
    );
  });

  // ---- sending ---------------------------------------------------------------------------
  function restore(payload) {
    const feeling = form.querySelector(`input[name=feeling][value="${CSS.escape(payload.feeling || "")}"]`);
    if (feeling) feeling.checked = true;
    const category = form.querySelector(`input[name=category][value="${CSS.escape(payload.category || "")}"]`);
    if (category) category.checked = true;
    form.text.value = payload.text || "";
    form.time_of_day.value = payload.time_of_day || "";
    form.contact.value = payload.contact || "";
    if (typeof payload.lat === "number" && typeof payload.lon === "number") setPlace(payload.lat, payload.lon);
  }

  // The server refuses a report sent sooner after the page was served than a person could
  // fill it in; a quick person's report waits that long before it leaves the phone.
  function flushWhenAllowed() {
    const wait = (data.min_fill_seconds || 0) * 1000 - (Date.now() - loadedAt) + 250;
    window.setTimeout(() => outbox.flush().catch(() => {}), Math.max(0, wait));
  }

  // A missing place or category is said where it is missing, not by the send button: on a
  // phone the map is a screen above it and "Send" seemed to do nothing. The first problem
  // scrolls into view and takes the focus, so a screen reader hears the error with it.
  function showMissing(missingPlace, missingCategory) {
    show(statusBox, ""); // the thanks for a previous report would read as news of this one
    show(placeError, missingPlace ? text.noPlace : "");
    show(categoryError, missingCategory ? text.noCategory : "");
    if (missingPlace) {
      document.getElementById("place-legend").scrollIntoView({ block: "start", behavior: "smooth" });
      const target = positionButton.hidden ? document.getElementById("report-map") : positionButton;
      target.focus({ preventScroll: true });
    } else if (missingCategory) {
      document.getElementById("category-legend").scrollIntoView({ block: "start", behavior: "smooth" });
      form.querySelector("input[name=category]").focus({ preventScroll: true });
    }
  }
  form.querySelectorAll("input[name=category]").forEach((radio) =>
    radio.addEventListener("change", () => show(categoryError, ""))
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    show(errorBox, "");
    const category = form.querySelector("input[name=category]:checked");
    const feeling = form.querySelector("input[name=feeling]:checked");
    if (!place || !category) return showMissing(!place, !category);
    const id = outbox.uuid4();
    // A refusal is said in this form (showRefused), not by the officers' "open My records".
    window.TryggOwnRejections = window.TryggOwnRejections || new Set();
    window.TryggOwnRejections.add(id);
    const payload = {
      id,
      lat: Math.round(place.lat * 1e7) / 1e7,
      lon: Math.round(place.lon * 1e7) / 1e7,
      feeling: feeling ? feeling.value : "unsafe",
      category: category.value,
      text: form.text.value.trim(),
      time_of_day: form.time_of_day.value || null,
      contact: form.contact.value.trim(),
      website: form.website.value,
      form_token: data.form_token,
    };
    try {
      await outbox.add({
        id,
        payload,
        kind: "citizen_report",
        url: data.urls.create,
        // A fresh single-use token when it is sent: the page's may be old or used by then.
        tokenUrl: data.urls.token,
        label: categories[category.value] ? categories[category.value].label : "",
      });
    } catch (error) {
      return show(errorBox, text.storageFailed);
    }
    form.reset();
    place = null;
    if (pin && map) {
      map.removeLayer(pin);
      pin = null;
    }
    // The pin is gone with the sent report: the next report starts by asking for a place.
    placeStatus.textContent = placePrompt;
    placeStatus.dataset.state = "none";
    show(statusBox, text.saved);
    flushWhenAllowed();
  });

  async function showRefused(ids) {
    for (const id of ids) {
      const item = await outbox.get(id).catch(() => null);
      if (!item || item.kind !== "citizen_report") continue;
      const fields = Object.values(item.fields || {}).join(" ");
      show(statusBox, "");
      show(errorBox, `${text.rejected} ${item.last_error || ""} ${fields}`.trim());
      // The form holds what was sent: the resident fixes it and sends anew.
      restore(item.payload);
      await outbox.discard(id);
    }
  }

  window.addEventListener("trygg:outbox-flushed", (event) => {
    const result = event.detail.result;
    if (result.sent.length) show(statusBox, text.sent);
    showRefused(result.rejected);
  });

  // Refused on an earlier visit (the page was closed before the answer came).
  outbox
    .list()
    .then((items) => showRefused(items.filter((i) => i.state === "rejected").map((i) => i.id)))
    .catch(() => {});

  // ---- published reports ------------------------------------------------------------------
  const publishedMap = WM.create(document.getElementById("published-map"), data.map);
  const list = document.getElementById("published-list");

  function listItem(properties) {
    const item = document.createElement("li");
    const head = document.createElement("strong");
    head.textContent = `${properties.category_label} – ${properties.feeling_label}`;
    item.appendChild(head);
    if (properties.text) {
      const body = document.createElement("p");
      body.textContent = properties.text;
      item.appendChild(body);
    }
    if (properties.measure) {
      const measure = document.createElement("p");
      measure.className = "muted";
      measure.textContent = `${text.measure}: ${properties.measure.title} (${properties.measure.status})`;
      item.appendChild(measure);
    }
    return item;
  }

  fetch(data.urls.published, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then((response) => (response.ok ? response.json() : { features: [] }))
    .then((collection) => {
      const features = collection.features || [];
      document.getElementById("published-empty").hidden = features.length > 0;
      const layers = features.map((feature) => {
        const p = feature.properties;
        const [lon, lat] = feature.geometry.coordinates;
        list.appendChild(listItem(p));
        const measureLine = p.measure ? `${text.measure}: ${p.measure.title} (${p.measure.status})` : "";
        return WM.spotMarker({ lat, lon, color: p.color }, [p.category_label, p.feeling_label, p.text, measureLine]);
      });
      if (publishedMap) {
        layers.forEach((layer) => layer.addTo(publishedMap));
        WM.fit(publishedMap, layers);
      }
    })
    .catch(() => {
      // Offline: the map of published reports waits for the next visit.
    });
})();
