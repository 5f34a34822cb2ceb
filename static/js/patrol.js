/*
 * Patrol page (/patrols/): start and stop a foot patrol on the phone, offline too, and record
 * the walked route while this page is open.
 *
 * Start and stop go through the outbox (window.TryggOutbox) like observations: the start is an
 * activity with a UUID made here, the stop an item that waits for the start (`after`). The running
 * patrol is kept in localStorage per user so a reload or a dead signal does not lose it. The route
 * is recorded with watchPosition only while the page is open and says so on screen; nothing runs
 * in the background. All text comes from the page (rendered through gettext).
 */
(function () {
  "use strict";

  const root = document.getElementById("patrol-app");
  if (!root) return;
  const outbox = window.TryggOutbox;
  const { localIso } = window.TryggCommon;
  const text = root.dataset;
  const userId = document.body.dataset.userId;
  const storageKey = "trygg-patrol-u" + userId;
  const startForm = document.getElementById("patrol-start-form");
  const stopForm = document.getElementById("patrol-stop-form");
  const running = document.getElementById("patrol-running");
  const startedEl = running.querySelector("[data-patrol-started]");
  const elapsedEl = running.querySelector("[data-patrol-elapsed]");
  const toggle = document.getElementById("route-toggle");
  const indicator = document.getElementById("route-indicator");
  const summary = indicator.querySelector("[data-route-summary]");
  const problem = document.getElementById("route-problem");
  const observationLink = document.getElementById("patrol-observation-link");
  const status = root.querySelector("[data-save-status]");
  const accuracyLimit = Number(text.accuracyLimit) || 50;
  const routeMax = Number(text.routeMax) || 10000;
  const MIN_STEP_M = 5; // GPS jitter while standing still is not walking
  const locale = text.locale === "en" ? "en-GB" : "sv-SE";

  let watchId = null;
  let elapsedTimer = null;

  // ---- state ------------------------------------------------------------------------------
  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey) || "null");
    } catch (error) {
      return null;
    }
  }

  function save(state) {
    if (state) window.localStorage.setItem(storageKey, JSON.stringify(state));
    else window.localStorage.removeItem(storageKey);
  }

  // Display only: the server computes the stored length with geodesic distances.
  function metres(a, b) {
    const rad = Math.PI / 180;
    const dLat = (b[1] - a[1]) * rad;
    const dLon = (b[0] - a[0]) * rad;
    const h =
      Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
  }

  function routeLength(route) {
    let total = 0;
    for (let i = 1; i < route.length; i += 1) total += metres(route[i - 1], route[i]);
    return total;
  }

  function say(message, state) {
    status.textContent = message || "";
    if (state) root.dataset.state = state;
    if (alertBox) alertBox.hidden = true;
  }

  // A failure is an error (its own box, role="alert"), never a line of news.
  const alertBox = root.querySelector("[data-patrol-alert]");
  function fail(message) {
    status.textContent = "";
    root.dataset.state = "failed";
    if (!alertBox) return;
    alertBox.textContent = message;
    alertBox.hidden = false;
  }

  // ---- rendering --------------------------------------------------------------------------
  function render(state) {
    const open = Boolean(state);
    running.hidden = !open;
    if (startForm) startForm.hidden = open;
    toggle.disabled = !open || !("geolocation" in navigator);
    if (!open) {
      stopTracking(false);
      clearInterval(elapsedTimer);
      return;
    }
    const started = new Date(state.started_at);
    startedEl.dateTime = state.started_at;
    startedEl.textContent = started.toLocaleString(locale, {
      timeZone: "Europe/Stockholm", dateStyle: "short", timeStyle: "short",
    });
    if (observationLink) {
      const url = new URL(text.observationUrl, window.location.origin);
      url.searchParams.set("activity_id", state.id);
      observationLink.href = url.pathname + url.search;
    }
    // Observations made from any page of this tab belong to the running patrol.
    document.body.dataset.openPatrolId = state.id;
    renderElapsed(state);
    clearInterval(elapsedTimer);
    elapsedTimer = setInterval(() => renderElapsed(state), 30000);
    renderRoute(state);
    toggle.checked = Boolean(state.tracking);
    if (state.tracking && watchId === null) startTracking();
  }

  function renderElapsed(state) {
    const minutes = Math.max(0, Math.floor((Date.now() - new Date(state.started_at)) / 60000));
    elapsedEl.textContent = text.textElapsed
      .replace("{h}", String(Math.floor(minutes / 60)))
      .replace("{m}", String(minutes % 60));
  }

  function renderRoute(state) {
    const route = state.route || [];
    const length = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(routeLength(route));
    const template = route.length === 1 ? text.textPointOne : text.textPoints;
    summary.textContent = template.replace("{n}", String(route.length)).replace("{m}", length);
  }

  function showProblem(message) {
    problem.textContent = message || "";
    problem.hidden = !message;
  }

  // ---- route ------------------------------------------------------------------------------
  function startTracking() {
    if (!("geolocation" in navigator)) {
      showProblem(text.textNoGps);
      toggle.checked = false;
      return;
    }
    showProblem("");
    indicator.hidden = false;
    watchId = navigator.geolocation.watchPosition(onPosition, onPositionError, {
      enableHighAccuracy: true,
      maximumAge: 5000,
      timeout: 60000,
    });
  }

  function stopTracking(remember) {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    watchId = null;
    indicator.hidden = true;
    if (remember) {
      const state = load();
      if (state) save({ ...state, tracking: false });
    }
  }

  function onPosition(position) {
    const state = load();
    if (!state) return stopTracking(false);
    const { latitude, longitude, accuracy } = position.coords;
    if (accuracy > accuracyLimit) return; // a wild fix would draw a zigzag across town
    const route = state.route || [];
    const point = [Number(longitude.toFixed(6)), Number(latitude.toFixed(6))];
    const last = route[route.length - 1];
    if (last && metres(last, point) < MIN_STEP_M) return;
    if (route.length >= routeMax) {
      showProblem(text.textRouteFull);
      return;
    }
    route.push(point);
    const next = { ...state, route };
    save(next);
    renderRoute(next);
  }

  function onPositionError(error) {
    if (error.code === error.PERMISSION_DENIED) {
      showProblem(text.textGpsDenied);
      toggle.checked = false;
      stopTracking(true);
    }
    // Timeouts and lost fixes: keep watching, the next fix may come.
  }

  toggle.addEventListener("change", () => {
    const state = load();
    if (!state) return;
    save({ ...state, tracking: toggle.checked });
    if (toggle.checked) startTracking();
    else stopTracking(true);
  });

  // ---- start and stop ---------------------------------------------------------------------
  function startPayload(id) {
    const data = new FormData(startForm);
    const payload = {
      id,
      activity_type: data.get("activity_type"),
      started_at: localIso(new Date()),
      details: {
        participants_count: Number(data.get("details.participants_count")),
        organisations: data.getAll("details.organisations"),
      },
    };
    if (data.get("area")) payload.area = data.get("area");
    if (data.get("visibility")) payload.visibility = data.get("visibility");
    return payload;
  }

  function looksValid(payload) {
    const n = payload.details.participants_count;
    return Number.isInteger(n) && n >= 1 && n <= 100 && payload.details.organisations.length > 0;
  }

  // "Start patrol" is at the foot of a form a screen tall; the card that takes the form's
  // place is shorter, so the page stayed scrolled down with the card's top cut off, and the
  // focus was lost with the hidden button. The card's title takes the focus and the page goes
  // to its top, where the form without script lands too; a screen too short for the whole
  // card shows it from its top.
  function showRunning() {
    const title = document.getElementById("patrol-running-title");
    title.focus({ preventScroll: true });
    window.scrollTo(0, 0);
    if (running.getBoundingClientRect().bottom > window.innerHeight) {
      running.scrollIntoView({ block: "start" });
    }
  }

  if (startForm) {
    startForm.addEventListener("submit", async (event) => {
      if (!outbox || !outbox.enabled) return; // plain form post
      const payload = startPayload(outbox.uuid4());
      if (!looksValid(payload)) return; // the server shows what to fix
      event.preventDefault();
      const kept = await outbox.keep({
        id: payload.id,
        payload,
        kind: "patrol-start",
        url: text.apiUrl,
        label: text.textLabelStart,
      });
      if (!kept) {
        fail(text.textStorageFailed);
        return;
      }
      const state = { id: payload.id, started_at: payload.started_at, route: [], tracking: false };
      save(state);
      render(state);
      showRunning();
      say(text.textQueuedStart, "sending");
      if (await outbox.sendNow(payload.id)) say(text.textStarted, "sent");
      else say(outbox.waitsForLogin() ? text.textQueuedStartLogin : text.textQueuedStart, "queued");
    });
  }

  // Asked before it is done: one tap that missed "New observation" ended the patrol.
  const stopButton = document.getElementById("patrol-stop");
  const stopConfirm = document.getElementById("patrol-stop-confirm");
  function askToStop(open) {
    stopConfirm.hidden = !open;
    stopButton.hidden = open;
    (open ? document.getElementById("patrol-stop-confirmed") : stopButton).focus();
  }
  document.getElementById("patrol-stop-cancel").addEventListener("click", () => askToStop(false));

  stopForm.addEventListener("submit", async (event) => {
    if (event.submitter === stopButton) {
      event.preventDefault();
      askToStop(true);
      return;
    }
    askToStop(false);
    const state = load();
    if (!outbox || !outbox.enabled || !state) return; // plain form post (server-known patrol)
    event.preventDefault();
    stopTracking(false);
    const payload = { ended_at: localIso(new Date()) };
    if ((state.route || []).length >= 2) payload.route = { type: "LineString", coordinates: state.route };
    const stopId = state.id + ":stop";
    const kept = await outbox.keep({
      id: stopId,
      payload,
      kind: "patrol-stop",
      url: text.stopUrl.replace("__ID__", encodeURIComponent(state.id)),
      label: text.textLabelStop,
      after: state.id,
    });
    if (!kept) {
      fail(text.textStorageFailed);
      return;
    }
    save(null);
    delete document.body.dataset.openPatrolId;
    render(null);
    say(text.textQueuedStop, "sending");
    if (await outbox.sendNow(stopId)) {
      say(text.textStopped, "sent");
      window.location.assign(text.detailUrl.replace("__ID__", encodeURIComponent(state.id)));
      return;
    }
    say(outbox.waitsForLogin() ? text.textQueuedStopLogin : text.textQueuedStop, "queued");
  });

  // ---- which patrol is running ------------------------------------------------------------
  async function initialState() {
    let server = {};
    try {
      server = JSON.parse(text.openPatrol || "{}");
    } catch (error) {
      server = {};
    }
    const local = load();
    // The copy stored for offline use knows nothing of the server's patrols: the phone's own
    // record of the patrol it runs is the truth until the page comes from the server again.
    if (root.hasAttribute("data-offline-copy")) return local || null;
    if (server.id) {
      // The server's patrol, unless this phone started a newer one that is not sent yet.
      const newer = local && new Date(local.started_at) > new Date(server.started_at);
      if (local && local.id !== server.id && newer) return local;
      const route = local && local.id === server.id ? local.route : [];
      const tracking = Boolean(local && local.id === server.id && local.tracking);
      return { id: server.id, started_at: server.started_at, route: route || [], tracking };
    }
    if (!local) return null;
    // Not open on the server: either its start still waits in the outbox, or it was stopped
    // (here or elsewhere) or closed as forgotten.
    const waiting = outbox && outbox.enabled ? await outbox.get(local.id).catch(() => null) : null;
    return waiting ? local : null;
  }

  initialState().then((state) => {
    save(state);
    render(state);
  });
})();
