/*
 * The survey page: "mark on the map where you feel unsafe". Each map question keeps its marks
 * as JSON [[lat, lon], ...] in a hidden field that the form sends; tapping a mark removes it.
 * The submit button is disabled once pressed, so a double tap sends the answers once.
 */
(function () {
  "use strict";

  const WM = window.TryggWalkMap;
  const config = WM && WM.readJson("survey-map-config");
  const strings = (document.getElementById("survey-strings") || {}).dataset || {};
  const max = Number(strings.max || 5);

  function readPoints(input) {
    try {
      const points = JSON.parse(input.value || "[]");
      return Array.isArray(points) ? points : [];
    } catch (error) {
      return [];
    }
  }

  document.querySelectorAll("[data-survey-map]").forEach((element) => {
    const name = element.dataset.surveyMap;
    const input = document.getElementById(name);
    const count = document.querySelector(`[data-survey-count="${CSS.escape(name)}"]`);
    const clear = document.querySelector(`[data-survey-clear="${CSS.escape(name)}"]`);
    const map = config && WM.create(element, config);
    if (!map) {
      element.hidden = true;
      return;
    }
    map.setZoom(14);
    let points = readPoints(input);
    const markers = [];

    function render() {
      markers.splice(0).forEach((marker) => map.removeLayer(marker));
      points.forEach((point, index) => {
        const marker = window.L.circleMarker(point, {
          radius: 9,
          color: "#ffffff",
          weight: 2,
          fillColor: "#b22222",
          fillOpacity: 0.9,
        }).addTo(map);
        marker.on("click", (event) => {
          window.L.DomEvent.stopPropagation(event);
          points.splice(index, 1);
          render();
        });
        markers.push(marker);
      });
      input.value = points.length ? JSON.stringify(points) : "";
      // One form for 1, the other for any other count (Swedish and English need no more).
      const template = points.length === 1 ? strings.countOne : strings.count;
      count.textContent = (template || "{n}").replace("{n}", String(points.length));
      // Nothing to remove until a place is marked.
      clear.hidden = points.length === 0;
    }

    map.on("click", (event) => {
      if (points.length >= max) return;
      points.push([Math.round(event.latlng.lat * 1e6) / 1e6, Math.round(event.latlng.lng * 1e6) / 1e6]);
      render();
    });
    clear.addEventListener("click", () => {
      points = [];
      render();
      // The button hides itself: keep the keyboard's place on the map it cleared.
      element.focus({ preventScroll: true });
    });
    render();
  });

  const form = document.getElementById("survey-form");
  if (form) {
    form.addEventListener("submit", () => {
      const button = document.getElementById("survey-submit");
      // After this event: disabling it first would leave its name out of the form data.
      window.setTimeout(() => {
        button.disabled = true;
      }, 0);
    });
  }
})();
