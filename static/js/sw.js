/*
 * Trygg Sunne service worker (served at /sw.js so its scope is the whole app).
 *
 * - App shell (CSS, JS, icons, Leaflet, /offline) is cached at install: the entry form works
 *   without any network. So is the public report page (/report) with its script and styles: a
 *   resident who opened any page of the app once can report a place with no signal, even if
 *   they never opened /report itself.
 * - Pages: network first, so people see fresh data; the cached copy when the network fails or
 *   is too slow; /offline when a page was never visited.
 * - API responses and POST/PUT are never cached: records live in the outbox (IndexedDB) and on
 *   the server, not in a cache that could replay stale data.
 *
 * Bump VERSION whenever SHELL changes; old caches are deleted on activate.
 */
const VERSION = "2026-12-06.1";
const SHELL_CACHE = `trygg-shell-${VERSION}`;
const PAGES_CACHE = `trygg-pages-${VERSION}`;
const OFFLINE_URL = "/offline";
const NETWORK_TIMEOUT_MS = 6000; // a weak signal: show the cached page rather than a blank one
const MAX_PAGES = 60; // every visited address is kept; the oldest go first
const SHELL = [
  OFFLINE_URL,
  "/manifest.webmanifest",
  "/static/css/app.css",
  "/static/js/outbox.js",
  "/static/js/app.js",
  "/static/js/field.js",
  "/static/js/mine.js",
  "/static/js/patrol.js",
  "/static/js/activity-form.js",
  "/static/js/walk-participant.js",
  "/static/js/walk-map.js",
  "/static/css/activities.css",
  "/static/css/walks.css",
  "/static/js/citizen-report.js",
  "/static/css/citizen.css",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
  "/static/icons/icon-maskable-512.png",
  "/static/icons/apple-touch-icon-180.png",
  "/vendor/leaflet/leaflet.js",
  "/vendor/leaflet/leaflet.css",
  "/vendor/leaflet/images/marker-icon.png",
  "/vendor/leaflet/images/marker-icon-2x.png",
  "/vendor/leaflet/images/marker-shadow.png",
  "/vendor/leaflet/images/layers.png",
  "/vendor/leaflet/images/layers-2x.png",
];
// Pages anyone may open, the same for everyone: stored at install beside the shell. A fresher
// copy from a visit (PAGES_CACHE) wins; this one stands in when there is none.
const PUBLIC_PAGES = ["/report"];
// Pages a logged-in field user needs offline, fetched in the background when a page asks.
// Pages a role may not open answer 403 and are simply not stored.
const FIELD_PAGES = ["/", "/field/new", "/field/mine", "/patrols/", "/activities/new"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // "reload" skips the HTTP cache so a new version never precaches an old file. "omit":
      // no cookies out or in. The shell is the same for everyone, and a cookie set by this
      // background request could land after a login in the page and overwrite that session.
      await cache.addAll(
        SHELL.map((url) => new Request(url, { cache: "reload", credentials: "omit" }))
      );
      await precachePublicPages(cache);
      await self.skipWaiting();
    })()
  );
});

// One by one and forgiving, unlike the shell: a public page that fails now (a server hiccup)
// must not stop the worker from installing; it is stored on the next visit instead.
async function precachePublicPages(cache) {
  await Promise.all(
    PUBLIC_PAGES.map(async (path) => {
      try {
        const response = await fetch(new Request(path, { cache: "reload", credentials: "omit" }));
        if (cacheable(response)) await cache.put(path, response);
      } catch (error) {
        // Offline while installing: nothing to store yet.
      }
    })
  );
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL_CACHE, PAGES_CACHE]);
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith("trygg-") && !keep.has(n)).map((n) => caches.delete(n))
      );
      await self.clients.claim();
    })()
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // POST/PUT always go to the network, uncached
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // map tiles: the browser's business
  if (url.pathname.startsWith("/api/")) return; // live data only
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (isShell(url)) {
    event.respondWith(shellFile(event));
  }
});

function isShell(url) {
  return (
    url.pathname.startsWith("/static/") ||
    url.pathname.startsWith("/vendor/") ||
    url.pathname === "/manifest.webmanifest"
  );
}

function cacheable(response) {
  // Redirects (e.g. to /login) arrive as "opaqueredirect" and are never stored.
  return response && response.ok && response.type === "basic";
}

async function cachedPage(request) {
  const cache = await caches.open(PAGES_CACHE);
  const shell = await caches.open(SHELL_CACHE);
  return (
    (await cache.match(request, { ignoreVary: true })) ||
    (await cache.match(request, { ignoreSearch: true, ignoreVary: true })) ||
    (isPublicPage(request) && (await shell.match(new URL(request.url).pathname, { ignoreVary: true }))) ||
    (await caches.match(OFFLINE_URL, { ignoreVary: true }))
  );
}

function isPublicPage(request) {
  return PUBLIC_PAGES.includes(new URL(request.url).pathname);
}

async function page(event) {
  const request = event.request;
  const network = fetch(request).then(async (response) => {
    if (cacheable(response)) {
      const cache = await caches.open(PAGES_CACHE);
      await cache.put(request, response.clone());
      await trim(cache, MAX_PAGES);
    }
    return response;
  });
  event.waitUntil(network.catch(() => {}));
  let timer;
  const slow = new Promise((resolve) => {
    timer = setTimeout(resolve, NETWORK_TIMEOUT_MS, "slow");
  });
  try {
    const first = await Promise.race([network, slow]);
    if (first !== "slow") return first;
    const cached = await cachedPage(request);
    return cached || (await network);
  } catch (error) {
    const cached = await cachedPage(request);
    return cached || Response.error();
  } finally {
    clearTimeout(timer);
  }
}

async function trim(cache, limit) {
  const keys = await cache.keys(); // in insertion order
  await Promise.all(keys.slice(0, Math.max(0, keys.length - limit)).map((key) => cache.delete(key)));
}

// Pages name app files with a content version (`?v=<hash>`, webapp/assets.py). A versioned
// file never changes: the cached copy of that exact URL is served as it is. A version not seen
// yet (a new deploy) comes from the network; offline, the copy of the same path without the
// version (precached at install, or the last one fetched) stands in, so the app keeps working.
async function shellFile(event) {
  const url = new URL(event.request.url);
  if (!url.searchParams.has("v")) return unversionedShellFile(event);
  const cache = await caches.open(SHELL_CACHE);
  const exact = await cache.match(event.request);
  if (exact) return exact;
  const bare = url.origin + url.pathname;
  let response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    const fallback = await cache.match(bare);
    if (fallback) return fallback;
    throw error;
  }
  if (cacheable(response)) {
    const forExact = response.clone();
    const forBare = response.clone();
    event.waitUntil(
      (async () => {
        // One version per path: forget the others, then keep this one under both keys.
        for (const key of await cache.keys()) {
          const known = new URL(key.url);
          if (known.pathname === url.pathname && known.search) await cache.delete(key);
        }
        await cache.put(event.request, forExact);
        await cache.put(bare, forBare);
      })().catch(() => {})
    );
  } else if (!response.ok) {
    const fallback = await cache.match(bare);
    if (fallback) return fallback;
  }
  return response;
}

// Stale-while-revalidate: instant from the cache, refreshed in the background for next time.
async function unversionedShellFile(event) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(event.request);
  const network = fetch(event.request).then(async (response) => {
    if (cacheable(response)) await cache.put(event.request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(network.catch(() => {}));
    return cached;
  }
  return network;
}

async function warmFieldPages() {
  const cache = await caches.open(PAGES_CACHE);
  await Promise.all(
    FIELD_PAGES.map(async (path) => {
      if (await cache.match(path, { ignoreVary: true })) return;
      try {
        const response = await fetch(path, { credentials: "same-origin", redirect: "manual" });
        if (cacheable(response)) await cache.put(path, response);
      } catch (error) {
        // Offline now: the page gets cached on the next online visit instead.
      }
    })
  );
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "warm") event.waitUntil(warmFieldPages());
});

// Background Sync: the outbox lives with the page (it knows the user and the CSRF URL), so the
// worker wakes the open pages and they flush.
self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil(
    self.clients
      .matchAll({ type: "window", includeUncontrolled: true })
      .then((windows) => windows.forEach((client) => client.postMessage({ type: "flush" })))
  );
});
