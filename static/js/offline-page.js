/*
 * The /offline page, which the service worker shows for a page it has not stored. The page is
 * stored once at install for everyone (no cookies), so it knows nothing of its visitor: what it
 * offers comes from what this phone keeps for its own visitor, read here from the worker's
 * caches. The forms of a login (kept only while that login lasts) bring "New observation", "My
 * records" and the other forms; a walk participant's stored walk page brings "Back to the walk".
 * A phone with neither (logged out, a resident) is offered only to try again.
 * All visible text comes from the page (rendered through gettext).
 */
(function () {
  "use strict";

  const page = document.getElementById("offline-page");
  if (!page) return;

  // The page stands in for the address that failed: loading that address again is the retry.
  const retry = page.querySelector("[data-offline-retry]");
  if (retry) retry.addEventListener("click", () => window.location.reload());
  // Back online: try once by itself. Still failing, the page comes back and waits again. Not
  // once a link was followed: an "online" on a flapping signal (Chromium also fires one as a
  // navigation starts) would reload this page over the one the person asked for.
  let leaving = false;
  window.addEventListener("beforeunload", () => {
    leaving = true;
  });
  window.addEventListener("online", () => {
    if (!leaving && navigator.onLine) window.location.reload();
  });

  if (!("caches" in window)) return;
  offerWhatWorks().catch(() => {});

  async function storedMeta(prefix, key) {
    for (const name of await caches.keys()) {
      if (!name.startsWith(prefix)) continue;
      const meta = await (await caches.open(name)).match(key);
      if (meta) return meta.json().catch(() => null);
    }
    return null;
  }

  async function offerWhatWorks() {
    const walk = await storedMeta("trygg-walk-", "/__trygg/walk-meta");
    const forms = await storedMeta("trygg-forms-", "/__trygg/forms-meta");
    let offered = false;

    // The worker drops an expired walk page when it is asked for it; it is not offered either.
    const walkLink = page.querySelector("[data-offline-walk]");
    if (walk && walkLink && /^\/walk\/\d+$/.test(walk.path) && walk.expires * 1000 > Date.now()) {
      walkLink.href = walk.path;
      walkLink.hidden = false;
      offered = true;
    }

    const stored = new Set((forms && forms.pages) || []);
    page.querySelectorAll("[data-offline-form]").forEach((link) => {
      link.hidden = !stored.has(link.getAttribute("href"));
      offered = offered || !link.hidden;
    });
    listOtherForms(forms);

    // With nothing else to offer, trying again is the one thing to do.
    if (!offered && retry) retry.classList.add("btn-primary");
  }

  // Every other stored form, by the title the worker read from it.
  function listOtherForms(state) {
    const box = document.getElementById("offline-forms");
    if (!box || !state) return;
    const list = box.querySelector("[data-offline-form-links]");
    const skip = new Set(["/"]);
    page.querySelectorAll("[data-offline-form]").forEach((link) => skip.add(link.getAttribute("href")));
    (state.pages || []).filter((path) => !skip.has(path)).forEach((path) => {
      // The stored title is HTML text: decoded by a parser that runs nothing, set as text.
      const raw = (state.titles || {})[path] || path;
      const title = new DOMParser().parseFromString(raw, "text/html").documentElement.textContent;
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = path;
      a.textContent = title;
      li.appendChild(a);
      list.appendChild(li);
    });
    box.hidden = !list.children.length;
  }
})();
