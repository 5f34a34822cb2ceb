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

  window.TryggCommon = { localIso, stockholmTime, show, el, getJson, dragPin };
})();
