/*
 * The entry form (/field/new): position from GPS or the map pin, a category, optional extras,
 * then "Save" puts the observation into the outbox and tries to send it. Three taps from the
 * start screen: "New observation", a category, "Save".
 */
(function () {
  "use strict";

  const form = document.getElementById("obs-form");
  if (!form) return;

  const outbox = window.TryggOutbox;
  const { localIso, dragPin, clockTime } = window.TryggCommon;
  const msg = form.dataset;
  const accuracyLimit = Number(form.dataset.accuracyLimit) || 50;
  const gpsStatus = document.getElementById("gps-status");
  const gpsWarning = document.getElementById("gps-warning");
  const useGpsButton = document.getElementById("use-gps");
  const errorBox = document.getElementById("form-error");
  const saveStatus = document.getElementById("save-status");
  const saveButton = document.getElementById("obs-save");
  const photoInput = document.getElementById("obs-photo");
  const photoPreview = document.getElementById("obs-photo-preview");
  const photoRemove = document.getElementById("obs-photo-remove");
  const sendNowButton = form.querySelector("[data-send-now]");
  const more = document.getElementById("obs-more");

  const PHOTO_MAX_SIDE = 1600;
  const PHOTO_QUALITY = 0.82;

  let gps = null; // latest fix {lat, lon, accuracy}
  let manual = null; // pin placed by hand {lat, lon}; wins over GPS until reset
  let busy = false;
  let lastSaved = null;
  // The officer has begun the next entry since the last save: news of that save no longer
  // belongs under "Save", where it would read as the answer for the entry being made.
  let nextEntryStarted = false;
  // A fix worse than the limit is not saved by "Save" alone: the user places the pin (one tap
  // on the map) or says "Save anyway", and the record then keeps that it is imprecise.
  let awaitingPin = false;
  let saveImprecise = false;
  const positionPrompt = document.getElementById("position-prompt");
  const saveAnywayButton = document.getElementById("obs-save-anyway");

  function fill(template, values) {
    const text = Object.entries(values).reduce((t, [key, value]) => t.replace(`{${key}}`, value), template || "");
    // A number keeps its unit on the same line ("±8 m" never wraps before the "m").
    return text.replace(/(\d) (m|km)\b/g, "$1\u00a0$2");
  }

  // ---- map ----------------------------------------------------------------------------------
  const mapElement = document.getElementById("obs-map");
  let map = null;
  let marker = null;

  if (window.L && mapElement) {
    const center = [Number(form.dataset.mapLat), Number(form.dataset.mapLon)];
    map = window.L.map(mapElement, { zoomControl: true }).setView(center, 15);
    window.L.tileLayer(form.dataset.tileUrl, {
      maxZoom: 19,
      attribution: form.dataset.tileAttribution,
    }).addTo(map);
    map.on("click", (event) => setManual(event.latlng));
  } else if (mapElement) {
    mapElement.hidden = true; // Leaflet missing (never cached): GPS alone still works
  }

  function placeMarker(lat, lon) {
    if (map) marker = dragPin(map, marker, lat, lon, setManual);
  }

  function setManual(latlng) {
    manual = { lat: latlng.lat, lon: latlng.lng };
    placeMarker(manual.lat, manual.lon);
    renderPosition();
    // "Save" asked for a pin because the fix was poor: this tap was the answer, save now.
    if (awaitingPin) {
      awaitingPin = false;
      hidePositionPrompt();
      form.requestSubmit();
    }
  }

  useGpsButton.addEventListener("click", () => {
    manual = null;
    if (gps) {
      placeMarker(gps.lat, gps.lon);
      map.setView([gps.lat, gps.lon], Math.max(map.getZoom(), 16));
    }
    renderPosition();
  });

  // ---- GPS ----------------------------------------------------------------------------------
  function renderPosition() {
    useGpsButton.hidden = !manual;
    gpsWarning.hidden = true;
    if (manual) {
      gpsStatus.textContent = msg.msgManual;
      gpsStatus.dataset.state = "manual";
      return;
    }
    if (!gps) return;
    const metres = Math.round(gps.accuracy);
    gpsStatus.textContent = fill(msg.msgAccuracy, { m: metres });
    gpsStatus.dataset.state = "fix";
    if (gps.accuracy > accuracyLimit) {
      gpsStatus.dataset.state = "inaccurate";
      gpsWarning.textContent = fill(msg.msgInaccurate, { m: metres, limit: accuracyLimit });
      gpsWarning.hidden = false;
    }
  }

  function onFix(position) {
    const first = !gps;
    gps = {
      lat: position.coords.latitude,
      lon: position.coords.longitude,
      accuracy: position.coords.accuracy,
    };
    if (!manual) {
      placeMarker(gps.lat, gps.lon);
      if (first && map) map.setView([gps.lat, gps.lon], 17);
    }
    renderPosition();
  }

  function onGpsError(error) {
    if (gps || manual) return; // keep the last good position
    gpsStatus.dataset.state = "error";
    gpsStatus.textContent = error.code === error.PERMISSION_DENIED ? msg.msgGpsDenied : msg.msgGpsUnavailable;
  }

  if ("geolocation" in navigator) {
    // Started as soon as the form opens: by the time a category is tapped there is usually a fix.
    navigator.geolocation.watchPosition(onFix, onGpsError, {
      enableHighAccuracy: true,
      maximumAge: 10000,
      timeout: 30000,
    });
  } else {
    gpsStatus.textContent = msg.msgGpsUnavailable;
  }

  // ---- photo --------------------------------------------------------------------------------
  async function decode(file) {
    if ("createImageBitmap" in window) {
      try {
        return await createImageBitmap(file, { imageOrientation: "from-image" });
      } catch (error) {
        // fall through to <img>, which some browsers decode when createImageBitmap cannot
      }
    }
    const url = URL.createObjectURL(file);
    try {
      const image = new Image();
      image.src = url;
      await image.decode();
      return image;
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  // Downscale on the phone: a 12-megapixel photo would take minutes on a weak signal, and a
  // canvas re-encode also drops the EXIF data (GPS, device serial) before anything leaves.
  async function downscale(file) {
    const source = await decode(file);
    const width = source.width;
    const height = source.height;
    const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(width, height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff"; // transparent PNGs become white, not black, as JPEG
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    if (source.close) source.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", PHOTO_QUALITY));
    if (!blob) throw new Error("encode failed");
    return blob;
  }

  let previewUrl = null;
  function showPreview(file) {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = file ? URL.createObjectURL(file) : null;
    photoPreview.hidden = !file;
    photoRemove.hidden = !file;
    if (previewUrl) photoPreview.src = previewUrl;
    else photoPreview.removeAttribute("src");
  }

  photoInput.addEventListener("change", () => showPreview(photoInput.files[0] || null));

  // A photo chosen by mistake (a person in it, the wrong one) goes before saving; everything
  // else in the entry stays. The focus goes back to the photo field, where another can be chosen.
  photoRemove.addEventListener("click", () => {
    photoInput.value = "";
    showPreview(null);
    if (errorBox.textContent === msg.msgPhotoFailed) showError("");
    photoInput.focus();
  });

  // ---- saving -------------------------------------------------------------------------------
  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = !text;
  }

  // "Choose a category" is said at the categories, not in the box under the form: on a phone
  // that box is below the screen and "Save" seemed to do nothing. The picker scrolls into view
  // and its first choice takes the focus, so a screen reader hears the question and the error.
  const categoryError = document.getElementById("category-error");
  function showCategoryError(text) {
    categoryError.textContent = text;
    categoryError.hidden = !text;
    if (!text) return;
    document.getElementById("category-legend").scrollIntoView({ block: "start", behavior: "smooth" });
    form.querySelector("input[name=category]").focus({ preventScroll: true });
  }
  form.querySelectorAll("input[name=category]").forEach((radio) =>
    radio.addEventListener("change", () => showCategoryError(""))
  );

  // A personnummer in the note is refused here, before the entry is kept (offline too), at the
  // note with everything typed kept: queued, it came back refused from the server later, with the
  // form already emptied for the next entry. The same rule as the server (app.js).
  const noteInput = document.getElementById("obs-note");
  const noteError = document.getElementById("obs-note-error");
  function showNoteError(text) {
    noteError.textContent = text;
    noteError.hidden = !text;
    if (text) noteInput.setAttribute("aria-invalid", "true");
    else noteInput.removeAttribute("aria-invalid");
    if (!text) return;
    more.open = true;
    noteInput.scrollIntoView({ block: "center", behavior: "smooth" });
    noteInput.focus({ preventScroll: true });
  }
  noteInput.addEventListener("input", () => {
    if (!noteError.hidden) showNoteError("");
  });

  // Refused by the server: the reasons in the error box, and a short word in the save bar, which
  // is always on screen (the box is under the form, below a phone's screen).
  async function showRefused(id) {
    const item = await outbox.get(id).catch(() => null);
    const reasons = item ? outbox.reasons(item) : [];
    setStatus("rejected", msg.msgRejectedShort);
    showError([msg.msgRejected, ...reasons].join(" "));
  }

  function setStatus(state, text) {
    saveStatus.dataset.state = state;
    saveStatus.textContent = text;
  }

  // "Sent 14:32.": each save's answer differs from the one before, so a second save that
  // worked is not mistaken for the first one's message left on screen.
  function setSent() {
    setStatus("sent", fill(msg.msgSentAt, { time: clockTime(new Date()) }));
  }

  // The next entry begins (a category, a note, a photo...): the last save's news goes. A refusal
  // stays until the next save: it asks for something to be done.
  function startNextEntry() {
    nextEntryStarted = true;
    if (["sent", "queued"].includes(saveStatus.dataset.state)) setStatus("", "");
  }
  form.addEventListener("input", startNextEntry);
  form.addEventListener("change", startNextEntry);

  // The shared toast at the top ("1 entry sent to the server.", app.js) speaks of an earlier
  // send: once a new entry is saved or the signal goes, it would read as news of this one.
  const announcer = document.getElementById("outbox-announcer");
  function clearStaleNews() {
    if (announcer) announcer.textContent = "";
  }
  window.addEventListener("offline", clearStaleNews);

  // "Send now" in the save bar only when it can do something: online, with an entry that may
  // be sent (a refused one waits for a fix in My records). Offline the bar stays one line.
  async function renderSendNow() {
    const items = navigator.onLine ? await outbox.list().catch(() => []) : [];
    sendNowButton.hidden = !items.some((item) => item.state !== "rejected");
  }
  window.addEventListener("trygg:outbox-change", renderSendNow);
  window.addEventListener("online", renderSendNow);
  window.addEventListener("offline", renderSendNow);
  renderSendNow();

  // The patrol running on this phone, if any: patrol.js keeps it in localStorage (so a patrol
  // started offline counts too); the server marks one it knows of on <body>.
  function openPatrolId() {
    try {
      const state = JSON.parse(localStorage.getItem("trygg-patrol-u" + document.body.dataset.userId) || "null");
      if (state && state.id) return state.id;
    } catch (error) {
      // unreadable storage: fall back to what the server said
    }
    return document.body.dataset.openPatrolId || null;
  }

  // A form opened from a patrol or a safety walk carries its id in the address; otherwise an
  // observation made while a patrol runs belongs to that patrol.
  function linkedActivityId(params) {
    return params.get("activity_id") || (params.get("walk_id") ? null : openPatrolId());
  }

  // Say which patrol the entries belong to, with the way back to it (its page records the route).
  document.getElementById("patrol-context").hidden = !linkedActivityId(
    new URLSearchParams(window.location.search)
  );

  function linkParams(payload) {
    const params = new URLSearchParams(window.location.search);
    const activity = linkedActivityId(params);
    if (activity) payload.activity_id = activity;
    const walk = Number(params.get("walk_id"));
    if (Number.isInteger(walk) && walk > 0) payload.walk_id = walk;
  }

  function askForPin(metres) {
    awaitingPin = true;
    setStatus("", ""); // news of the previous entry would read as news of this one
    positionPrompt.querySelector("[data-prompt-text]").textContent = fill(msg.msgPinPrompt, {
      m: metres,
      limit: accuracyLimit,
    });
    positionPrompt.hidden = false;
    mapElement.scrollIntoView({ block: "start" });
  }

  function hidePositionPrompt() {
    awaitingPin = false;
    positionPrompt.hidden = true;
  }

  saveAnywayButton.addEventListener("click", () => {
    hidePositionPrompt();
    saveImprecise = true;
    form.requestSubmit();
  });

  function buildPayload(id, category, position) {
    const data = new FormData(form);
    const payload = {
      id,
      lat: Number(position.lat.toFixed(7)),
      lon: Number(position.lon.toFixed(7)),
      // A hand-placed pin has no measured accuracy; the GPS figure would be misleading.
      accuracy_m: manual ? null : Math.round(position.accuracy * 10) / 10,
      observed_at: localIso(new Date()),
      category,
      note: String(data.get("note") || "").trim(),
      manual_position: Boolean(manual),
    };
    if (!manual && saveImprecise) payload.imprecise_position = true;
    const rating = data.get("rating");
    if (rating) payload.rating = Number(rating);
    if (data.get("visibility")) payload.visibility = data.get("visibility");
    linkParams(payload);
    return payload;
  }

  function resetForm() {
    form.reset();
    showPreview(null);
    more.open = false;
    manual = null;
    saveImprecise = false;
    hidePositionPrompt();
    if (gps) placeMarker(gps.lat, gps.lon);
    renderPosition();
  }

  // The server no longer knows this login (logged out elsewhere, expired, disabled): the entry
  // waits for a login, not for a signal, which the phone may well have. Still "queued", so a
  // later flush that sends it says "Sent" as usual.
  async function showWaitingForLogin(id) {
    const item = await outbox.get(id).catch(() => null);
    if (item && lastSaved === id && saveStatus.dataset.state === "queued") setStatus("queued", msg.msgSavedLogin);
  }

  // The entry saved offline is sent later, by a flush of its own (the signal came back): the
  // save bar said "will be sent" until the next entry.
  window.addEventListener("trygg:outbox-flushed", (event) => {
    const { sent, rejected, stopped } = event.detail.result;
    if (!lastSaved || saveStatus.dataset.state !== "queued") return;
    if (sent.includes(lastSaved)) setSent();
    else if (rejected.includes(lastSaved)) showRefused(lastSaved);
    else if (stopped === "unauthenticated") showWaitingForLogin(lastSaved);
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    showError("");
    const category = (form.querySelector("input[name=category]:checked") || {}).value;
    if (!category) {
      showCategoryError(msg.msgNoCategory);
      return;
    }
    const privacy = window.TryggPrivacy;
    if (privacy && privacy.containsPersonalIdentityNumber(noteInput.value)) {
      showNoteError(msg.msgPersonnummer);
      return;
    }
    const position = manual || gps;
    if (!position) {
      showError(msg.msgNoPosition);
      return;
    }
    if (!manual && gps.accuracy > accuracyLimit && !saveImprecise) {
      askForPin(Math.round(gps.accuracy));
      return;
    }
    busy = true;
    saveButton.disabled = true;
    try {
      const id = outbox.uuid4();
      const photos = [];
      const file = photoInput.files[0];
      if (file) {
        try {
          photos.push({ id: outbox.uuid4(), blob: await downscale(file) });
        } catch (error) {
          showError(msg.msgPhotoFailed);
          return;
        }
      }
      const payload = buildPayload(id, category, position);
      try {
        // A patrol started offline must reach the server before observations made during it.
        await outbox.add({ id, payload, photos, after: payload.activity_id || null });
      } catch (error) {
        showError(msg.msgStorageFailed);
        return;
      }
      lastSaved = id;
      nextEntryStarted = false;
      clearStaleNews();
      window.TryggOwnRejections = window.TryggOwnRejections || new Set();
      window.TryggOwnRejections.add(id); // refused: said here, in this form's error box
      setStatus("queued", msg.msgSaved);
      resetForm();
      window.scrollTo({ top: 0 });
      // Sending runs in the background: on a weak signal the next entry must not wait for it.
      outbox
        .flush({ force: true })
        .then((result) => {
          if (lastSaved !== id) return; // the status line now speaks of a newer entry
          if (result.rejected.includes(id)) showRefused(id); // said even during the next entry
          else if (nextEntryStarted) return; // the toast at the top says it was sent
          else if (result.sent.includes(id)) setSent();
          else if (result.stopped === "unauthenticated") showWaitingForLogin(id);
        })
        .catch(() => {});
    } finally {
      busy = false;
      saveButton.disabled = false;
    }
  });
})();
