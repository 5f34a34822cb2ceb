/*
 * Trygg Sunne service worker (served at /sw.js so its scope is the whole app).
 *
 * Police records live on shared phones, so this worker keeps only what holds no records:
 * - The app shell (CSS, JS, icons, Leaflet, /offline) and the public report page (/report),
 *   cached at install without cookies: the same for everyone.
 * - The entry forms a field user needs without signal (FORMS_CACHE). Right after login the page
 *   asks the worker to "warm": it fetches the list of this user's forms (/field/offline-pages)
 *   and stores each form as the server renders it for that purpose (header X-Trygg-Precache:
 *   no records in it, e.g. no list of earlier patrols). Every form works offline at once, even
 *   one never opened (a business visit outside the town, where the signal is worst).
 * - A walk participant's page (/walk/<id>, WALK_CACHE): a participant has no login and no other
 *   page, so a phone that drops the tab on the walk must get it back offline. The page asks the
 *   worker to keep it ("warm-walk"); the worker fetches it as the server renders it for that
 *   purpose (X-Trygg-Precache: the walk's route, stops and forms and the participant's own spots,
 *   no one else's) and keeps it only if the server names the same walk session (X-Trygg-Walk).
 *   One walk at a time; what waits to be sent is in the participant's outbox, not in the copy.
 * - Every other page is network-only: offline it is the /offline page, never a stored copy.
 *   Pages are never stored from navigations, so a record page cannot end up in a cache.
 * - The forms are purged as soon as the server says the session ended: a page answered with
 *   X-Trygg-Session "none" or another user's id, any 401 from the API, the page's own news of a
 *   refused session (the outbox), logout, or a warm for another user.
 * - The walk page goes the same way when the walk session ends: a page answered with
 *   X-Trygg-Walk "none" or another participant, a 401 from the walks API, the page's news
 *   (leaving the walk, a refused walk session), logout of an officer who joined, or its expiry
 *   (X-Trygg-Walk-Expires, checked before every offline use).
 * - API responses and POST/PUT are never cached: records live in the outbox (IndexedDB) and on
 *   the server, not in a cache that could replay stale data.
 *
 * Bump VERSION whenever SHELL or the caching rules change; old caches are deleted on activate.
 */
const VERSION = "2026-12-08.28";
const SHELL_CACHE = `trygg-shell-${VERSION}`;
const FORMS_CACHE = `trygg-forms-${VERSION}`;
const WALK_CACHE = `trygg-walk-${VERSION}`;
const WALK_CACHE_PREFIX = "trygg-walk-";
// Earlier versions kept every visited page here; deleted on activate and on every purge.
const USER_CACHE_PREFIXES = ["trygg-forms-", "trygg-pages-"];
const OFFLINE_URL = "/offline";
const OFFLINE_PAGES_URL = "/field/offline-pages";
const META_KEY = "/__trygg/forms-meta";
const WALK_META_KEY = "/__trygg/walk-meta";
const WALK_PAGE = /^\/walk\/\d+$/; // the participant's page; nothing else goes in WALK_CACHE
const REWARM_WALK_MS = 60 * 1000; // a reload right after a load does not fetch the copy again
const NETWORK_TIMEOUT_MS = 6000; // a weak signal: show the stored form rather than a blank one
const REWARM_MS = 30 * 60 * 1000; // forms are fetched again at most this often per user
const SHELL = [
  OFFLINE_URL,
  "/manifest.webmanifest",
  "/static/css/app.css",
  "/static/js/common.js",
  "/static/js/outbox.js",
  "/static/js/app.js",
  "/static/js/unsent-form.js",
  "/static/js/offline-page.js",
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
// Pages anyone may open, the same for everyone: stored at install beside the shell.
const PUBLIC_PAGES = ["/report"];

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
      const keep = new Set([SHELL_CACHE, FORMS_CACHE, WALK_CACHE]);
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
  if (url.pathname.startsWith("/api/")) {
    event.respondWith(apiRequest(event)); // live data only; a 401 purges the forms
  } else if (request.mode === "navigate") {
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

// ---- the session as the server sees it --------------------------------------------------------

async function purgeUserPages() {
  const names = await caches.keys();
  await Promise.all(
    names.filter((n) => USER_CACHE_PREFIXES.some((p) => n.startsWith(p))).map((n) => caches.delete(n))
  );
}

async function formsOwner() {
  const cache = await caches.open(FORMS_CACHE);
  const meta = await cache.match(META_KEY);
  if (!meta) return null;
  return meta.json().catch(() => null);
}

async function purgeWalkPage() {
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(WALK_CACHE_PREFIX)).map((n) => caches.delete(n)));
}

async function walkOwner() {
  const cache = await caches.open(WALK_CACHE);
  const meta = await cache.match(WALK_META_KEY);
  if (!meta) return null;
  return meta.json().catch(() => null);
}

// Every page from the server names the session it was made for. "none" (logged out, expired,
// the cookie gone with a closed browser) or another user: the stored forms must go now. The
// same for the walk session: "none" (left, withdrawn code, expired) or another participant.
async function noteSession(response) {
  const session = response.headers.get("X-Trygg-Session");
  if (!session) return; // an opaque redirect, or not one of our pages
  const meta = await formsOwner();
  if (session === "none" || (meta && String(meta.user) !== session)) await purgeUserPages();
  await noteWalkSession(response);
}

async function noteWalkSession(response) {
  const walk = response.headers.get("X-Trygg-Walk");
  if (!walk) return;
  const meta = await walkOwner();
  if (meta && meta.scope !== walk) await purgeWalkPage();
}

async function apiRequest(event) {
  const response = await fetch(event.request);
  if (response.status === 401) event.waitUntil(sessionEnded(new URL(event.request.url).pathname).catch(() => {}));
  return response;
}

// A 401: the login (the forms) has ended. The walk page goes with it if the walks API said so,
// or if an officer or staff member joined the walk through that login.
async function sessionEnded(path) {
  await purgeUserPages();
  const walk = await walkOwner();
  if (walk && (walk.user || path.startsWith("/api/v1/walks/"))) await purgeWalkPage();
}

// ---- pages ----------------------------------------------------------------------------------

async function storedForm(request) {
  const path = new URL(request.url).pathname;
  const cache = await caches.open(FORMS_CACHE);
  // The forms are stored by path: /field/new?activity_id=… is the same form.
  return (await cache.match(path, { ignoreSearch: true, ignoreVary: true })) || storedWalkPage(path);
}

// The participant's walk page, while the walk session it was stored for has not expired.
async function storedWalkPage(path) {
  if (!WALK_PAGE.test(path)) return undefined;
  const meta = await walkOwner();
  if (!meta || meta.path !== path) return undefined;
  if (!(meta.expires * 1000 > Date.now())) {
    await purgeWalkPage();
    return undefined;
  }
  const cache = await caches.open(WALK_CACHE);
  return cache.match(path, { ignoreSearch: true, ignoreVary: true });
}

async function fallbackPage(request) {
  const path = new URL(request.url).pathname;
  const shell = await caches.open(SHELL_CACHE);
  return (
    (await storedForm(request)) ||
    (PUBLIC_PAGES.includes(path) && (await shell.match(path, { ignoreVary: true }))) ||
    (await shell.match(OFFLINE_URL, { ignoreVary: true }))
  );
}

// Network first, never stored: a page with records must not outlive the session in a cache.
// Offline (or on a signal too weak to answer in time) a stored form or /offline stands in.
async function page(event) {
  const request = event.request;
  const network = fetch(request).then(async (response) => {
    await noteSession(response).catch(() => {});
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
    const stored = await storedForm(request);
    return stored || (await network);
  } catch (error) {
    const fallback = await fallbackPage(request);
    return fallback || Response.error();
  } finally {
    clearTimeout(timer);
  }
}

// Pages name app files with a content version (`?v=<hash>`, webapp/core/assets.py). A versioned
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

// ---- the forms a field user needs offline ----------------------------------------------------

let warming = null;

// Fetch the list of this user's forms and store each one. At most every REWARM_MS per user;
// the list and the forms come from the server, so a new activity type is there next time.
async function warmForms(user, force) {
  let meta = await formsOwner();
  if (meta && String(meta.user) !== String(user)) {
    await purgeUserPages();
    meta = null;
  }
  if (meta && !force && Date.now() - meta.at < REWARM_MS) return meta;
  let list;
  try {
    const response = await fetch(OFFLINE_PAGES_URL, { credentials: "same-origin", cache: "no-store" });
    if (response.status === 401) {
      await purgeUserPages();
      return null;
    }
    if (!response.ok) return meta;
    list = await response.json();
  } catch (error) {
    return meta; // offline now: the next page load online tries again
  }
  if (String(list.user_id) !== String(user)) {
    await purgeUserPages(); // the session belongs to someone else than the page said
    return null;
  }
  const cache = await caches.open(FORMS_CACHE);
  const stored = [];
  const titles = {}; // for the /offline page's list of what works without network
  await Promise.all(
    list.pages.map(async (path) => {
      try {
        const response = await fetch(
          new Request(path, {
            credentials: "same-origin",
            redirect: "manual",
            cache: "no-store",
            headers: { "X-Trygg-Precache": "1" },
          })
        );
        if (cacheable(response) && response.headers.get("X-Trygg-Session") === String(user)) {
          const html = await response.clone().text();
          titles[path] = ((html.match(/<title>([^<]*)<\/title>/) || [])[1] || "").split(" – ")[0];
          await cache.put(path, response);
          stored.push(path);
        }
      } catch (error) {
        // this one is fetched again on the next warm
      }
    })
  );
  // Forms the user no longer has (a role or a type changed) go.
  for (const key of await cache.keys()) {
    const path = new URL(key.url).pathname;
    if (path !== META_KEY && !list.pages.includes(path)) await cache.delete(key);
  }
  const complete = stored.length === list.pages.length;
  const pages = list.pages.filter((path) => stored.includes(path)); // in the server's order
  meta = { user: String(user), at: complete ? Date.now() : 0, pages, titles, expected: list.pages.length };
  await cache.put(META_KEY, new Response(JSON.stringify(meta), { headers: { "Content-Type": "application/json" } }));
  return meta;
}

// ---- the walk participant's page ---------------------------------------------------------------

// Store the page at `path` for the walk session `scope` (the page's outbox scope), as the server
// renders it for offline use, and only if the server names that same walk session.
async function warmWalk(path, scope) {
  if (!WALK_PAGE.test(path) || !scope) return false;
  const meta = await walkOwner();
  if (meta && meta.path === path && meta.scope === scope && Date.now() - meta.at < REWARM_WALK_MS) {
    return true;
  }
  let response;
  try {
    response = await fetch(
      new Request(path, {
        credentials: "same-origin",
        redirect: "manual", // ended meanwhile: the server sends the visitor to the code page
        cache: "no-store",
        headers: { "X-Trygg-Precache": "1" },
      })
    );
  } catch (error) {
    return false; // offline now: the next load online tries again
  }
  await noteWalkSession(response);
  const expires = Number(response.headers.get("X-Trygg-Walk-Expires"));
  if (!cacheable(response) || response.headers.get("X-Trygg-Walk") !== scope || !expires) return false;
  const session = response.headers.get("X-Trygg-Session");
  await purgeWalkPage(); // one walk at a time
  const cache = await caches.open(WALK_CACHE);
  await cache.put(path, response);
  const stored = { scope, path, expires, at: Date.now(), user: session && session !== "none" ? session : null };
  await cache.put(
    WALK_META_KEY,
    new Response(JSON.stringify(stored), { headers: { "Content-Type": "application/json" } })
  );
  return true;
}

function warm(user, force) {
  if (!warming) {
    warming = warmForms(user, force).finally(() => {
      warming = null;
    });
  }
  return warming;
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "warm" && data.user) {
    event.waitUntil(
      warm(data.user, Boolean(data.force))
        .then((meta) => {
          if (!event.source) return;
          const stored = meta ? meta.pages.length : 0;
          const expected = meta ? meta.expected : 0;
          event.source.postMessage({ type: "warmed", stored, expected });
        })
        .catch(() => {})
    );
  } else if (data.type === "session-ended") {
    event.waitUntil(sessionEnded(""));
  } else if (data.type === "warm-walk" && typeof data.path === "string") {
    event.waitUntil(
      warmWalk(data.path, String(data.scope || ""))
        .then((stored) => event.source && event.source.postMessage({ type: "walk-warmed", stored }))
        .catch(() => {})
    );
  } else if (data.type === "walk-ended") {
    event.waitUntil(purgeWalkPage());
  }
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
