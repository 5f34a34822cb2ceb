/* Trend per area beside the review map: inline SVG bar charts drawn here (no chart library),
 * each followed by a table of the same numbers. Area names and all numbers are set with
 * textContent or as SVG attributes of numbers, never as HTML.
 * Listens to the map's filter form (#map-filters) and asks /api/v1/map/trends with its values.
 */
(function () {
  "use strict";

  const root = document.getElementById("area-trends");
  if (!root) return;
  const t = JSON.parse(root.dataset.i18n);
  const form = document.getElementById("map-filters");
  const list = document.getElementById("trends-list");
  const statusEl = document.getElementById("trends-status");
  const SVG = "http://www.w3.org/2000/svg";
  const W = 300;
  const H = 60;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function svgEl(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
    return node;
  }

  // The same query string the map sends (dates are local days; the "until" day is included).
  function queryString() {
    const params = new URLSearchParams();
    if (!form) return "";
    for (const [key, value] of new FormData(form)) {
      if (!value) continue;
      if (key === "until") {
        const next = new Date(value + "T00:00:00");
        next.setDate(next.getDate() + 1);
        const y = next.getFullYear();
        const m = String(next.getMonth() + 1).padStart(2, "0");
        const d = String(next.getDate()).padStart(2, "0");
        params.set(key, `${y}-${m}-${d}T00:00:00`);
      } else if (key === "since") {
        params.set(key, value + "T00:00:00");
      } else {
        params.set(key, value);
      }
    }
    return params.toString();
  }

  // A calendar day plus n days, in UTC: no time zone can shift it.
  function addDays(day, n) {
    return new Date(Date.parse(day + "T00:00:00Z") + n * 86400000).toISOString().slice(0, 10);
  }

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
  }

  function chart(counts, max) {
    const svg = svgEl("svg", {
      viewBox: `0 0 ${W} ${H}`,
      class: "trend-chart",
      "aria-hidden": "true",
      focusable: "false",
      preserveAspectRatio: "none",
    });
    svg.appendChild(svgEl("line", { x1: 0, y1: H - 0.5, x2: W, y2: H - 0.5, class: "trend-axis" }));
    const step = W / Math.max(counts.length, 1);
    counts.forEach((n, i) => {
      if (!n) return;
      const h = Math.max(1, ((H - 2) * n) / max);
      svg.appendChild(
        svgEl("rect", {
          x: (i * step + step * 0.1).toFixed(2),
          y: (H - 1 - h).toFixed(2),
          width: Math.max(step * 0.8, 0.5).toFixed(2),
          height: h.toFixed(2),
          class: "trend-bar",
          "data-count": n,
        })
      );
    });
    return svg;
  }

  function table(area, weeks) {
    const details = el("details", null, "trend-table");
    // Each area has one: the area's name (hidden, it heads the card) tells them apart when read.
    const summary = el("summary", t.table);
    summary.appendChild(el("span", ": " + area.name, "visually-hidden"));
    details.appendChild(summary);
    const wrap = el("div", null, "table-wrap");
    const tbl = el("table", null, "table");
    const caption = el("caption", area.name);
    tbl.appendChild(caption);
    const head = el("thead");
    const headRow = el("tr");
    for (const text of [t.week, t.count]) {
      const th = el("th", text);
      th.scope = "col";
      headRow.appendChild(th);
    }
    head.appendChild(headRow);
    tbl.appendChild(head);
    const body = el("tbody");
    weeks.forEach((week, i) => {
      const row = el("tr");
      // A week the period cuts through counts only its days inside it: say which.
      const cut = week.from && (week.from !== week.starts || week.to !== addDays(week.starts, 6));
      const th = el("th", cut ? week.starts + " (" + format(t.counted, week) + ")" : week.starts);
      th.scope = "row";
      row.appendChild(th);
      row.appendChild(el("td", area.counts[i]));
      body.appendChild(row);
    });
    tbl.appendChild(body);
    wrap.appendChild(tbl);
    details.appendChild(wrap);
    return details;
  }

  function show(data) {
    list.replaceChildren();
    for (const area of data.areas) {
      const total = area.counts.reduce((a, b) => a + b, 0);
      const max = Math.max(0, ...area.counts);
      const figure = el("figure", null, "trend");
      figure.dataset.area = area.code;
      figure.appendChild(el("figcaption", area.name, "trend-name"));
      figure.appendChild(chart(area.counts, Math.max(max, 1)));
      if (data.weeks.length) {
        const range = el("p", null, "trend-range");
        range.setAttribute("aria-hidden", "true");
        // The period's first and last days counted (the same as the map's), not week starts.
        const first = data.weeks[0];
        const last = data.weeks[data.weeks.length - 1];
        range.appendChild(el("span", first.from || first.starts));
        range.appendChild(el("span", last.to || last.starts));
        figure.appendChild(range);
      }
      figure.appendChild(
        el("p", format(t.summary, { total, weeks: data.weeks.length, max }), "trend-summary")
      );
      figure.appendChild(table(area, data.weeks));
      list.appendChild(figure);
    }
    statusEl.textContent = "";
  }

  async function load() {
    statusEl.textContent = t.loading;
    try {
      const qs = queryString();
      const response = await fetch(root.dataset.trendsUrl + (qs ? "?" + qs : ""), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      show(await response.json());
    } catch (error) {
      list.replaceChildren();
      statusEl.textContent = t.failed;
    }
  }

  // Counted when the section comes near the screen, not with the map: below a full-height map
  // it is not seen at first, and its query should not hold up the map's first clusters.
  let shown = false;
  const start = () => {
    if (shown) return;
    shown = true;
    load();
  };
  if ("IntersectionObserver" in window) {
    const watch = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        watch.disconnect();
        start();
      }
    });
    watch.observe(root);
  } else {
    start();
  }
  if (form) {
    form.addEventListener("submit", () => { if (shown) load(); });
    // The map put an earlier entry's filters back into the form (Back, Forward).
    form.addEventListener("filters-restored", () => { if (shown) load(); });
  }
})();
