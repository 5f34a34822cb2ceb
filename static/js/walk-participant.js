/*
 * A walk participant's phone: mark spots, rate stops, check earlier measures. Every entry gets
 * its UUID when it is made and goes into the outbox (IndexedDB) first, so it survives no signal,
 * a closed tab or a flat battery; the server stores each UUID once. The page lists what waits
 * and asks the service worker to keep a copy of itself, so a reload without signal (a phone
 * that dropped the tab) brings back the walk and its waiting entries (sw.js, warmWalk). A phone
 * that joins the same walk again takes along what waited under its earlier session (takeOver).
 */
(function () {
  "use strict";

  const WM = window.TryggWalkMap;
  const outbox = window.TryggOutbox;
  const { localIso, show, dragPin } = window.TryggCommon;
  const data = WM && WM.readJson("walk-page-data");
  if (!data || !outbox) return;

  const text = document.getElementById("walk-strings").dataset;
  const api = data.urls.api;
  const categories = Object.fromEntries(data.categories.map((c) => [c.code, c]));
  const PHOTO_MAX_SIDE = 1600;

  // Which form shows the fate of which outbox item.
  const statusOf = new Map();

  async function queue(item, statusElement, errorElement) {
    show(errorElement, "");
    try {
      await outbox.add(item);
    } catch (error) {
      show(errorElement, text.storageFailed);
      return false;
    }
    statusOf.set(item.id, { status: statusElement, error: errorElement });
    show(statusElement, text.saved);
    outbox.flush().catch(() => {});
    return true;
  }

  window.addEventListener("trygg:outbox-flushed", (event) => {
    const result = event.detail.result;
    result.sent.forEach((id) => {
      const target = statusOf.get(id);
      if (target) show(target.status, text.sent);
      const marker = pending.get(id);
      if (marker) marker.setStyle({ dashArray: null });
    });
    result.rejected.forEach(async (id) => {
      const target = statusOf.get(id);
      const item = await outbox.get(id).catch(() => null);
      if (!target || !item) return;
      const fields = Object.values(item.fields || {}).join(" ");
      show(target.status, "");
      show(target.error, `${text.rejected} ${item.last_error || ""} ${fields}`.trim());
      const card = target.error.closest("details");
      if (card) card.open = true; // a folded stop shows why it was refused
      if (item.kind === "walk_spot") restoreSpot(item.payload, id);
      // The form holds what was sent again (rating and check forms are never cleared): the
      // participant fixes it and saves anew, so the refused copy can go.
      await outbox.discard(id);
    });
  });

  // Participants have no login: a dead walk session shows its own message, not "log in again",
  // and says whether what waits can still be sent: joining again sends it (takeOver) while the
  // walk can be joined, after that nothing can. The copy of this page kept for offline use goes.
  window.addEventListener("trygg:outbox-unauthenticated", () => {
    const relogin = document.getElementById("relogin-banner");
    if (relogin) relogin.hidden = true;
    const ended = document.getElementById("walk-session-ended");
    const joinable = data.joinable_until !== null && Date.now() < data.joinable_until * 1000;
    ended.querySelectorAll("[data-if-joinable]").forEach((element) => (element.hidden = !joinable));
    ended.querySelectorAll("[data-if-over]").forEach((element) => (element.hidden = joinable));
    ended.hidden = false;
    tellWorker({ type: "walk-ended" });
  });

  // ---- this page without a network ----------------------------------------------------------
  function tellWorker(message) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready
      .then((registration) => registration.active && registration.active.postMessage(message))
      .catch(() => {});
  }

  // Loaded with a network, the page asks the worker to keep a copy for this walk session; the
  // worker checks with the server that the session is this one. A walk that takes no more
  // entries (no forms) needs no copy.
  if (navigator.onLine) {
    const keep = document.getElementById("spot-form") || document.querySelector(".rating-form, .check-form");
    const scope = document.body.dataset.outboxScope;
    tellWorker(keep ? { type: "warm-walk", path: window.location.pathname, scope } : { type: "walk-ended" });
  }

  // ---- leaving the walk ---------------------------------------------------------------------
  // Leaving ends the walk session on the server, so it needs a network: without one the page
  // says so and stays as it is (a posted form would end on the browser's error page). What waits
  // is sent first, while the session that made it can; what still waits after that is named
  // before leaving. The copy of this page goes too, as on logging out (app.js).
  const leaveForm = document.getElementById("leave-form");
  const leaveStatus = document.getElementById("leave-status");
  let leaving = false;

  function plural(key, n) {
    return (n === 1 ? text[key + "One"] : text[key]).replace("{n}", String(n));
  }

  // The server's word on this browser's walk session: a fresh CSRF token, and the outbox scope
  // of the live session (null when there is none). Throws without a network.
  async function walkSession() {
    const response = await fetch(data.urls.session, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    });
    return response.ok ? response.json() : {};
  }

  async function leave() {
    show(leaveStatus, "");
    if (navigator.onLine === false) return show(leaveStatus, text.leaveOffline);
    const result = await outbox.flush({ force: true }).catch(() => null);
    if (result && result.stopped === "network") return show(leaveStatus, text.leaveOffline);
    const waiting = (await outbox.list().catch(() => [])).filter((item) => item.state !== "rejected");
    if (waiting.length && !window.confirm(plural("leaveWaiting", waiting.length))) return;
    let answer;
    try {
      // The page may be a copy kept for offline use, older than its form's token.
      const token = (await walkSession()).csrf_token;
      if (token) leaveForm.elements.csrf_token.value = token;
      const body = new FormData(leaveForm);
      answer = await fetch(leaveForm.action, { method: "POST", body, credentials: "same-origin", redirect: "manual" });
    } catch (error) {
      return show(leaveStatus, text.leaveOffline);
    }
    // Anything but the way on (a refused token, a server error): the server's own page says it.
    if (answer.type !== "opaqueredirect") return HTMLFormElement.prototype.submit.call(leaveForm);
    if ("caches" in window) {
      const names = await caches.keys().catch(() => []);
      await Promise.all(names.filter((n) => n.startsWith("trygg-walk-")).map((n) => caches.delete(n)));
    }
    tellWorker({ type: "walk-ended" });
    window.location.assign(leaveForm.dataset.leftUrl);
  }

  if (leaveForm) {
    leaveForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (leaving) return;
      leaving = true;
      try {
        await leave();
      } finally {
        leaving = false;
      }
    });
  }

  // ---- what waits on this phone -------------------------------------------------------------
  const waitingList = document.querySelector("[data-walk-waiting-list]");
  const stopsById = new Map(data.stops.map((stop) => [String(stop.id), stop]));
  const measuresById = new Map((data.measures || []).map((measure) => [String(measure.id), measure]));

  function describe(item) {
    const payload = item.payload || {};
    const target = (pattern) => (pattern.exec(item.url || "") || [])[1];
    if (item.kind === "walk_spot") {
      const category = categories[payload.category];
      return [text.kindSpot, category ? category.label : payload.category, payload.note];
    }
    if (item.kind === "walk_rating") {
      const stop = stopsById.get(target(/\/stops\/(\d+)\/ratings$/));
      return [text.kindRating, stop ? `${stop.position}. ${stop.name}` : text.stop, payload.note];
    }
    const measure = measuresById.get(target(/\/measures\/(\d+)\/checks$/));
    return [text.kindCheck, measure ? measure.title : item.label || "", payload.note];
  }

  async function renderWaiting() {
    if (!waitingList) return;
    const items = await outbox.list().catch(() => []);
    waitingList.textContent = "";
    items.forEach((item) => {
      const [kind, what, note] = describe(item);
      const li = document.createElement("li");
      li.className = "record";
      li.dataset.state = item.state || "waiting";
      const line = document.createElement("p");
      const strong = document.createElement("strong");
      strong.textContent = kind;
      line.append(strong, ` · ${what || ""}`);
      li.appendChild(line);
      if (note) {
        const noteLine = document.createElement("p");
        noteLine.className = "muted";
        noteLine.textContent = note;
        li.appendChild(noteLine);
      }
      // Refused with no form to take it back (brought from an earlier session, or the walk's
      // forms are gone): it stays in view with the reason until the participant lets it go.
      if (item.state === "rejected") li.appendChild(refusal(item));
      waitingList.appendChild(li);
    });
  }

  function refusal(item) {
    const box = document.createElement("div");
    const reason = document.createElement("p");
    reason.className = "error";
    reason.textContent = [text.rejected, ...outbox.reasons(item)].join(" ");
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-small";
    discard.textContent = text.discard;
    discard.addEventListener("click", () => {
      if (window.confirm(text.discardConfirm)) outbox.discard(item.id).catch(() => {});
    });
    box.append(reason, discard);
    return box;
  }

  window.addEventListener("trygg:outbox-change", () => renderWaiting());
  renderWaiting();

  // ---- the map ----------------------------------------------------------------------------
  const mapElement = document.getElementById("participant-map");
  const map = WM.create(mapElement, data.map);
  const pending = new Map();
  let gps = null;
  let manual = null;
  let pin = null;
  const gpsStatus = document.getElementById("gps-status");
  const positionError = document.getElementById("spot-position-error");

  if (map) {
    const layers = [WM.routeLayer(data.route)];
    data.stops.forEach((stop) => layers.push(WM.stopMarker(stop, stop.position)));
    data.spots.forEach((spot) => layers.push(spotLayer(spot, false)));
    layers.filter(Boolean).forEach((layer) => layer.addTo(map));
    WM.fit(map, layers);
  } else if (mapElement) {
    mapElement.hidden = true;
  }

  // ---- what waited under this phone's earlier session on this walk ------------------------
  // A phone whose walk session ended (the cookie lost, a renewed code, left) and that joins the
  // same walk again is a new participant with a new outbox store. What waited in the earlier
  // store is moved into this one and sent, with its ids (the server answers an entry it already
  // has from that earlier participant as a replay: webapp/walks/api.py). Only stores of walk
  // sessions, never a login's ("u…", outbox.js); only entries for this walk; and only once the
  // server has said this page's store is the live session's (a kept copy may be an older one's).
  const OUTBOX_PREFIX = "trygg-outbox-";
  const scope = outbox.userId ? null : document.body.dataset.outboxScope;
  const forThisWalk = (item) => String((item && item.url) || "").startsWith(`${api}/`);
  const afterTakeOver = [];
  let takenOver = false;

  async function earlierStores() {
    if (!scope || !indexedDB.databases) return [];
    const names = (await indexedDB.databases().catch(() => [])).map((info) => info.name || "");
    return names.filter((name) => name.startsWith(`${OUTBOX_PREFIX}walk-`) && name !== OUTBOX_PREFIX + scope);
  }

  // The entries for this walk in store `name`, moved into this session's store; a store left
  // empty goes. Put before they are deleted there: a break in between sends one twice, which
  // the server answers as a replay, never loses one.
  async function takeOver(name) {
    const db = await outbox.openExisting(name);
    let left;
    let moved = [];
    try {
      if (!db.objectStoreNames.contains("items")) return 0;
      const items = await outbox.transact(db, "readonly", (store) => store.getAll());
      moved = items.filter(forThisWalk);
      for (const item of moved) {
        await outbox.add({
          id: item.id,
          payload: item.payload,
          kind: item.kind,
          url: item.url,
          photoUrl: item.photo_url,
          label: item.label,
          // The entry itself is sent again (a replay if it had arrived); photos only if not yet.
          photos: (item.photos || []).filter((photo) => !photo.sent && photo.blob),
        });
      }
      if (moved.length) await outbox.transact(db, "readwrite", (store) => moved.forEach((item) => store.delete(item.id)));
      left = items.length - moved.length;
    } finally {
      db.close();
    }
    if (left === 0) indexedDB.deleteDatabase(name);
    return moved.length;
  }

  async function takeOverEarlierEntries() {
    if (takenOver || navigator.onLine === false) return;
    const names = await earlierStores();
    if (!names.length) {
      takenOver = true;
      return;
    }
    const live = await walkSession().then((session) => session.outbox_scope || null, () => undefined);
    if (live === undefined) return; // no answer: tried again when the network is back
    takenOver = true;
    if (live !== scope) return;
    const moveAll = async () => {
      let moved = 0;
      for (const name of names) moved += await takeOver(name).catch(() => 0);
      return moved;
    };
    // Two tabs of this session must not move the same entries at once.
    const moved = navigator.locks ? await navigator.locks.request(`trygg-walk-take-over-${scope}`, moveAll) : await moveAll();
    if (!moved) return;
    afterTakeOver.forEach((refresh) => refresh());
    outbox.flush({ force: true }).catch(() => {});
  }

  if (scope) {
    takeOverEarlierEntries().catch(() => {});
    window.addEventListener("online", () => takeOverEarlierEntries().catch(() => {}));
  }

  // A walk whose protocol is published takes nothing more, and its page has no forms
  // (participant.html): the map only shows what was marked, and the phone is not asked for its
  // position. The news of the outbox above still comes (entries kept from before are refused).
  const spotForm = document.getElementById("spot-form");
  if (!spotForm) return;
  if (map) map.on("click", (event) => setManual(event.latlng));

  // Spots still waiting on this phone (from before a reload, perhaps without a network) are on
  // the map as well, dashed like a spot just saved, until they are sent.
  const onServer = new Set(data.spots.map((spot) => spot.id));
  function drawWaitingSpots() {
    outbox
      .list()
      .then((items) =>
        items
          .filter((item) => item.kind === "walk_spot" && item.payload && !onServer.has(item.id) && !pending.has(item.id))
          .filter((item) => item.state !== "rejected")
          .forEach((item) => {
            if (map) pending.set(item.id, spotLayer({ ...item.payload, mine: true }, true).addTo(map));
          })
      )
      .catch(() => {});
  }
  drawWaitingSpots();
  afterTakeOver.push(drawWaitingSpots);

  function spotLayer(spot, waiting) {
    const category = categories[spot.category] || { label: spot.category, color: "#555555" };
    const lines = [category.label, spot.mine ? text.mine : "", spot.note || "", waiting ? text.waiting : ""];
    const marker = WM.spotMarker({ ...spot, color: category.color }, lines);
    if (waiting) marker.setStyle({ dashArray: "4 4" });
    return marker;
  }

  function placePin(lat, lon) {
    if (map) pin = dragPin(map, pin, lat, lon, setManual);
  }

  function setManual(latlng) {
    manual = { lat: latlng.lat, lon: latlng.lng };
    show(positionError, "");
    placePin(manual.lat, manual.lon);
    gpsStatus.textContent = text.manual;
    gpsStatus.dataset.state = "manual";
  }

  function onFix(position) {
    gps = { lat: position.coords.latitude, lon: position.coords.longitude, accuracy: position.coords.accuracy };
    show(positionError, "");
    if (manual) return;
    placePin(gps.lat, gps.lon);
    const metres = String(Math.round(gps.accuracy));
    const limit = data.map.accuracy_limit_m || 50;
    gpsStatus.dataset.state = gps.accuracy > limit ? "inaccurate" : "fix";
    gpsStatus.textContent = (gps.accuracy > limit ? text.inaccurate : text.accuracy).replace("{m}", metres);
  }

  if ("geolocation" in navigator) {
    navigator.geolocation.watchPosition(onFix, () => {
      if (!gps && !manual) gpsStatus.textContent = text.gpsUnavailable;
    }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 });
  } else {
    gpsStatus.textContent = text.gpsUnavailable;
  }

  // ---- marking a spot ---------------------------------------------------------------------
  async function downscale(file) {
    const source = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(source.width, source.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(source.width * scale));
    canvas.height = Math.max(1, Math.round(source.height * scale));
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    if (source.close) source.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.82));
    if (!blob) throw new Error("encode failed");
    return blob;
  }

  const spotError = document.getElementById("spot-error");
  const categoryGroup = document.getElementById("spot-category");
  const categoryError = document.getElementById("spot-category-error");
  const photoInput = document.getElementById("spot-photo");
  const photoError = document.getElementById("spot-photo-error");

  // A refusal is said at the field it is about (tied to it by aria-describedby), and that field
  // gets the focus and comes into view: on a phone the sticky save button is far from most
  // fields, and a message out of sight looks like nothing happened.
  function refuse(errorElement, message, field, view) {
    show(errorElement, message);
    const target = field && !field.hidden ? field : errorElement;
    if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.tabIndex = -1;
    target.focus({ preventScroll: true });
    (view || target).scrollIntoView({ block: "start" });
  }

  function clearSpotErrors() {
    [spotError, categoryError, positionError, photoError].forEach((element) => show(element, ""));
    categoryGroup.classList.remove("has-error");
    photoInput.removeAttribute("aria-invalid");
  }

  spotForm.addEventListener("change", (event) => {
    if (event.target.name === "category") {
      show(categoryError, "");
      categoryGroup.classList.remove("has-error");
    } else if (event.target === photoInput) {
      show(photoError, "");
      photoInput.removeAttribute("aria-invalid");
    }
  });

  // A refused spot comes back into the form (a photo has to be chosen again).
  function restoreSpot(payload, id) {
    const option = spotForm.querySelector(`input[name=category][value="${CSS.escape(payload.category)}"]`);
    if (option) option.checked = true;
    spotForm.note.value = payload.note || "";
    setManual({ lat: payload.lat, lng: payload.lon });
    const marker = pending.get(id);
    if (marker && map) map.removeLayer(marker);
    pending.delete(id);
  }
  spotForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = document.getElementById("spot-status");
    const chosen = spotForm.querySelector("input[name=category]:checked");
    const position = manual || gps;
    clearSpotErrors();
    if (!chosen) {
      categoryGroup.classList.add("has-error");
      return refuse(categoryError, text.noCategory, categoryGroup);
    }
    if (!position) return refuse(positionError, text.noPosition, map ? mapElement : null, gpsStatus);
    const id = outbox.uuid4();
    const photos = [];
    const file = photoInput.files[0];
    if (file) {
      try {
        photos.push({ id: outbox.uuid4(), blob: await downscale(file) });
      } catch (problem) {
        photoInput.setAttribute("aria-invalid", "true");
        return refuse(photoError, text.photoFailed, photoInput, photoInput.closest(".field"));
      }
    }
    const payload = {
      id,
      lat: position.lat,
      lon: position.lon,
      accuracy_m: manual ? null : Math.round(gps.accuracy * 10) / 10,
      observed_at: localIso(new Date()),
      category: chosen.value,
      note: spotForm.note.value.trim(),
      manual_position: Boolean(manual),
    };
    const saved = await queue(
      {
        id,
        payload,
        kind: "walk_spot",
        url: `${api}/spots`,
        photoUrl: `${api}/spots/${id}/photos`,
        label: categories[chosen.value].label,
        photos,
      },
      status,
      spotError
    );
    if (!saved) return refuse(spotError, spotError.textContent, null);
    if (map) pending.set(id, spotLayer({ ...payload, mine: true }, true).addTo(map));
    spotForm.reset();
    manual = null;
    if (gps) placePin(gps.lat, gps.lon);
  });

  // ---- rating a stop ----------------------------------------------------------------------
  function markRated(card) {
    if (card) card.querySelector("[data-stop-done]").hidden = false;
  }

  // The page marks the stops the server has a rating of (participant_views._page_data); ratings
  // still waiting on this phone count as done too (this participant's own outbox store).
  function markWaitingRatings() {
    outbox
      .list()
      .then((items) =>
        items
          .filter((item) => item.kind === "walk_rating" && item.state !== "rejected")
          .forEach((item) => {
            const match = /\/stops\/(\d+)\/ratings$/.exec(item.url || "");
            if (match) markRated(document.querySelector(`.stop-card[data-stop-id="${match[1]}"]`));
          })
      )
      .catch(() => {});
  }
  markWaitingRatings();
  afterTakeOver.push(markWaitingRatings);

  document.querySelectorAll(".rating-form").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = form.querySelector("[data-rating-error]");
      const status = form.querySelector("[data-rating-status]");
      const payload = { id: outbox.uuid4(), rated_at: localIso(new Date()), note: form.note.value.trim() };
      let rated = 0;
      ["lighting", "overview", "people", "upkeep", "walkway", "feeling"].forEach((factor) => {
        const checked = form.querySelector(`input[name=${factor}]:checked`);
        payload[factor] = checked ? Number(checked.value) : null;
        if (checked) rated += 1;
      });
      if (!rated) return show(error, text.noRating);
      const stopId = form.dataset.stopId;
      const saved = await queue(
        { id: payload.id, payload, kind: "walk_rating", url: `${api}/stops/${stopId}/ratings`, label: text.stop },
        status,
        error
      );
      if (!saved) return;
      // Done here: fold the stop away (its ✓ stays in view) so the next stop is close at hand.
      const card = form.closest(".stop-card");
      markRated(card);
      card.open = false;
      card.querySelector("summary").scrollIntoView({ block: "nearest" });
    });
  });

  // ---- checking an earlier measure (follow-up walk) ---------------------------------------
  document.querySelectorAll(".check-form").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const status = form.querySelector("[data-check-status]");
      const answer = form.querySelector("input[name=answer]:checked");
      if (!answer) return show(status, text.noAnswer);
      const payload = { id: outbox.uuid4(), answer: answer.value, note: form.note.value.trim() };
      await queue(
        { id: payload.id, payload, kind: "walk_check", url: `${api}/measures/${form.dataset.measureId}/checks` },
        status,
        status
      );
    });
  });
})();
