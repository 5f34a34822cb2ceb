/*
 * A resident reports a place: the pin on the map, how it feels, a category and a short text.
 * Like the field app, the report gets its UUID when it is made and goes into the outbox
 * (IndexedDB, a store of its own for residents) first, so no signal or a closed tab loses
 * nothing; the server stores each UUID once. Published reports are drawn from GeoJSON; every
 * text from people goes into the page through textContent, never as HTML. The reports sent from
 * this browser are listed ("Your reports"), each linking to the page where its UUID shows what
 * became of it.
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

  const { show, dragPin, el } = window.TryggCommon;

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
    // Without a pointer the map is moved with the arrow keys (Leaflet) and the pin goes to the
    // cross in its middle: by the button, or Enter on the map.
    const mapElement = document.getElementById("report-map");
    const centreButton = document.getElementById("pin-at-centre");
    const pinAtCentre = () => {
      // A key pressed during the arrow keys' pan: the pin goes where the map stands now, under
      // the cross, not where the pan was still heading.
      map.stop();
      const centre = map.getCenter();
      setPlace(centre.lat, centre.lng);
    };
    mapElement.classList.add("has-crosshair");
    centreButton.hidden = false;
    document.getElementById("pin-at-centre-hint").hidden = false;
    centreButton.addEventListener("click", pinAtCentre);
    mapElement.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.target !== mapElement) return;
      event.preventDefault(); // not the form's submit
      pinAtCentre();
    });
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

  // A personnummer in the text is said at the text, before anything is kept (offline too): the
  // server refuses it anyway, and its answer came back in a box under the form. Same rule (app.js).
  const textInput = document.getElementById("report-text");
  const textError = document.getElementById("report-text-error");
  function personnummerInText() {
    const privacy = window.TryggPrivacy;
    const found = Boolean(privacy && privacy.containsPersonalIdentityNumber(textInput.value));
    show(textError, found ? text.personnummer : "");
    if (found) textInput.setAttribute("aria-invalid", "true");
    else textInput.removeAttribute("aria-invalid");
    return found;
  }
  textInput.addEventListener("input", () => {
    if (!textError.hidden) personnummerInText();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    show(errorBox, "");
    const category = form.querySelector("input[name=category]:checked");
    const feeling = form.querySelector("input[name=feeling]:checked");
    if (!place || !category) return showMissing(!place, !category);
    if (personnummerInText()) {
      show(statusBox, "");
      textInput.scrollIntoView({ block: "center", behavior: "smooth" });
      textInput.focus({ preventScroll: true });
      return;
    }
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
    remember(id, category.value);
    showMine();
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
      forget(id); // not stored: sending the fixed report makes a new one
    }
    showMine();
  }

  // The thanks, with the way to follow the report (the newest one if several went at once;
  // "Your reports" lists them all).
  function thank(sentIds) {
    show(statusBox, text.sent);
    const sent = new Set(sentIds);
    const newest = readMine().find((report) => sent.has(report.id));
    if (!newest || !data.urls.follow) return;
    const link = el("a", text.follow);
    link.href = followUrl(newest.id);
    statusBox.append(" ", link);
  }

  // Held back by the server (too many reports from this network, sent too soon, its daily
  // cap): its words, in the resident's language, say why and how long. The report waits on the
  // phone and goes again by itself.
  async function showHeldBack(ids) {
    for (const id of ids) {
      const item = await outbox.get(id).catch(() => null);
      if (!item || item.kind !== "citizen_report" || item.error_code !== "server") continue;
      if (item.last_error) show(statusBox, item.last_error);
    }
  }

  window.addEventListener("trygg:outbox-flushed", (event) => {
    const result = event.detail.result;
    if (result.sent.length) thank(result.sent);
    else showHeldBack(result.retry || []);
    showRefused(result.rejected);
  });

  // Refused on an earlier visit (the page was closed before the answer came).
  outbox
    .list()
    .then((items) => showRefused(items.filter((i) => i.state === "rejected").map((i) => i.id)))
    .catch(() => {});

  // ---- your reports -----------------------------------------------------------------------
  // Kept in localStorage, newest first: the UUID (the key to the report's follow-up page), the
  // day on Sunne's calendar and the category code. Never the text or the contact details. A
  // report still in the outbox has no page yet and says that it waits.
  const MINE_KEY = "trygg-citizen-reports";
  const MINE_MAX = 20;
  const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
  // A page cached before the list existed may meet this script: it then lists nothing.
  const mineSection = document.getElementById("my-reports");
  const mineList = document.getElementById("my-reports-list");
  const forgetButton = document.getElementById("forget-reports");
  const listing = Boolean(mineSection && mineList && forgetButton && data.urls.follow);

  function readMine() {
    try {
      const stored = JSON.parse(window.localStorage.getItem(MINE_KEY) || "[]");
      if (!Array.isArray(stored)) return [];
      return stored
        .filter((r) => r && UUID_RE.test(r.id) && DAY_RE.test(r.day) && typeof r.category === "string")
        .slice(0, MINE_MAX);
    } catch (error) {
      return []; // storage blocked, or not ours: nothing to list
    }
  }

  function writeMine(reports) {
    try {
      if (reports.length) window.localStorage.setItem(MINE_KEY, JSON.stringify(reports.slice(0, MINE_MAX)));
      else window.localStorage.removeItem(MINE_KEY);
    } catch (error) {
      // Private mode or full storage: the report is sent all the same, only the list lacks it.
    }
  }

  function remember(id, category) {
    const others = readMine().filter((report) => report.id !== id);
    writeMine([{ id, day: stockholmDay(new Date()), category }, ...others]);
  }

  function forget(id) {
    writeMine(readMine().filter((report) => report.id !== id));
  }

  // YYYY-MM-DD on Sunne's calendar, the day the follow-up page counts too.
  function stockholmDay(date) {
    const format = new Intl.DateTimeFormat("en", {
      timeZone: "Europe/Stockholm", year: "numeric", month: "2-digit", day: "2-digit",
    });
    const parts = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
    return `${parts.year}-${parts.month}-${parts.day}`;
  }

  function dayText(day) {
    const [year, month, date] = day.split("-").map(Number);
    const locale = document.documentElement.lang === "en" ? "en-GB" : "sv-SE";
    return new Date(Date.UTC(year, month - 1, date)).toLocaleDateString(locale, {
      timeZone: "UTC", day: "numeric", month: "long", year: "numeric",
    });
  }

  function followUrl(id) {
    return data.urls.follow.replace("__ID__", encodeURIComponent(id));
  }

  function mineItem(report, waiting) {
    const item = document.createElement("li");
    const category = categories[report.category];
    const name = `${dayText(report.day)} – ${category ? category.label : text.someReport}`;
    item.dataset.state = waiting ? "waiting" : "sent";
    if (waiting) {
      item.append(el("span", name), " ", el("span", text.waiting, "state-badge"));
    } else {
      const link = el("a", name);
      link.href = followUrl(report.id);
      item.appendChild(link);
    }
    return item;
  }

  async function showMine() {
    if (!listing) return;
    const reports = readMine();
    const waiting = new Set((await outbox.list().catch(() => [])).map((item) => item.id));
    mineList.replaceChildren(...reports.map((report) => mineItem(report, waiting.has(report.id))));
    mineSection.hidden = reports.length === 0;
  }

  // Come from a follow-up page's "Your reports": the list was hidden when the browser looked
  // for the #my-reports it was sent to, so go there once it is shown.
  showMine().then(() => {
    if (listing && window.location.hash === "#my-reports" && !mineSection.hidden) {
      mineSection.scrollIntoView();
    }
  });

  if (forgetButton) {
    forgetButton.addEventListener("click", () => {
      if (!window.confirm(text.forgetConfirm)) return;
      writeMine([]);
      showMine();
    });
  }
  // Sent, refused or listed in another tab: the list follows.
  window.addEventListener("trygg:outbox-change", () => showMine());
  window.addEventListener("storage", (event) => {
    if (event.key === MINE_KEY || event.key === null) showMine();
  });

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
