/*
 * "My records" (/field/mine): what waits on this phone (with state and reason, fix or discard)
 * and what the server already has. User text is only ever set with textContent.
 */
(function () {
  "use strict";

  const outbox = window.TryggOutbox;
  const list = document.getElementById("outbox-list");
  if (!list || !outbox) return;

  const strings = document.getElementById("mine-strings");
  const text = strings.dataset;
  const emptyNote = document.getElementById("outbox-empty");
  const sendRow = document.getElementById("outbox-send");
  const itemTemplate = document.getElementById("tpl-outbox-item");
  const serverTemplate = document.getElementById("tpl-server-item");
  const serverList = document.getElementById("server-list");
  const serverStatus = document.getElementById("server-status");
  const moreRow = document.getElementById("server-more-row");
  const moreButton = document.getElementById("server-more");
  const moreStatus = document.getElementById("server-more-status");
  // Day-month-year in English too (en-GB), never the American month-first order.
  const locale = document.body.dataset.locale === "en" ? "en-GB" : "sv-SE";

  function lookup(attribute, key) {
    const element = strings.querySelector(`[${attribute}="${CSS.escape(key)}"]`);
    return element || null;
  }

  function categoryLabel(code) {
    const element = lookup("data-category", code);
    return element ? element.textContent : code;
  }

  function categoryColor(code) {
    const element = lookup("data-category", code);
    return element ? element.dataset.color : "#555555";
  }

  // The name the entry's own form gave the field (kept with activities), else the
  // observation form's, else the field's key.
  function fieldLabel(name, item) {
    const own = item && item.field_labels && item.field_labels[name];
    if (own) return own;
    const element = lookup("data-field", name);
    return element ? element.textContent : name;
  }

  function formatTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso || "";
    return date.toLocaleString(locale, { timeZone: "Europe/Stockholm", dateStyle: "medium", timeStyle: "short" });
  }

  function fillCommon(node, category, iso, note, serverLabel) {
    node.querySelector(".record-category").textContent =
      category && lookup("data-category", category)
        ? categoryLabel(category)
        : serverLabel || category; // a category retired since: the server still knows its name
    node.querySelector(".category-swatch").style.setProperty("--cat-color", categoryColor(category));
    const time = node.querySelector(".record-time");
    time.textContent = formatTime(iso);
    node.querySelector(".record-note").textContent = note || text.noNote;
  }

  // ---- items on the phone -------------------------------------------------------------------
  let editing = false; // a re-render would throw away what the user is typing

  // No signal is the normal state on a patrol, not a fault: such an entry just waits for the
  // network, said in its badge, without a box. Red is kept for what the server refused.
  function waitsForNetwork(item) {
    return item.state === "waiting" && (!navigator.onLine || item.error_code === "network");
  }

  function reasonFor(item) {
    if (item.state === "rejected") {
      if (item.obs_sent) return text.reasonPhoto;
      if (item.error_code === "conflict") return text.reasonConflict;
      // Only an observation can be fixed here; another entry is fixed in its own form.
      const isObservation = !item.kind || item.kind === "observation";
      const advice = isObservation
        ? text.reasonValidation
        : item.form_url
          ? text.reasonValidationForm
          : text.reasonValidationElsewhere;
      return item.last_error ? `${item.last_error} ${advice}` : advice;
    }
    if (waitsForNetwork(item)) return "";
    if (item.error_code === "server") return item.last_error || text.reasonServer;
    return "";
  }

  function renderItem(item) {
    const node = itemTemplate.content.firstElementChild.cloneNode(true);
    node.dataset.id = item.id;
    node.dataset.state = item.state;
    const payload = item.payload;
    const isObservation = !item.kind || item.kind === "observation";
    if (isObservation) {
      fillCommon(node, payload.category, payload.observed_at, payload.note);
    } else {
      // Patrol starts, activities, …: their own short label and the time they were made.
      fillCommon(node, "", new Date(item.created_at).toISOString(), payload.note, item.label || item.kind);
      node.querySelector(".category-swatch").hidden = true;
      // Their text is in their own fields (result, actions): "(no note)" would say it is empty.
      node.querySelector(".record-note").hidden = !payload.note;
    }
    const stateKey = "state" + item.state.charAt(0).toUpperCase() + item.state.slice(1);
    const offline = waitsForNetwork(item);
    if (offline) node.dataset.wait = "network";
    node.querySelector(".state-badge").textContent = offline ? text.stateNetwork : text[stateKey] || item.state;

    if (item.photos.length) {
      const photos = node.querySelector(".record-photos");
      photos.textContent = text.photos.replace("{n}", String(item.photos.length));
      photos.hidden = false;
    }

    const reason = reasonFor(item);
    if (reason) {
      const problem = node.querySelector(".record-problem");
      problem.hidden = false;
      // A server that will be asked again is a note; only a refusal is an error.
      problem.dataset.kind = item.state === "rejected" ? "refused" : "retry";
      node.querySelector(".record-reason").textContent = reason;
      const fields = node.querySelector(".record-fields");
      Object.entries(item.fields || {}).forEach(([name, message]) => {
        const li = document.createElement("li");
        li.dataset.field = name;
        li.textContent = `${fieldLabel(name, item)}: ${message}`;
        fields.appendChild(li);
      });
    }

    // Only content the server has not stored yet can be changed; a stored observation is final.
    const canEdit = isObservation && item.state === "rejected" && !item.obs_sent;
    const editButton = node.querySelector("[data-action=edit]");
    editButton.hidden = !canEdit;
    // Another kind opens in its own form, filled in with what was kept and the server's reasons
    // (activity-form.js), also offline: the forms are stored on the phone.
    const formLink = node.querySelector("[data-action=open-form]");
    if (!isObservation && item.state === "rejected" && item.error_code === "validation" && item.form_url) {
      const url = new URL(item.form_url, window.location.href);
      url.searchParams.set("fix", item.id);
      formLink.href = url.pathname + url.search;
      formLink.hidden = false;
    }
    // Discarding loses the entry for good: the button sits apart (at the row's far end, never
    // right under the state) and asks first. Red only beside a refusal, where it is a real choice.
    const discardButton = node.querySelector("[data-action=discard]");
    discardButton.disabled = item.state === "sending";
    discardButton.classList.toggle("btn-danger", item.state === "rejected");

    const form = node.querySelector(".record-edit");
    form.elements.category.value = payload.category;
    form.elements.note.value = payload.note || "";
    form.querySelectorAll("label[data-for]").forEach((label) => {
      const control = form.elements[label.dataset.for];
      control.id = `edit-${label.dataset.for}-${item.id}`;
      label.htmlFor = control.id;
    });

    editButton.addEventListener("click", () => {
      editing = true;
      form.hidden = false;
      editButton.hidden = true;
      form.elements.note.focus();
    });
    form.querySelector("[data-action=cancel]").addEventListener("click", () => {
      editing = false;
      render();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const fixed = {
        ...payload,
        category: form.elements.category.value,
        note: form.elements.note.value.trim(),
      };
      // A conflict means the server holds other content under this id: send as a new record.
      const newId = item.error_code === "conflict" ? outbox.uuid4() : null;
      await outbox.update(item.id, fixed, { newId });
      editing = false;
      await render();
      outbox.flush({ force: true }).catch(() => {});
    });
    node.querySelector("[data-action=discard]").addEventListener("click", async () => {
      if (!window.confirm(text.confirmDiscard)) return;
      await outbox.discard(item.id);
      editing = false;
      await render();
    });
    return node;
  }

  async function render() {
    const items = await outbox.list().catch(() => []);
    // "Send now" only while something can be sent: a refused entry waits for a fix, and the
    // button would only answer "nothing is waiting".
    sendRow.hidden = !items.some((item) => item.state !== "rejected");
    if (editing) return;
    list.replaceChildren(...items.map(renderItem));
    emptyNote.hidden = items.length > 0;
  }

  window.addEventListener("trygg:outbox-change", () => render());
  // "Waiting for a network" and "Waiting to be sent" follow the signal.
  window.addEventListener("online", () => render());
  window.addEventListener("offline", () => render());
  window.addEventListener("trygg:outbox-flushed", (event) => {
    render();
    if (event.detail.result.sent.length) loadServerRecords();
  });
  render();

  // ---- records on the server ---------------------------------------------------------------
  // Newest first, PAGE_SIZE at a time; "Show more" asks for the page after the last record
  // shown (the API's `next_before` cursor), so no record is skipped or shown twice.
  const PAGE_SIZE = 25;
  let nextBefore = null;
  let generation = 0; // a reload makes any answer still on its way stale

  async function fetchPage(limit, before) {
    const url = new URL(serverList.dataset.url, window.location.href);
    url.searchParams.set("limit", String(limit));
    if (before) url.searchParams.set("before", before);
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" },
    });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  function renderServerItem(feature) {
    const p = feature.properties;
    const node = serverTemplate.content.firstElementChild.cloneNode(true);
    node.dataset.id = p.id;
    const labels = p.category_label || {};
    fillCommon(node, p.category, p.observed_at, p.note, labels[locale] || labels.sv);
    const status = lookup("data-status", p.status);
    node.querySelector(".state-badge").textContent = status ? status.textContent : p.status;
    // The whole record opens its page; the time tells the links apart for screen readers.
    const link = node.querySelector(".record-open");
    link.href = serverList.dataset.detailUrl.replace("__ID__", encodeURIComponent(p.id));
    const time = node.querySelector(".record-time");
    time.id = `server-time-${p.id}`;
    link.setAttribute("aria-describedby", time.id);
    return node;
  }

  function showMore(cursor) {
    nextBefore = cursor || null;
    moreRow.hidden = !nextBefore;
    moreButton.disabled = false;
  }

  // The first page, or as many records as are shown already: after a send the new ones come
  // on top and the pages the officer has opened stay open.
  function showServerFailed() {
    serverStatus.dataset.state = "failed";
    // Known to be offline (the header says so too): say when they show, not that it failed.
    serverStatus.textContent = navigator.onLine ? text.serverFailed : text.serverOffline;
    serverStatus.hidden = false;
    moreButton.disabled = false;
  }

  async function loadServerRecords() {
    const run = ++generation;
    // Without a network the request could only fail: it is made when the signal is back.
    if (!navigator.onLine) {
      showServerFailed();
      return;
    }
    const limit = Math.max(PAGE_SIZE, serverList.children.length);
    moreButton.disabled = true;
    let collection;
    try {
      collection = await fetchPage(limit, null);
    } catch (error) {
      if (run === generation) showServerFailed();
      return;
    }
    if (run !== generation) return;
    const features = collection.features || [];
    serverList.replaceChildren(...features.map(renderServerItem));
    showMore(collection.next_before);
    moreStatus.hidden = true;
    serverStatus.dataset.state = features.length ? "loaded" : "empty";
    serverStatus.textContent = features.length ? "" : text.serverEmpty;
    serverStatus.hidden = features.length > 0;
  }

  async function loadMore() {
    if (!nextBefore) return;
    const run = generation;
    let collection;
    try {
      if (!navigator.onLine) throw new Error("offline");
      moreButton.disabled = true;
      collection = await fetchPage(PAGE_SIZE, nextBefore);
    } catch (error) {
      if (run !== generation) return;
      moreStatus.textContent = navigator.onLine ? text.serverFailed : text.serverOffline;
      moreStatus.hidden = false;
      moreButton.disabled = false;
      return;
    }
    if (run !== generation) return;
    moreStatus.hidden = true;
    const nodes = (collection.features || []).map(renderServerItem);
    serverList.append(...nodes);
    showMore(collection.next_before);
    // Focus goes on with the list: the button may be gone, and the next record is what's new.
    if (nodes.length) nodes[0].querySelector(".record-open").focus();
  }

  moreButton.addEventListener("click", () => loadMore());

  loadServerRecords();
  // Loaded without a network: the list comes as soon as the signal does.
  window.addEventListener("online", () => {
    if (serverStatus.dataset.state === "failed") loadServerRecords();
  });
})();
