/*
 * Outbox: every observation made in the field waits here, in IndexedDB, until the server has
 * confirmed it and all of its photos. Nothing is deleted before that, so a dead battery, a closed
 * tab or hours without signal lose nothing. No libraries; exposed as window.TryggOutbox.
 *
 * Item: {id, payload, photos: [{id, blob, sent}], state: "waiting"|"sending"|"rejected",
 *        attempts, next_try_at, last_error, error_code, fields, obs_sent, created_at,
 *        kind, url, method, label, after, photo_url, token_url}
 * Items are observations unless they say otherwise: other records made in the field (patrol
 * start/stop, activities) give their own `kind`, `url` and `method` and a short `label` for
 * lists, and are sent as JSON exactly like an observation (`obs_sent`: the main request is done).
 * `after` names an item that must reach the server first. `token_url` (residents' reports): the
 * payload's single-use `form_token` is exchanged there for a fresh one just before each send, so
 * a report queued offline from an old page still goes through once.
 * ("sent" items are deleted at once, so "sent" never lingers in the store.)
 *
 * flush() sends whatever waits, one flush at a time; sendNow(id) sends the one entry its page
 * just kept, at once, beside any flush. Each item is sent under its own lock, so two senders
 * never send the same item at once nor undo each other's answer.
 *
 * Events on window: "trygg:outbox-change" {count}, "trygg:outbox-flushed" {result},
 * "trygg:outbox-unauthenticated".
 */
(function () {
  "use strict";

  const STORE = "items";
  const OBSERVATIONS_URL = "/api/v1/observations"; // the versioned API contract (DESIGN §5)
  // Observations without photos go out up to BATCH_SIZE per request, each answered on its own;
  // photos, other records and old servers (404/405 here) keep the one-by-one path.
  const BATCH_URL = OBSERVATIONS_URL + "/batch";
  const BATCH_SIZE = 100;
  const ME_URL = "/api/v1/me";
  const CITIZEN_TOKEN_URL = "/api/v1/public/form-token"; // for reports queued before token_url
  const REQUEST_TIMEOUT_MS = 30000; // a hung request on a weak signal must not block the lock forever
  const BACKOFF_BASE_MS = 5000;
  const BACKOFF_MAX_MS = 15 * 60 * 1000;

  const body = document.body;
  // One database per account: another user's session on this phone never sees or sends these.
  const userId = body.dataset.userId || null;
  // A walk participant has no account: the page names a scope of its own (one store per walk
  // session) and the URL that says whether that session is still valid, with a fresh token.
  const scope = userId ? "u" + userId : body.dataset.outboxScope || null;
  const csrfUrl = (!userId && body.dataset.outboxCsrfUrl) || body.dataset.csrfUrl;
  const dbName = scope ? "trygg-outbox-" + scope : null;
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("trygg-outbox") : null;

  let dbPromise = null;

  function openDb() {
    if (!dbName) return Promise.reject(new Error("not logged in"));
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(dbName, 1);
        request.onupgradeneeded = () => {
          request.result.createObjectStore(STORE, { keyPath: "id" });
        };
        request.onsuccess = () => {
          const db = request.result;
          // Another tab deleting this database (logout with "clear") must not be blocked by us.
          db.onversionchange = () => {
            db.close();
            dbPromise = null;
          };
          resolve(db);
        };
        request.onerror = () => reject(request.error);
      });
      dbPromise.catch(() => {
        dbPromise = null;
      });
    }
    return dbPromise;
  }

  // Run fn(store) in one transaction of `db`; resolves with fn's IDBRequest result once committed.
  function transact(db, mode, fn) {
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  async function withStore(mode, fn) {
    return transact(await openDb(), mode, fn);
  }

  // Another outbox database of this phone, only if it exists: one gone meanwhile is not made
  // anew (walk-participant.js reads an earlier walk session's store this way). The caller closes it.
  function openExisting(name) {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open(name);
      opening.onupgradeneeded = () => opening.transaction.abort();
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
  }

  async function list() {
    if (!dbName) return [];
    const items = await withStore("readonly", (store) => store.getAll());
    return items.sort((a, b) => a.created_at - b.created_at);
  }

  function get(id) {
    return withStore("readonly", (store) => store.get(id));
  }

  function put(item) {
    return withStore("readwrite", (store) => store.put(item));
  }

  const PENDING = new Set(["waiting", "sending"]);

  // Writes of a sender, after its request: two senders may hold copies of one item (a form's
  // sendNow and a flush started by Background Sync), and a copy must never bring back an item
  // the other one has finished meanwhile (sent, or refused and then discarded by its form).
  function putIfKept(item) {
    return withStore("readwrite", (store) => {
      const request = store.get(item.id);
      request.onsuccess = () => {
        if (request.result) store.put(item);
      };
      return request;
    });
  }

  // Change the stored item only while it still waits to be sent (a refusal or a send written by
  // another sender stays as it is). One transaction, so nothing slips in between.
  function patchPending(id, change) {
    return withStore("readwrite", (store) => {
      const request = store.get(id);
      request.onsuccess = () => {
        const item = request.result;
        if (item && PENDING.has(item.state)) {
          change(item);
          store.put(item);
        }
      };
      return request;
    });
  }

  async function count() {
    if (!dbName) return 0;
    return withStore("readonly", (store) => store.count());
  }

  async function notifyChange(fromOtherTab) {
    const n = await count().catch(() => 0);
    window.dispatchEvent(new CustomEvent("trygg:outbox-change", { detail: { count: n } }));
    if (channel && !fromOtherTab) channel.postMessage({ type: "change", user: scope });
  }

  if (channel) {
    channel.onmessage = (event) => {
      if (event.data && event.data.user === scope) notifyChange(true);
    };
  }

  // Waiting to be sent, with no attempt and no refusal behind it.
  function cleanSlate() {
    return { state: "waiting", attempts: 0, next_try_at: 0, last_error: "", error_code: "", fields: {} };
  }

  // `backgroundSync: false`: the caller sends it at once (sendNow), which asks for a
  // Background Sync only if the entry is left waiting; asked for here, the worker's wake-up
  // started a second, full flush beside that send.
  async function add(
    { id, payload, photos, kind, url, method, label, after, photoUrl, tokenUrl, fieldLabels, formUrl },
    { backgroundSync = true } = {}
  ) {
    const item = {
      id,
      payload,
      kind: kind || "observation",
      url: url || OBSERVATIONS_URL,
      photo_url: photoUrl || null, // base for photo PUTs: `${photo_url}/${photo id}`
      token_url: tokenUrl || null,
      method: method || "POST",
      label: label || "",
      field_labels: fieldLabels || null, // the form's names of its fields, for a refusal
      form_url: formUrl || null, // where a refused entry is fixed (its form, filled in again)
      after: after || null,
      photos: (photos || []).map((p) => ({ id: p.id, blob: p.blob, sent: false })),
      ...cleanSlate(),
      obs_sent: false,
      created_at: Date.now(),
    };
    await put(item);
    await notifyChange();
    if (backgroundSync) requestBackgroundSync();
    return item;
  }

  // add() for a page that says what happened: true once the entry is kept on the phone, false
  // when the phone could not store it (storage full or blocked), which the page then says.
  // The page sends it next, with sendNow.
  async function keep(entry) {
    try {
      await add(entry, { backgroundSync: false });
      return true;
    } catch (error) {
      return false;
    }
  }

  // Send what was just kept, now, while its page waits for the answer: true once the server
  // has item `id` (false when it waits for a connection, or was refused: see its state).
  //
  // Only this item, in one request. A whole flush first waited for any flush running in this
  // or another tab, fetched a fresh CSRF token and then /me (two more round trips, through the
  // service worker) and sent every older entry before this one: on a weak signal the form
  // waited 6–10 s for its answer. `csrfToken` is the page's own token: it is bound to the login
  // that rendered the page (logging in or out replaces it, webapp/auth/views.py), so when the
  // server takes it the session is this outbox's owner and no /me is needed. A refused token
  // (a form stored for offline use, an older login) costs the fresh token and the owner check,
  // as in a flush. Without a token the session is checked first, as a flush does.
  async function sendNow(id, { csrfToken = null } = {}) {
    const first = await get(id).catch(() => null);
    if (!first) return false;
    // Entries that must wait for another one, or go out in batches, take the flush's road.
    const blocked = first.after && (await get(first.after).catch(() => null));
    if (blocked || batchable(first)) {
      const outcome = await flush({ force: true }).catch(() => null);
      if (outcome && outcome.sent.includes(id)) return true;
      await syncIfWaiting(id);
      return false;
    }
    if (knownOffline()) {
      await afterSending({ sent: [], rejected: [], retry: [id], stopped: "network" });
      await syncIfWaiting(id);
      return false;
    }
    const result = { sent: [], rejected: [], retry: [], stopped: null };
    try {
      // A flush sending this very item now (Background Sync, another tab) is waited for: one
      // item, one request at a time.
      await withItemLock(id, false, async () => {
        const item = await get(id);
        if (!item || !PENDING.has(item.state)) return; // a flush has answered it meanwhile
        const session = new Session(csrfToken);
        if (!csrfToken) {
          const state = await session.open();
          if (state !== "ok") {
            await holdBack([item], state, result);
            return;
          }
        }
        item.state = "sending";
        await putIfKept(item);
        await settle(item, await sendItem(item, session), result);
      });
    } catch (error) {
      return false; // storage trouble: the entry stays; the next flush tries again
    }
    await afterSending(result);
    if (result.sent.includes(id)) return true;
    // Not sent here: gone all the same when a flush sent it meanwhile (nothing else deletes it
    // while its page waits).
    const left = await get(id).then((item) => !item, () => false);
    if (!left) await syncIfWaiting(id);
    return left;
  }

  // An entry left waiting: the browser wakes the open pages to send it once there is a
  // connection (Background Sync, where there is one).
  async function syncIfWaiting(id) {
    const item = await get(id).catch(() => null);
    if (item && PENDING.has(item.state)) requestBackgroundSync();
  }

  // After the user fixed a refused item: new content, a clean slate, and send again.
  async function update(id, payload, { newId } = {}) {
    const item = await get(id);
    if (!item) return null;
    const fixed = {
      ...item,
      payload: { ...payload, id: newId || item.id },
      id: newId || item.id,
      ...cleanSlate(),
    };
    await withStore("readwrite", (store) => {
      if (newId && newId !== id) store.delete(id);
      return store.put(fixed);
    });
    await notifyChange();
    return fixed;
  }

  async function discard(id) {
    await withStore("readwrite", (store) => store.delete(id));
    await notifyChange();
  }

  // Only on an explicit choice by the user (logout with "delete unsent entries").
  async function clearAll() {
    if (!dbName) return;
    if (dbPromise) {
      const db = await dbPromise.catch(() => null);
      if (db) db.close();
      dbPromise = null;
    }
    await new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase(dbName);
      request.onsuccess = resolve;
      request.onerror = () => reject(request.error);
      request.onblocked = resolve; // other tabs close on versionchange; deletion completes then
    });
    await notifyChange();
  }

  function requestBackgroundSync() {
    // Chromium only; elsewhere load/online/button flushes cover it (FACTS: no Sync in FF/Safari).
    if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) return;
    navigator.serviceWorker.ready
      .then((registration) => registration.sync && registration.sync.register("outbox"))
      .catch(() => {});
  }

  // ---- talking to the server -------------------------------------------------------------

  // The phone says it has no network at all (flight mode, no signal): every request would fail
  // at once, so none is made (a page without signal asked for a CSRF token again and again).
  // Nothing counts as an attempt and no back-off grows; the "online" event (app.js) sends at
  // once when the signal is back. `onLine` true proves nothing, so then requests are tried.
  function knownOffline() {
    return navigator.onLine === false;
  }

  // Holds the CSRF token for one flush. Tokens may have expired while the phone was offline, so
  // every flush starts by fetching a fresh one (open); sendNow starts with its page's token.
  function Session(token) {
    this.token = token || null;
  }

  // A fresh token, and a session that belongs to this outbox's owner: "ok", "offline",
  // "server", "unauthenticated" or "other-user".
  Session.prototype.open = async function () {
    const state = await this.refreshToken();
    return state === "ok" ? this.checkOwner() : state;
  };

  Session.prototype.refreshToken = async function () {
    let response;
    try {
      response = await timedFetch(csrfUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      return "offline";
    }
    if (!response.ok) return "server";
    const data = await response.json().catch(() => ({}));
    if (!data.authenticated) return "unauthenticated";
    this.token = data.csrf_token;
    this.scope = data.outbox_scope || null; // walk participants: whose walk session this is
    return "ok";
  };

  // The session must belong to the outbox's owner: a page cached for one user and opened while
  // another is logged in must never send the first user's entries under the second's name.
  Session.prototype.checkOwner = async function () {
    // A walk participant has no account: the walk session names its owner instead.
    if (!userId) return this.scope === scope ? "ok" : "other-user";
    let response;
    try {
      response = await timedFetch(ME_URL, { credentials: "same-origin", cache: "no-store" });
    } catch (error) {
      return "offline";
    }
    if (response.status === 401) return "unauthenticated";
    if (!response.ok) return "server";
    const me = await response.json().catch(() => ({}));
    return String(me.id) === userId ? "ok" : "other-user";
  };

  // One request; a refused CSRF token is refreshed and the request retried once. The fresh
  // token is only used once the session is known to be the outbox owner's (see checkOwner).
  Session.prototype.send = async function (method, url, content, contentType) {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      let response;
      try {
        response = await timedFetch(url, {
          method,
          credentials: "same-origin",
          cache: "no-store",
          headers: { "Content-Type": contentType, Accept: "application/json", "X-CSRFToken": this.token },
          body: content,
        });
      } catch (error) {
        return { status: 0, network: true };
      }
      const data = await response.json().catch(() => ({}));
      const problem = (data && data.error) || {};
      if (response.status === 400 && problem.code === "csrf_failed" && attempt === 0) {
        const state = await this.open();
        if (state === "unauthenticated" || state === "other-user") {
          return { status: 401, problem: { code: "unauthenticated" } }; // log in again
        }
        if (state !== "ok") return { status: 0, network: state === "offline" };
        continue;
      }
      return { status: response.status, problem, data };
    }
    return { status: 400, problem: { code: "csrf_failed" } };
  };

  function timedFetch(url, options) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    return fetch(url, { ...options, signal: controller.signal }).finally(() => clearTimeout(timer));
  }

  // What a response means for the item: done, refused for good, try later, or stop everything.
  function classify(reply) {
    const { status, problem } = reply;
    if (status === 200 || status === 201) return { kind: "ok" };
    if (reply.network) return { kind: "retry", code: "network", network: true };
    if (status === 401) return { kind: "unauthenticated" };
    if (status === 409) return { kind: "rejected", code: "conflict", message: problem.message || "" };
    if ([400, 403, 404, 413, 415, 422].includes(status)) {
      return { kind: "rejected", code: "validation", message: problem.message || "", fields: problem.fields || {} };
    }
    return { kind: "retry", code: "server", message: problem.message || "" }; // 429, 5xx, proxies
  }

  // The payload with a fresh single-use form token in place of the stored one (see token_url).
  // The stored payload keeps the page's token: it can be exchanged again on the next try.
  async function freshPayload(item, session) {
    const tokenUrl = item.token_url || (item.kind === "citizen_report" ? CITIZEN_TOKEN_URL : null);
    if (!tokenUrl) return { payload: item.payload };
    const body = JSON.stringify({ form_token: item.payload.form_token });
    const reply = await session.send("POST", tokenUrl, body, "application/json");
    const outcome = classify(reply);
    // Nothing about the report itself was refused: whatever went wrong, try again later.
    if (outcome.kind === "rejected") return { outcome: { kind: "retry", code: "server" } };
    if (outcome.kind !== "ok") return { outcome };
    return { payload: { ...item.payload, form_token: reply.data.form_token } };
  }

  async function sendItem(item, session) {
    if (!item.obs_sent) {
      // Items queued before `url`/`method` existed are observations.
      const url = item.url || OBSERVATIONS_URL;
      const fresh = await freshPayload(item, session);
      if (fresh.outcome) return fresh.outcome;
      const reply = await session.send(item.method || "POST", url, JSON.stringify(fresh.payload), "application/json");
      const outcome = classify(reply);
      if (outcome.kind !== "ok") return outcome;
      // Recorded at once: the observation is on the server even if a photo fails next.
      item.obs_sent = true;
      await putIfKept(item);
    }
    for (const photo of item.photos) {
      if (photo.sent) continue;
      const base = item.photo_url || `${OBSERVATIONS_URL}/${encodeURIComponent(item.id)}/photos`;
      const url = `${base}/${encodeURIComponent(photo.id)}`;
      const reply = await session.send("PUT", url, photo.blob, "image/jpeg");
      const outcome = classify(reply);
      if (outcome.kind !== "ok") return outcome;
      photo.sent = true;
      photo.blob = null; // confirmed: the phone's copy is no longer needed
      await putIfKept(item);
    }
    return { kind: "ok" };
  }

  function backoff(item, outcome) {
    item.attempts += 1;
    // Exponential with "equal jitter": phones coming back online together do not retry in step.
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (item.attempts - 1));
    item.next_try_at = Date.now() + ceiling / 2 + Math.random() * (ceiling / 2);
    item.state = "waiting";
    item.error_code = outcome.code;
    item.last_error = outcome.message || "";
  }

  function batchable(item) {
    return (
      !item.obs_sent &&
      !item.token_url &&
      !item.after &&
      (!item.kind || item.kind === "observation") &&
      (!item.url || item.url === OBSERVATIONS_URL) &&
      (!item.method || item.method === "POST") &&
      !(item.photos || []).length
    );
  }

  // Sends the batchable items of `due` in batches. Items the server answered (201/200: gone
  // from the outbox; 409/422: rejected, as on the one-by-one path) are in `handled`; anything
  // else (a failed or refused batch) is left to the one-by-one loop, which knows every case.
  async function sendBatches(due, session, result, unsent) {
    const handled = new Set();
    const items = due.filter(batchable);
    if (items.length < 2) return { handled };
    for (let start = 0; start < items.length; start += BATCH_SIZE) {
      const chunk = items.slice(start, start + BATCH_SIZE);
      const body = JSON.stringify({ items: chunk.map((item) => item.payload) });
      const reply = await session.send("POST", BATCH_URL, body, "application/json");
      if (reply.status === 401) return { handled, stopped: "unauthenticated" };
      const results = reply.status === 200 && reply.data && reply.data.results;
      if (!Array.isArray(results) || results.length !== chunk.length) return { handled };
      const sent = [];
      const rejected = [];
      chunk.forEach((item, i) => {
        const answer = results[i] || {};
        if (answer.status === 200 || answer.status === 201) {
          sent.push(item);
        } else if (answer.status === 409 || answer.status === 422) {
          const problem = answer.error || {};
          item.state = "rejected";
          item.error_code = answer.status === 409 ? "conflict" : "validation";
          item.last_error = problem.message || "";
          item.fields = problem.fields || {};
          rejected.push(item);
        }
      });
      // One IndexedDB transaction per batch, not one per item.
      await withStore("readwrite", (store) => {
        for (const item of sent) store.delete(item.id);
        for (const item of rejected) store.put(item);
      });
      for (const item of sent) {
        handled.add(item.id);
        unsent.delete(item.id);
        result.sent.push(item.id);
      }
      for (const item of rejected) {
        handled.add(item.id);
        result.rejected.push(item.id);
      }
      await notifyChange();
    }
    return { handled };
  }

  // What one send means for the item, written to the outbox and noted in `result`.
  async function settle(item, outcome, result) {
    if (outcome.kind === "ok") {
      await withStore("readwrite", (store) => store.delete(item.id));
      result.sent.push(item.id);
    } else if (outcome.kind === "rejected") {
      item.state = "rejected";
      item.error_code = outcome.code;
      item.last_error = outcome.message || "";
      item.fields = outcome.fields || {};
      await putIfKept(item);
      result.rejected.push(item.id);
    } else if (outcome.kind === "unauthenticated") {
      item.state = "waiting";
      await putIfKept(item);
      result.stopped = "unauthenticated";
    } else {
      backoff(item, outcome);
      await putIfKept(item);
      result.retry.push(item.id);
      if (outcome.network) result.stopped = "network";
    }
  }

  // No session to send with (`state` from Session.open): the items wait, as the reason says.
  async function holdBack(items, state, result) {
    if (state === "unauthenticated" || state === "other-user") {
      result.stopped = "unauthenticated"; // either way: this user has to log in again
      return;
    }
    const outcome = { code: state === "offline" ? "network" : "server" };
    for (const item of items) {
      await patchPending(item.id, (stored) => backoff(stored, outcome));
      result.retry.push(item.id);
    }
    result.stopped = outcome.code;
  }

  async function runFlush(force) {
    const result = { sent: [], rejected: [], retry: [], stopped: null };
    const all = await list();
    const pending = all.filter((i) => PENDING.has(i.state));
    // An item with `after` waits until that item has left the outbox (a patrol's stop after
    // its start), whatever their back-offs say.
    const unsent = new Set(all.map((i) => i.id));
    const now = Date.now();
    const due = pending.filter((i) => force || !i.next_try_at || i.next_try_at <= now);
    // Nothing but items still waiting for their `after`: no need to bother the server.
    if (!due.some((i) => !i.after || !unsent.has(i.after))) return result;
    if (knownOffline()) {
      result.retry.push(...due.map((i) => i.id));
      result.stopped = "network";
      return result;
    }

    const session = new Session();
    const tokenState = await session.open();
    if (tokenState !== "ok") {
      await holdBack(due, tokenState, result);
      return result;
    }

    const done = await sendBatches(due, session, result, unsent);
    if (done.stopped) {
      result.stopped = done.stopped;
      return result;
    }

    for (let index = 0; index < due.length; index += 1) {
      const listed = due[index];
      if (done.handled.has(listed.id)) continue;
      if (listed.after && unsent.has(listed.after)) continue;
      // Its page may be sending it right now (sendNow): that one answers for it. Otherwise the
      // item is read again under its lock, as a sender may have finished it since the list.
      const outcome = await withItemLock(listed.id, true, async () => {
        const item = await get(listed.id);
        if (!item) {
          unsent.delete(listed.id); // sent meanwhile: whatever waited for it may go now
          return null;
        }
        if (!PENDING.has(item.state)) return null;
        item.state = "sending";
        await putIfKept(item);
        const answer = await sendItem(item, session);
        await settle(item, answer, result);
        if (answer.kind === "ok") unsent.delete(item.id);
        return { answer, item };
      });
      if (!outcome || outcome === BUSY) continue;
      await notifyChange();
      if (result.stopped === "unauthenticated") break;
      if (outcome.answer.network) {
        // The network is gone: the rest would fail the same way; let them wait as long.
        for (const rest of due.slice(index + 1)) {
          if (done.handled.has(rest.id)) continue; // answered in a batch already
          await patchPending(rest.id, (stored) => {
            stored.next_try_at = outcome.item.next_try_at;
            stored.error_code = "network";
          });
          result.retry.push(rest.id);
        }
        break;
      }
    }
    return result;
  }

  // ---- one sender per item -----------------------------------------------------------------

  const BUSY = { busy: true };
  const localItemLocks = new Map(); // without Web Locks: this tab only

  // Run fn while holding item `id`'s lock (in every tab, with Web Locks). `ifAvailable`: when
  // another sender holds it, resolve with BUSY at once instead of waiting.
  function withItemLock(id, ifAvailable, fn) {
    const name = `trygg-outbox-item-${dbName}-${id}`;
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request(name, { ifAvailable }, (lock) => (lock ? fn() : BUSY));
    }
    const previous = localItemLocks.get(name);
    if (previous && ifAvailable) return Promise.resolve(BUSY);
    const run = (previous || Promise.resolve()).then(fn);
    const tail = run.catch(() => {});
    localItemLocks.set(name, tail);
    tail.then(() => {
      if (localItemLocks.get(name) === tail) localItemLocks.delete(name);
    });
    return run;
  }

  // ---- one flush at a time -----------------------------------------------------------------

  let chain = Promise.resolve();
  let queued = null;
  let retryTimer = null;

  // Calls made while a flush runs are folded into one follow-up flush, so every caller's item is
  // covered but two flushes never overlap in this tab. Web Locks extend that to other tabs.
  function flush({ force = false } = {}) {
    if (!dbName) return Promise.resolve({ sent: [], rejected: [], retry: [], stopped: "no-user" });
    if (queued) {
      queued.force = queued.force || force;
      return queued.promise;
    }
    const entry = { force };
    entry.promise = chain.then(() => {
      queued = null;
      return withLock(() => runFlush(entry.force));
    });
    queued = entry;
    chain = entry.promise.catch(() => {});
    return entry.promise.then(async (result) => {
      await afterSending(result);
      return result;
    });
  }

  // Whether the last flush or sendNow stopped because the server no longer knows the login
  // (logged out elsewhere, expired, disabled): what is kept then waits for a login, not for a
  // signal, and the pages say so.
  let loginLost = false;
  function waitsForLogin() {
    return loginLost;
  }

  // The news of a flush or a sendNow, for the count, the retry timer and the pages.
  async function afterSending(result) {
    loginLost = result.stopped === "unauthenticated";
    await notifyChange();
    await scheduleRetry();
    window.dispatchEvent(new CustomEvent("trygg:outbox-flushed", { detail: { result } }));
    if (result.stopped === "unauthenticated") {
      window.dispatchEvent(new CustomEvent("trygg:outbox-unauthenticated"));
    }
  }

  function withLock(fn) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("trygg-outbox-flush-" + dbName, fn);
    }
    return fn();
  }

  // While the page is open, retry when the earliest back-off ends. Not while the phone knows it
  // is offline: the "online" event sends at once (app.js).
  async function scheduleRetry() {
    clearTimeout(retryTimer);
    if (knownOffline()) return;
    const all = await list().catch(() => []);
    const unsent = new Set(all.map((i) => i.id));
    // Items blocked by their `after` go out in the same flush as that item, on its timer.
    const waiting = all.filter((i) => i.state === "waiting" && !(i.after && unsent.has(i.after)));
    if (!waiting.length) return;
    const next = Math.min(...waiting.map((i) => i.next_try_at || 0));
    retryTimer = setTimeout(() => flush(), Math.max(1000, next - Date.now()));
  }

  // Ids are made on the phone when the entry is made: a retry can then never create a second row.
  function uuid4() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // Why the server refused an item, in its own words (already in the user's language): the
  // message of each field, else the general message.
  function reasons(item) {
    const fields = Object.values(item.fields || {}).filter(Boolean).map(String);
    if (fields.length) return fields;
    return item.last_error ? [String(item.last_error)] : [];
  }

  window.TryggOutbox = {
    reasons,
    enabled: Boolean(dbName),
    uuid4,
    userId,
    add,
    keep,
    sendNow,
    waitsForLogin,
    list,
    get,
    count,
    update,
    discard,
    clearAll,
    flush,
    openExisting,
    transact,
  };
})();
