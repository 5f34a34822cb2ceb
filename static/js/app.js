/*
 * Shared by every page: online/offline indicator, the waiting-items counter, service worker
 * registration, the moments the outbox flushes, the re-login prompt and the logout warning.
 * All visible text comes from the page (rendered through gettext), never from this file.
 */
(function () {
  "use strict";

  const body = document.body;
  const outbox = window.TryggOutbox;
  const strings = (document.getElementById("outbox-strings") || {}).dataset || {};
  const announcer = document.getElementById("outbox-announcer");

  // A text with a count: the page gives the form for 1 (data-…-one) and the form for any other
  // number; Swedish and English both have just these two plural forms.
  function say(key, n) {
    const template = n === 1 && strings[key + "One"] ? strings[key + "One"] : strings[key];
    return (template || "").replace("{n}", String(n));
  }

  function announce(text) {
    if (!announcer || !text) return;
    // Clearing first makes screen readers repeat an identical message.
    announcer.textContent = "";
    window.setTimeout(() => {
      announcer.textContent = text;
    }, 50);
  }

  // ---- main menu ------------------------------------------------------------------------
  // The groups are <details>, so they open without this script. It only keeps one open at a
  // time and closes it on Escape (focus back on its name), a tap elsewhere or Tab out of it.
  const navGroups = [...document.querySelectorAll(".navgroup")];
  for (const group of navGroups) {
    group.addEventListener("toggle", () => {
      if (!group.open) return;
      for (const other of navGroups) if (other !== group) other.open = false;
    });
    group.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !group.open) return;
      group.open = false;
      group.querySelector("summary").focus();
    });
    // Tabbing past the last link closes the panel, so it never hides what gets focus next.
    group.addEventListener("focusout", (event) => {
      if (event.relatedTarget && !group.contains(event.relatedTarget)) group.open = false;
    });
  }
  document.addEventListener("click", (event) => {
    for (const group of navGroups) if (group.open && !group.contains(event.target)) group.open = false;
  });

  // ---- online / offline -----------------------------------------------------------------
  const indicator = document.querySelector("#net-status .net-indicator");

  function renderNetwork() {
    const online = navigator.onLine;
    document.documentElement.classList.toggle("is-offline", !online);
    if (indicator) {
      indicator.textContent = online ? indicator.dataset.onlineText : indicator.dataset.offlineText;
      indicator.dataset.state = online ? "online" : "offline";
    }
  }

  window.addEventListener("online", renderNetwork);
  window.addEventListener("offline", renderNetwork);
  renderNetwork();

  // ---- waiting counter --------------------------------------------------------------------
  function renderCount(n) {
    document.querySelectorAll("[data-outbox-count]").forEach((element) => {
      element.textContent = String(n);
      element.hidden = n === 0;
      // The header link around the number is hidden as a whole when nothing waits.
      const wrapper = element.closest(".outbox-count, [data-outbox-wrapper]");
      if (wrapper) wrapper.hidden = n === 0;
    });
    document.querySelectorAll("[data-outbox-when-waiting]").forEach((element) => {
      element.hidden = n === 0;
    });
  }

  window.addEventListener("trygg:outbox-change", (event) => renderCount(event.detail.count));

  // The header's count leads to where this visitor's waiting entries are listed: My records for
  // a login, the page's own list for one without (a walk participant: data-outbox-list-url).
  const countLink = document.querySelector("#net-status .outbox-count");
  if (countLink && body.dataset.outboxListUrl && !body.dataset.userId) {
    countLink.href = body.dataset.outboxListUrl;
  }

  // ---- re-login prompt ------------------------------------------------------------------
  const relogin = document.getElementById("relogin-banner");

  function showRelogin(show) {
    if (!relogin) return;
    const link = relogin.querySelector("a");
    if (link) {
      // Come back to this page after logging in; its load flushes the outbox.
      const next = window.location.pathname + window.location.search;
      link.href = body.dataset.loginUrl + "?next=" + encodeURIComponent(next);
    }
    relogin.hidden = !show;
  }

  window.addEventListener("trygg:outbox-unauthenticated", () => {
    showRelogin(true);
    // The server no longer knows this session (or it is another user's): the forms kept for
    // offline use go at once. The outbox itself stays (it is per user and sends after login).
    tellWorker({ type: "session-ended" });
  });

  function tellWorker(message) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) registration.active.postMessage(message);
    }).catch(() => {});
  }

  window.addEventListener("trygg:outbox-flushed", (event) => {
    const result = event.detail.result;
    if (result.stopped !== "unauthenticated" && (result.sent.length || result.rejected.length)) {
      showRelogin(false);
    }
    // A page that thanks for what it sent in its own words (the residents' report page) says so
    // on <body data-outbox-own-news>: this toast would be a second, officers' message.
    if (result.sent.length && !("outboxOwnNews" in body.dataset)) announce(say("sent", result.sent.length));
    showRejected(result.rejected).catch(() => {});
  });

  // ---- long texts ---------------------------------------------------------------------------
  // A text box says how much room is left once it is nearly full: a browser cuts a longer paste
  // at the limit without a word (a resident's 1,740 characters became 1,000 unnoticed).
  function watchLength(area) {
    const max = Number(area.getAttribute("maxlength"));
    if (!max || area.dataset.lengthWatched) return;
    area.dataset.lengthWatched = "1";
    const note = document.createElement("p");
    note.className = "hint char-count";
    note.setAttribute("aria-live", "polite");
    note.hidden = true;
    area.insertAdjacentElement("afterend", note);
    const number = new Intl.NumberFormat(document.documentElement.lang || "sv");
    const update = () => {
      const used = area.value.length;
      note.hidden = used < max * 0.8;
      note.textContent = (used >= max ? strings.textFull : strings.textLeft)
        .replace("{max}", number.format(max))
        .replace("{n}", number.format(max - used));
    };
    area.addEventListener("input", update);
    update();
  }
  if (strings.textLeft) document.querySelectorAll("textarea[maxlength]").forEach(watchLength);

  // ---- personal identity numbers ----------------------------------------------------------------
  // The same rule as webapp/core/privacy.py, so a form refuses a personnummer on the phone, offline,
  // instead of queueing an entry the server will refuse hours later. The server still checks.
  // A hyphen may be an en dash or a minus sign (a phone's keyboard), and may split the date too.
  const PERSONNUMMER = /(?<!\d)(?:19|20)?(\d{2})-?(\d{2})-?(\d{2})([-+ \u2013\u2212]?)(\d{3})(\d)(?!\d)/g;
  const WRITTEN_AS_ONE = ["-", "+", "\u2013", "\u2212"];

  function luhnOk(digits) {
    let total = 0;
    for (let index = 0; index < digits.length; index += 1) {
      const value = Number(digits[index]) * (index % 2 === 0 ? 2 : 1);
      total += value > 9 ? value - 9 : value;
    }
    return total % 10 === 0;
  }

  function containsPersonalIdentityNumber(text) {
    for (const match of String(text || "").matchAll(PERSONNUMMER)) {
      const [, yy, mm, dd, separator, serial, check] = match;
      const day = Number(dd) > 60 ? Number(dd) - 60 : Number(dd); // samordningsnummer
      if (!(Number(mm) >= 1 && Number(mm) <= 12 && day >= 1 && day <= 31)) continue;
      // Written like a personnummer (date, - or +, four digits): refused even if mistyped.
      if (WRITTEN_AS_ONE.includes(separator) || luhnOk(yy + mm + dd + serial + check)) return true;
    }
    return false;
  }

  window.TryggPrivacy = { containsPersonalIdentityNumber };

  // ---- refused entries: an error, on the page where it happens ------------------------------
  const alertBox = document.getElementById("outbox-alert");
  // Forms that show the refusal of the entry they just saved themselves add its id here.
  window.TryggOwnRejections = window.TryggOwnRejections || new Set();

  async function showRejected(ids) {
    // My records lists each refused entry with its reasons and the way to fix it.
    if (!alertBox || !outbox || body.classList.contains("page-field-mine")) return;
    const items = await Promise.all(
      ids.filter((id) => !window.TryggOwnRejections.has(id)).map((id) => outbox.get(id).catch(() => null))
    );
    const refused = items.filter((item) => item && item.state === "rejected");
    if (!refused.length) {
      // Nothing new refused: the box stays only while refused entries still wait.
      const all = await outbox.list().catch(() => []);
      if (!all.some((item) => item.state === "rejected")) alertBox.hidden = true;
      return;
    }
    alertBox.querySelector("[data-alert-text]").textContent = say("rejected", refused.length);
    const list = alertBox.querySelector("[data-alert-reasons]");
    list.textContent = "";
    new Set(refused.flatMap(outbox.reasons)).forEach((reason) => {
      const li = document.createElement("li");
      li.textContent = reason;
      list.appendChild(li);
    });
    alertBox.hidden = false;
  }

  // ---- flushing ---------------------------------------------------------------------------
  function flush(force, fromButton) {
    if (!outbox || !outbox.enabled) return Promise.resolve(null);
    return outbox
      .flush({ force })
      .then((result) => {
        if (fromButton && !result.sent.length && !result.rejected.length) {
          if (result.stopped === "network") announce(strings.offline);
          else if (!result.stopped) announce(strings.nothing);
        }
        return result;
      })
      .catch(() => null); // storage trouble: the items stay; the next trigger tries again
  }

  if (outbox && outbox.enabled) {
    // Unsent entries live only in IndexedDB: ask the browser not to evict it when space runs low
    // (Chromium grants this silently to installed or often-used apps).
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    outbox.count().then(renderCount).catch(() => {});
    flush(false, false); // page load
    // Coming back online is the moment worth trying at once, whatever the back-off says.
    window.addEventListener("online", () => flush(true, false));
  } else {
    renderCount(0);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-outbox-flush]");
    if (!button) return;
    event.preventDefault();
    button.disabled = true;
    flush(true, true).finally(() => {
      button.disabled = false;
    });
  });

  // ---- service worker -------------------------------------------------------------------
  if ("serviceWorker" in navigator) {
    // Background Sync (Chromium) and the worker's own wake-ups ask the page to flush.
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "flush") flush(true, false);
      if (event.data && event.data.type === "warmed") renderOfflineReady(event.data);
    });
    navigator.serviceWorker
      .register("/sw.js", { scope: "/" })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        // Every form this user can reach is stored right after login, opened or not. The worker
        // checks with the server whose session this is before it stores anything.
        if (body.dataset.userId && registration.active && navigator.onLine) {
          registration.active.postMessage({ type: "warm", user: body.dataset.userId });
        }
      })
      .catch(() => {}); // no worker (e.g. plain http on a LAN): the app still works online
  }

  // "Ready for use without network": the user sees when the forms are on the phone.
  function renderOfflineReady(state) {
    document.querySelectorAll("[data-offline-ready]").forEach((element) => {
      const ready = state.expected > 0 && state.stored === state.expected;
      element.hidden = !ready;
      element.dataset.state = ready ? "ready" : "partial";
    });
  }

  // ---- night mode -------------------------------------------------------------------------
  // The footer form works without JavaScript (the server sets the cookie and reloads); here the
  // switch happens in place, so a half-filled form is not lost. A choice equal to the phone's own
  // setting is stored as "auto": the app then follows the phone again.
  const root = document.documentElement;
  const darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  const themeForm = document.getElementById("theme-form");

  function storedTheme() {
    const match = document.cookie.match(/(?:^|;\s*)theme=(auto|light|dark)(?:;|$)/);
    return match ? match[1] : null;
  }

  // Pages the service worker cached earlier carry the theme of that moment.
  const remembered = storedTheme();
  if (remembered && root.dataset.theme !== remembered) root.dataset.theme = remembered;

  if (themeForm) {
    themeForm.addEventListener("submit", (event) => {
      const button = event.submitter;
      if (!button || !button.value) return;
      event.preventDefault();
      const phoneIsDark = !!(darkQuery && darkQuery.matches);
      const wanted = button.value;
      const stored = (wanted === "dark") === phoneIsDark ? "auto" : wanted;
      root.dataset.theme = stored;
      const secure = window.location.protocol === "https:" ? "; secure" : "";
      document.cookie = `theme=${stored}; path=/; max-age=31536000; samesite=lax${secure}`;
      // The pressed button is hidden now; keep the keyboard on the switch.
      const other = themeForm.querySelector(`button[name=theme]:not([value="${wanted}"])`);
      if (other) other.focus();
    });
  }

  // ---- wide tables and charts -----------------------------------------------------------------
  // A table wider than the phone scrolls inside its box: keyboard users need to reach that box
  // (WCAG 2.1.1), and screen readers need to know what it holds. Tables filled in later by a
  // script (the map's list) are caught by the ResizeObserver.
  function keyboardScroll(wrap, index) {
    const overflows = wrap.scrollWidth > wrap.clientWidth + 1;
    if (!overflows) {
      if (wrap.dataset.scrollRegion) {
        ["tabindex", "role", "aria-labelledby", "aria-label", "data-scroll-region"].forEach((a) => wrap.removeAttribute(a));
      }
      return;
    }
    if (wrap.hasAttribute("tabindex")) return;
    const table = wrap.querySelector("table");
    const caption = table && table.querySelector("caption");
    const section = wrap.closest("section, article, main");
    const heading = caption || (section && section.querySelector("h1, h2, h3"));
    const chart = !table && wrap.querySelector("svg[aria-label]");
    wrap.dataset.scrollRegion = "1";
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "group"); // not "region": the section around it is that landmark
    if (chart) {
      wrap.setAttribute("aria-label", chart.getAttribute("aria-label")); // the chart's own title
    } else if (heading) {
      if (!heading.id) heading.id = `table-title-${index + 1}`;
      wrap.setAttribute("aria-labelledby", heading.id);
    }
  }

  // A report's chart keeps a readable size on a phone and scrolls the same way (reports.css).
  document.querySelectorAll(".table-wrap, .report-figure").forEach((wrap, index) => {
    keyboardScroll(wrap, index);
    if ("ResizeObserver" in window) {
      const observer = new ResizeObserver(() => keyboardScroll(wrap, index));
      observer.observe(wrap);
      const table = wrap.querySelector("table");
      if (table) observer.observe(table);
    }
  });

  // ---- logout -----------------------------------------------------------------------------
  const logoutForm = document.getElementById("logout-form");

  async function clearCachedPages() {
    // Pages cached for offline use show this user's name; the next user must not see them.
    if (!("caches" in window)) return;
    const names = await caches.keys();
    // The walk page too: an officer who joined a walk takes part through this login.
    const mine = names.filter((n) => ["trygg-pages-", "trygg-forms-", "trygg-walk-"].some((p) => n.startsWith(p)));
    await Promise.all(mine.map((n) => caches.delete(n)));
  }

  function within(ms, promise) {
    return Promise.race([promise, new Promise((resolve) => window.setTimeout(resolve, ms))]);
  }

  // Another account on this phone (a shared police phone): pages cached for the previous one
  // must not be shown offline to this one.
  if (body.dataset.userId) {
    try {
      const previous = window.localStorage.getItem("trygg-last-user");
      if (previous && previous !== body.dataset.userId) clearCachedPages().catch(() => {});
      window.localStorage.setItem("trygg-last-user", body.dataset.userId);
    } catch (error) {
      // storage blocked: logout still clears the cached pages
    }
  }

  if (logoutForm) {
    logoutForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      let waiting = 0;
      if (outbox && outbox.enabled) {
        // One last chance to send, so the warning only appears for what really is stuck.
        if (navigator.onLine) await within(5000, flush(true, false));
        waiting = await outbox.count().catch(() => 0);
      }
      if (waiting > 0) {
        if (!window.confirm(say("logoutConfirm", waiting))) return;
        // Deleting is a separate, explicit choice; the default keeps the entries on the phone.
        if (window.confirm(say("logoutClear", waiting))) await outbox.clearAll();
      }
      await clearCachedPages().catch(() => {});
      HTMLFormElement.prototype.submit.call(logoutForm); // does not fire "submit" again
    });
  }
})();
