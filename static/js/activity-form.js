/*
 * Activity entry forms (/activities/new/<type>): the position picker and saving offline.
 *
 * Without this script the form posts to the server as usual. With it, a new entry becomes the
 * JSON payload the API takes (field names are payload paths, e.g. "details.reached.under_15"),
 * gets a UUID made here, waits in the outbox and is sent when there is a connection. When the
 * server refuses it while the page is still open, its messages are shown next to the fields.
 * User text is only ever set with textContent.
 */
(function () {
  "use strict";

  const form = document.getElementById("activity-form");
  if (!form) return;
  const outbox = window.TryggOutbox;
  const { localIso } = window.TryggCommon;
  const status = form.querySelector("[data-save-status]");

  // ---- a field in error takes the focus ----------------------------------------------------
  // On a phone Save is a screen or two below most fields: a message out of sight looked like
  // nothing happened. The field (for a group, its first control: the position's "Use my
  // position", the first choice) takes the focus, and its label or legend comes to the top
  // of the screen with the message under it, so it is seen and a screen reader reads it.
  function controlOf(target) {
    if (target.matches("input:not([type=hidden]), select, textarea, button")) return target;
    const controls = target.querySelectorAll("button, input:not([type=hidden]), select, textarea");
    return [...controls].find((el) => !el.disabled && el.getClientRects().length > 0) || null;
  }

  function nameOf(target) {
    const source = target.tagName === "FIELDSET" ? target.querySelector("legend")
      : target.labels && target.labels[0];
    return source ? source.textContent.replace(/\s*\(.*\)\s*$/, "").trim() : "";
  }

  function focusField(target) {
    const control = controlOf(target);
    if (!control) return false;
    control.focus({ preventScroll: true });
    (control.closest(".field") || control).scrollIntoView({ block: "start" });
    return true;
  }

  // The server's list of what to fix (a form posted without this script's saving, e.g. an
  // edit): each link puts the focus in its field, not only the page at it.
  const summary = document.getElementById("form-errors");
  if (summary) {
    // "Fältet måste fyllas i." says which field only where it stands: here it is named.
    summary.querySelectorAll("a[href^='#']").forEach((link) => {
      const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      const name = target ? nameOf(target) : "";
      if (name) link.textContent = `${name}: ${link.textContent}`;
    });
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (target && focusField(target)) event.preventDefault();
    });
  }

  // ---- position picker ---------------------------------------------------------------------
  const picker = form.querySelector("[data-position-picker]");
  if (picker) setUpPicker(picker);

  function setUpPicker(box) {
    const text = box.dataset;
    const latInput = form.elements.lat;
    const lonInput = form.elements.lon;
    const accuracyInput = form.elements.accuracy_m;
    const manualInput = form.elements.manual_position;
    const statusEl = box.querySelector("[data-position-status]");
    const locate = box.querySelector("[data-locate]");
    const mapEl = box.querySelector("[data-map]");
    const limit = Number(text.accuracyLimit) || 50;
    let map = null;
    let marker = null;

    function number(input) {
      const value = Number(String(input.value).replace(",", "."));
      return input.value.trim() && Number.isFinite(value) ? value : null;
    }

    function place(lat, lon, pan) {
      if (!map) return;
      if (!marker) {
        marker = L.marker([lat, lon], { draggable: true }).addTo(map);
        marker.on("dragend", () => {
          const p = marker.getLatLng();
          setManual(p.lat, p.lng);
        });
      } else {
        marker.setLatLng([lat, lon]);
      }
      if (pan) map.setView([lat, lon], Math.max(map.getZoom(), 15));
    }

    function setManual(lat, lon) {
      latInput.value = lat.toFixed(6);
      lonInput.value = lon.toFixed(6);
      accuracyInput.value = "";
      manualInput.value = "1";
      statusEl.textContent = text.textManual;
      showTown();
    }

    // A business visit in Sunne tätort: the promise is about businesses outside it, so the
    // form says so (a pin left at the station is the usual cause). The outline came with the
    // page, so this works offline too; the server records the same fact with the entry.
    const town = text.town ? JSON.parse(text.town) : null;
    const townHint = box.querySelector("[data-in-town]");
    function showTown() {
      if (!town || !townHint) return;
      const lat = number(latInput);
      const lon = number(lonInput);
      townHint.hidden = !(lat !== null && lon !== null && insideGeometry(town, lon, lat));
    }

    if (window.L) {
      mapEl.hidden = false;
      map = L.map(mapEl).setView(JSON.parse(text.center), 13);
      L.tileLayer(text.tileUrl, { maxZoom: 19, attribution: text.attribution }).addTo(map);
      map.on("click", (event) => {
        setManual(event.latlng.lat, event.latlng.lng);
        place(event.latlng.lat, event.latlng.lng, false);
      });
      const lat = number(latInput);
      const lon = number(lonInput);
      if (lat !== null && lon !== null) place(lat, lon, true);
    }

    // The form was filled again (a refused entry) or emptied for the next entry: the pin and
    // the position's line follow the fields. An emptied form keeps no pin: a pin left from
    // the last entry would be saved with the next one, wherever that was.
    form.addEventListener("trygg:position-restored", () => {
      const lat = number(latInput);
      const lon = number(lonInput);
      if (lat !== null && lon !== null) place(lat, lon, true);
      else if (marker) {
        marker.remove();
        marker = null;
      }
      statusEl.textContent = manualInput.value === "1" ? text.textManual : "";
      delete statusEl.dataset.state;
      showTown();
    });

    [latInput, lonInput].forEach((input) =>
      input.addEventListener("change", () => {
        showTown();
        const lat = number(latInput);
        const lon = number(lonInput);
        if (lat === null || lon === null) return;
        manualInput.value = "1";
        accuracyInput.value = "";
        place(lat, lon, true);
      })
    );
    showTown(); // a refused form comes back with its position

    if ("geolocation" in navigator) {
      locate.hidden = false;
      locate.addEventListener("click", () => {
        statusEl.textContent = text.textLocating;
        navigator.geolocation.getCurrentPosition(
          (position) => {
            const { latitude, longitude, accuracy } = position.coords;
            latInput.value = latitude.toFixed(6);
            lonInput.value = longitude.toFixed(6);
            accuracyInput.value = String(Math.round(accuracy * 10) / 10);
            manualInput.value = "";
            const m = String(Math.round(accuracy));
            statusEl.textContent = (accuracy > limit ? text.textInaccurate : text.textAccuracy).replace("{m}", m);
            statusEl.dataset.state = accuracy > limit ? "warning" : "ok";
            place(latitude, longitude, true);
            showTown();
          },
          () => {
            statusEl.textContent = text.textFailed;
            statusEl.dataset.state = "warning";
          },
          { enableHighAccuracy: true, timeout: 20000, maximumAge: 10000 }
        );
      });
    }
  }

  // Whether (lon, lat) lies in a GeoJSON Polygon or MultiPolygon (holes left out): ray casting,
  // as webapp/geo does on the server.
  function insideGeometry(geometry, lon, lat) {
    const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates
      : geometry.type === "Polygon" ? [geometry.coordinates] : [];
    return polygons.some((rings) =>
      rings.length > 0 && insideRing(rings[0], lon, lat) && !rings.slice(1).some((hole) => insideRing(hole, lon, lat))
    );
  }

  function insideRing(ring, x, y) {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  // ---- saving offline ---------------------------------------------------------------------
  if (!form.hasAttribute("data-offline-form") || !outbox || !outbox.enabled) return;
  const text = form.dataset;
  // A page served from the cache carries an old id: every page view makes its own.
  form.elements.id.value = outbox.uuid4();
  // ...and the time it was stored at login: a new entry starts now, on the phone's clock.
  if (form.elements.started_at && !form.querySelector(".has-error")) {
    form.elements.started_at.value = localInput(new Date());
  }
  const alertBox = form.querySelector("[data-form-alert]");

  function localInput(date) {
    return localIso(date).slice(0, 16); // "YYYY-MM-DDTHH:MM", what datetime-local takes
  }

  function setPath(target, path, value) {
    const parts = path.split(".");
    let node = target;
    parts.forEach((part, index) => {
      const last = index === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[index + 1]);
      if (last) node[part] = value;
      else node = node[part] = node[part] || (nextIsIndex ? [] : {});
    });
  }

  function isBlank(value) {
    if (value === null || value === undefined || value === "") return true;
    if (typeof value === "object" && !Array.isArray(value)) return Object.values(value).every(isBlank);
    return false;
  }

  // The form as the API payload: checkbox groups become lists, numbers numbers, local times
  // ISO 8601 with the phone's offset; empty fields are left out, as the server form does.
  function buildPayload() {
    const payload = { activity_type: text.activityType };
    const lists = new Set([...form.querySelectorAll("[data-json-list]")].map((f) => f.dataset.jsonList));
    lists.add("promise_ids");
    lists.forEach((name) => setPath(payload, name, []));
    for (const element of form.elements) {
      const name = element.name;
      if (!name || name === "csrf_token" || element.disabled) continue;
      if (element.type === "checkbox" || element.type === "radio") {
        if (!element.checked) continue;
        if (lists.has(name)) {
          const list = name.split(".").reduce((node, part) => node[part], payload);
          list.push(name === "promise_ids" ? Number(element.value) : element.value);
        } else {
          setPath(payload, name, element.value);
        }
        continue;
      }
      const raw = element.value.trim();
      if (name === "manual_position") {
        payload.manual_position = raw === "1";
      } else if (!raw) {
        continue;
      } else if (element.type === "number" || ["lat", "lon", "accuracy_m"].includes(name)) {
        const value = Number(raw.replace(",", "."));
        setPath(payload, name, Number.isFinite(value) ? value : raw);
      } else if (element.type === "datetime-local") {
        const value = new Date(raw); // a datetime-local value is the phone's local time
        setPath(payload, name, Number.isNaN(value.getTime()) ? raw : localIso(value));
      } else {
        setPath(payload, name, raw);
      }
    }
    if (!payload.promise_ids.length) delete payload.promise_ids;
    // Spare follow-up rows left empty are not follow-ups.
    if (payload.details && Array.isArray(payload.details.follow_ups)) {
      payload.details.follow_ups = payload.details.follow_ups.filter((row) => row && !isBlank(row));
    }
    return payload;
  }

  function clearErrors() {
    form.querySelectorAll(".error[data-client]").forEach((el) => el.remove());
    form.querySelectorAll("[aria-invalid][data-client-invalid]").forEach((el) => {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("data-client-invalid");
    });
    form.querySelectorAll("[data-client-describedby]").forEach((el) => {
      const kept = (el.getAttribute("aria-describedby") || "")
        .split(/\s+/)
        .filter((token) => token && token !== el.dataset.clientDescribedby);
      if (kept.length) el.setAttribute("aria-describedby", kept.join(" "));
      else el.removeAttribute("aria-describedby");
      el.removeAttribute("data-client-describedby");
    });
  }

  // A message in a group (the position, a set of choices) goes under its legend and hint,
  // where it is seen with the question, not under the map or the last choice.
  function putMessage(row, p) {
    if (row.tagName !== "FIELDSET") {
      row.appendChild(p);
      return;
    }
    const said = row.querySelectorAll(":scope > .error");
    const anchor = said.length ? said[said.length - 1]
      : row.querySelector(":scope > .hint") || row.querySelector(":scope > legend");
    if (anchor) anchor.after(p);
    else row.prepend(p);
  }

  // `perInput`: the server's messages, each about one value. Latitude and longitude are then
  // marked one by one, and as they share one row each message says which of them it is about.
  // (Said by this page, "lat" is the position as a whole: the group is marked.) The first
  // field in the page's order takes the focus (focusField).
  function showErrors(fields, { perInput = false } = {}) {
    clearErrors();
    const marked = Object.entries(fields || {}).map(([name, message]) => {
      const id = "f-" + name.replace(/\./g, "-");
      const input = document.getElementById(id + "-input");
      const target = (perInput && input) || document.getElementById(id) || input || status;
      return { id, message, target };
    });
    marked.forEach(({ id, message, target }) => {
      const p = document.createElement("p");
      p.className = "error";
      p.dataset.client = "1";
      p.id = id + "-client-error";
      const row = target.closest(".field") || target;
      const label = row !== target && row.tagName === "FIELDSET" && target.labels && target.labels[0];
      p.textContent = label ? `${label.textContent.trim()}: ${message}` : message;
      putMessage(row, p);
      if (target.matches("input, select, textarea, fieldset")) {
        target.setAttribute("aria-invalid", "true");
        target.dataset.clientInvalid = "1";
        if (!target.dataset.clientDescribedby) {
          // A screen reader reads the message with the field.
          const before = target.getAttribute("aria-describedby");
          target.setAttribute("aria-describedby", before ? `${before} ${p.id}` : p.id);
          target.dataset.clientDescribedby = p.id;
        }
      }
    });
    const fieldsFirst = marked
      .map(({ target }) => target)
      .filter((target) => target !== status && form.contains(target))
      .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    if (!fieldsFirst.some(focusField)) alertBox.scrollIntoView({ block: "center" });
  }

  const submit = form.querySelector("button[type=submit]");

  // ---- fixing a refused entry ("Fix in its form" in My records) ------------------------------
  // /activities/new/<type>?fix=<id>: the entry the server refused is put back into its form,
  // with the server's reasons at the fields; sending it again replaces it in the outbox (same
  // id: the server stored nothing under it). Also offline: the form is stored on the phone.
  let fixing = null;

  function getPath(source, path) {
    return path.split(".").reduce((node, part) => (node == null ? undefined : node[part]), source);
  }

  function fillForm(payload) {
    for (const element of form.elements) {
      const name = element.name;
      if (!name || name === "csrf_token" || name === "id") continue;
      const value = getPath(payload, name);
      if (element.type === "checkbox" || element.type === "radio") {
        const chosen = Array.isArray(value) ? value.map(String) : value == null ? [] : [String(value)];
        element.checked = chosen.includes(element.value);
      } else if (name === "manual_position") {
        element.value = value ? "1" : "";
      } else if (value == null) {
        element.value = "";
      } else if (element.type === "datetime-local") {
        const date = new Date(value);
        element.value = Number.isNaN(date.getTime()) ? String(value) : localInput(date);
      } else {
        element.value = String(value);
      }
    }
    // The map's marker follows the restored position (not a "change": that marks it manual).
    form.dispatchEvent(new CustomEvent("trygg:position-restored"));
  }

  async function restoreRefused(id) {
    const item = await outbox.get(id).catch(() => null);
    const here = item && item.form_url === window.location.pathname;
    if (!here || item.state !== "rejected" || item.error_code !== "validation") return;
    fixing = item;
    fillForm(item.payload);
    form.elements.id.value = item.id;
    setState("rejected", item.last_error || text.textMissing);
    showErrors(item.fields, { perInput: true });
  }

  const fixId = new URLSearchParams(window.location.search).get("fix");
  if (fixId) restoreRefused(fixId);

  // How the entry reads in "My records" while it waits: its kind and, where the form has one,
  // what tells two apart (the business visited, the place), not only "Företagsbesök" twice.
  function entryLabel(payload) {
    const kindName = document.title.split(" – ")[0];
    const which = (payload.details && payload.details.business_name) || payload.place || "";
    return which ? `${kindName}: ${which}` : kindName;
  }

  // Refusals are errors: the form's alert box (error styling, role="alert") with the reason;
  // the status line is for news only (saved, sent, waiting).
  function setState(state, message) {
    form.dataset.state = state;
    status.dataset.state = state;
    const failed = state === "rejected" || state === "failed";
    status.textContent = failed ? "" : message || "";
    alertBox.textContent = failed ? message || "" : "";
    alertBox.hidden = !failed;
  }

  // What the server would refuse for being empty is said here, before the entry is kept: saved
  // offline, an empty visit was "Sparad i telefonen" and refused only later, where it can no
  // longer be fixed. Required inputs, groups needing a choice, and a required position.
  function missingFields() {
    const missing = {};
    form.querySelectorAll("input[required], select[required], textarea[required]").forEach((el) => {
      if (el.name && !String(el.value).trim()) missing[el.name] = text.textRequired;
    });
    form.querySelectorAll("fieldset[data-required-choice]").forEach((group) => {
      const inputs = group.querySelectorAll("input[type=checkbox], input[type=radio]");
      if (inputs.length && !group.querySelector("input:checked")) {
        const radio = inputs[0].type === "radio";
        missing[inputs[0].name] = radio ? text.textChooseOne : text.textChoose;
      }
    });
    const position = form.querySelector("fieldset[data-required-position]");
    if (position && !(form.elements.lat.value.trim() && form.elements.lon.value.trim())) {
      missing.lat = text.textPosition;
    }
    return missing;
  }

  // The fields' own names ("Företag", not details.business_name), kept with the entry so a
  // refusal met later in "My records" names them as the form did.
  function fieldLabels() {
    const labels = {};
    form.querySelectorAll("[name]").forEach((el) => {
      const label = (el.labels && el.labels[0]) || null;
      const legend = el.closest("fieldset") && el.closest("fieldset").querySelector("legend");
      const source = el.type === "checkbox" || el.type === "radio" ? legend : label || legend;
      if (el.name && source && !(el.name in labels)) {
        labels[el.name] = source.textContent.replace(/\s*\(.*\)\s*$/, "").trim();
      }
    });
    return labels;
  }

  // Free text with a personnummer is refused here, offline too, with the reason at the field.
  function personalNumberFields() {
    const found = {};
    form.querySelectorAll("textarea, input[type=text]").forEach((element) => {
      if (element.name && window.TryggPrivacy && TryggPrivacy.containsPersonalIdentityNumber(element.value)) {
        found[element.name] = text.textPersonnummer;
      }
    });
    return found;
  }

  // How long the form waits for the server's answer before it says the entry waits on the
  // phone (as long as the service worker waits before it serves a stored page). The request
  // goes on: an answer that comes later still lands here while the page is open.
  const SEND_PATIENCE_MS = 6000;
  let busy = false;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return; // one tap, one entry
    const personal = personalNumberFields();
    if (Object.keys(personal).length) {
      setState("rejected", text.textPersonnummer);
      showErrors(personal);
      return;
    }
    const missing = missingFields();
    if (Object.keys(missing).length) {
      setState("rejected", text.textMissing);
      showErrors(missing);
      return;
    }
    const payload = buildPayload();
    payload.id = form.elements.id.value;
    window.TryggOwnRejections = window.TryggOwnRejections || new Set();
    window.TryggOwnRejections.add(payload.id); // a refusal is shown in this form
    busy = true;
    submit.disabled = true;
    // On the phone first: if the page is left while it is sent, the outbox still has it.
    const kept = await outbox.keep({
      id: payload.id,
      payload,
      kind: "activity",
      url: text.apiUrl,
      label: entryLabel(payload),
      fieldLabels: fieldLabels(),
      formUrl: window.location.pathname,
    });
    if (!kept) {
      busy = false;
      submit.disabled = false;
      setState("failed", text.textStorageFailed);
      return;
    }
    clearErrors();
    // Said as it is: sending. "Saved on this phone" only once there is no answer in time.
    setState("sending", text.textSending);
    const patience = window.setTimeout(() => setState("slow", text.textQueued), SEND_PATIENCE_MS);
    const token = form.elements.csrf_token ? form.elements.csrf_token.value : null;
    const sent = await outbox.sendNow(payload.id, { csrfToken: token });
    window.clearTimeout(patience);
    busy = false;
    submit.disabled = false;
    if (sent) {
      setState("sent", text.textSent);
      window.location.assign(text.doneUrl.replace("__ID__", encodeURIComponent(payload.id)));
      return;
    }
    const item = await outbox.get(payload.id).catch(() => null);
    if (item && item.state === "rejected" && item.error_code === "validation") {
      // Refused while the user is still here: nothing was stored, so fix it in the form, where
      // everything typed still is.
      await outbox.discard(payload.id);
      setState("rejected", item.last_error);
      showErrors(item.fields, { perInput: true });
      form.elements.id.value = outbox.uuid4();
      fixing = null; // the refused entry was discarded: what is in the form is all there is
      return;
    }
    // Waiting for a connection: the entry is safe on the phone; the form is free for the next.
    if (fixing) window.history.replaceState(null, "", window.location.pathname);
    fixing = null;
    form.reset();
    form.elements.id.value = outbox.uuid4();
    // reset() puts back the time the page was made (stored at login, maybe hours ago).
    if (form.elements.started_at) form.elements.started_at.value = localInput(new Date());
    form.dispatchEvent(new CustomEvent("trygg:position-restored")); // no pin left on the map
    queuedId = payload.id;
    setState("queued", outbox.waitsForLogin() ? text.textQueuedLogin : text.textQueued);
  });

  // The entry that waited is sent later (the signal came back while the page is open): "Saved
  // on this phone" would stay on screen as if it still waited.
  let queuedId = null;
  window.addEventListener("trygg:outbox-flushed", (event) => {
    const { sent, rejected, stopped } = event.detail.result;
    if (!queuedId || !["queued", "slow"].includes(form.dataset.state)) return;
    if (sent.includes(queuedId)) setState("sent", text.textSentLater);
    else if (rejected.includes(queuedId)) setState("rejected", text.textRejectedLater);
    else {
      if (stopped === "unauthenticated") setState("queued", text.textQueuedLogin);
      return;
    }
    queuedId = null;
  });
})();
