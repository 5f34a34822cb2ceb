/*
 * Small helpers the page scripts share, as window.TryggCommon. Loaded by base.html before every
 * other script and precached by the service worker (sw.js SHELL), so it is there offline too.
 */
(function () {
  "use strict";

  function pad(n) {
    return String(Math.floor(Math.abs(n))).padStart(2, "0");
  }

  // ISO 8601 with the phone's own offset, as the API wants (e.g. 2016-05-03T18:30:00+02:00), so a
  // record shows the time as the user saw it.
  function localIso(date) {
    const offset = -date.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    return (
      `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
      `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
      `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
    );
  }

  // Short date and time on the Swedish clock, in the page's language.
  function stockholmTime(iso, locale) {
    return new Date(iso).toLocaleString(locale, {
      timeZone: "Europe/Stockholm", dateStyle: "short", timeStyle: "short",
    });
  }

  // The hour and minute on the Swedish clock ("14:32"), e.g. to tell one save's "Sent" from
  // the one before. The 24-hour clock in English too (en-GB).
  function clockTime(date) {
    const locale = document.body.dataset.locale === "en" ? "en-GB" : "sv-SE";
    return date.toLocaleTimeString(locale, { timeZone: "Europe/Stockholm", hour: "2-digit", minute: "2-digit" });
  }

  // A message box: shows the text, or hides the box when there is none.
  function show(element, message) {
    if (!element) return;
    element.textContent = message || "";
    element.hidden = !message;
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  async function getJson(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  // The draggable pin of a form's map: made on the first call, moved on later ones. Returns it;
  // `onDrag(latlng)` hears where the user dropped it.
  function dragPin(map, pin, lat, lon, onDrag) {
    if (pin) {
      pin.setLatLng([lat, lon]);
      return pin;
    }
    const made = window.L.marker([lat, lon], { draggable: true, keyboard: true }).addTo(map);
    made.on("dragend", () => onDrag(made.getLatLng()));
    return made;
  }

  window.TryggCommon = { localIso, stockholmTime, clockTime, show, el, getJson, dragPin };

  // Leaflet names its own buttons in English ("Zoom in", "Close popup") and makes an outline
  // with a hover label a nameless Tab stop. Every map on every page (Folium's too) gets the
  // page's words, and outlines, which nobody acts on, leave the Tab order; markers that are
  // buttons (role set by their script) keep theirs.
  const OUTLINE = "path.leaflet-interactive:not([role])";

  // `root` and everything in it (an added node is looked at once, not its whole parent again).
  function within(root, selector) {
    const found = [...root.querySelectorAll(selector)];
    if (root.matches && root.matches(selector)) found.push(root);
    return found;
  }

  function localiseMaps(root, words) {
    if (!root.querySelectorAll) return;
    const name = (selector, text) => {
      for (const node of within(root, selector)) {
        node.title = text;
        node.setAttribute("aria-label", text);
      }
    };
    name(".leaflet-control-zoom-in", words.zoomIn);
    name(".leaflet-control-zoom-out", words.zoomOut);
    name(".leaflet-popup-close-button", words.closePopup);
    for (const path of within(root, OUTLINE)) path.setAttribute("tabindex", "-1");
  }

  document.addEventListener("DOMContentLoaded", () => {
    const words = (document.getElementById("map-strings") || {}).dataset;
    if (!window.L || !words) return; // a page without a map
    localiseMaps(document, words);
    // Looked up once: a map's redraw adds hundreds of nodes.
    new MutationObserver((changes) => {
      for (const change of changes) {
        for (const node of change.addedNodes) if (node.nodeType === 1) localiseMaps(node, words);
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
