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
  const itemTemplate = document.getElementById("tpl-outbox-item");
  const serverTemplate = document.getElementById("tpl-server-item");
  const serverList = document.getElementById("server-list");
  const serverStatus = document.getElementById("server-status");
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

  function fieldLabel(name) {
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

  function reasonFor(item) {
    if (item.state === "rejected") {
      if (item.obs_sent) return text.reasonPhoto;
      if (item.error_code === "conflict") return text.reasonConflict;
      return item.last_error ? `${item.last_error} ${text.reasonValidation}` : text.reasonValidation;
    }
    if (item.error_code === "network") return text.reasonNetwork;
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
    }
    const stateKey = "state" + item.state.charAt(0).toUpperCase() + item.state.slice(1);
    node.querySelector(".state-badge").textContent = text[stateKey] || item.state;

    if (item.photos.length) {
      const photos = node.querySelector(".record-photos");
      photos.textContent = text.photos.replace("{n}", String(item.photos.length));
      photos.hidden = false;
    }

    const reason = reasonFor(item);
    if (reason) {
      const problem = node.querySelector(".record-problem");
      problem.hidden = false;
      node.querySelector(".record-reason").textContent = reason;
      const fields = node.querySelector(".record-fields");
      Object.entries(item.fields || {}).forEach(([name, message]) => {
        const li = document.createElement("li");
        li.dataset.field = name;
        li.textContent = `${fieldLabel(name)}: ${message}`;
        fields.appendChild(li);
      });
    }

    // Only content the server has not stored yet can be changed; a stored observation is final.
    const canEdit = isObservation && item.state === "rejected" && !item.obs_sent;
    const editButton = node.querySelector("[data-action=edit]");
    editButton.hidden = !canEdit;
    node.querySelector("[data-action=discard]").disabled = item.state === "sending";

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
    if (editing) return;
    const items = await outbox.list().catch(() => []);
    list.replaceChildren(...items.map(renderItem));
    emptyNote.hidden = items.length > 0;
  }

  window.addEventListener("trygg:outbox-change", () => render());
  window.addEventListener("trygg:outbox-flushed", (event) => {
    render();
    if (event.detail.result.sent.length) loadServerRecords();
  });
  render();

  // ---- records on the server ---------------------------------------------------------------
  async function loadServerRecords() {
    let collection;
    try {
      const response = await fetch(serverList.dataset.url, {
        credentials: "same-origin",
        headers: { Accept: "application/geo+json, application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      collection = await response.json();
    } catch (error) {
      serverStatus.dataset.state = "failed";
      serverStatus.textContent = text.serverFailed;
      serverStatus.hidden = false;
      return;
    }
    const features = collection.features || [];
    serverList.replaceChildren(
      ...features.map((feature) => {
        const p = feature.properties;
        const node = serverTemplate.content.firstElementChild.cloneNode(true);
        node.dataset.id = p.id;
        const labels = p.category_label || {};
        fillCommon(node, p.category, p.observed_at, p.note, labels[locale] || labels.sv);
        const status = lookup("data-status", p.status);
        node.querySelector(".state-badge").textContent = status ? status.textContent : p.status;
        return node;
      })
    );
    serverStatus.dataset.state = features.length ? "loaded" : "empty";
    serverStatus.textContent = features.length ? "" : text.serverEmpty;
    serverStatus.hidden = features.length > 0;
  }

  loadServerRecords();
})();
