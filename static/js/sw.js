// OOcamp's service worker (issue 21): when the venue's wifi dies, the pages a participant
// opened stay readable. Served at /sw.js by sessions_app/views/offline.py, which puts
// `const OOCAMP = {static, header}` before this file.
//
// - Only GETs of our own origin; POST, PUT and DELETE always go to the network, so that a
//   write made offline fails where the page's own queue can catch it.
// - Pages: network first. Whatever the network answers (even an error page) is what the page
//   gets; the kept copy is served only when the network cannot be reached at all.
// - A page is kept only when the server marks its answer (the `OOCAMP.header` header:
//   sessions_app/offline.py lists those pages); organiser pages, pages with a token in their
//   address, the admin and the sign-in pages never carry it, and are refused here too.
// - Static files are only ever served from what was kept for a page served offline; an online
//   page's own requests go to the network as if this worker were not there.
// - Kept pages carry the time they were fetched; served offline, the page's <html> gets
//   `data-offline-at` and static/js/offline.js shows the "Offline — as of 14:02" banner.
// - What is kept stays small: at most MAX_PAGES pages and MAX_ASSETS static files, and a
//   budget in bytes for each, the oldest going first.
"use strict";

const PAGES = "oocamp-pages-v1";
const ASSETS = "oocamp-assets-v1";
const MAX_PAGES = 40;
const MAX_ASSETS = 30;
const PAGE_BYTES = 1200 * 1024;
const ASSET_BYTES = 600 * 1024;
const FETCHED_AT = "OOcamp-Fetched-At";
const SIZE = "OOcamp-Bytes";
// never kept, whatever the server says: organisers, tokens, the admin, signing in
const NEVER = /^\/(admin|accounts|signin)\/|\/organise\/|\/material\/|\/calendar\//;
const pending = new Map(); // address -> the promise of keeping it
const offlinePages = new Set(); // the pages (client ids) served from what was kept
let forgotten = 0; // how often "forget" came: what was being kept meanwhile is dropped

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("oocamp-") && name !== PAGES && name !== ASSETS) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

const ours = (url) => url.origin === self.location.origin && !NEVER.test(url.pathname);
const isAsset = (url) =>
  url.pathname.startsWith(OOCAMP.static) && /\.(css|js|png|svg|woff2?)$/.test(url.pathname);
const address = (url) => {
  const plain = new URL(url);
  plain.hash = "";
  return plain.href;
};
const mayKeepPage = (response) =>
  response.status === 200 &&
  response.type === "basic" &&
  !response.redirected &&
  response.headers.get(OOCAMP.header) === "keep";

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // writes go to the network, always
  const url = new URL(request.url);
  if (!ours(url)) return;
  if (request.mode === "navigate") event.respondWith(page(event, url));
  // the static files of a page served from what was kept; an online page's go to the network
  // untouched, as without this worker
  else if (isAsset(url) && offlinePages.has(event.clientId)) event.respondWith(asset(event, url));
});

async function page(event, url) {
  try {
    const response = await fetch(event.request);
    if (mayKeepPage(response)) {
      event.waitUntil(keep(PAGES, address(url), response.clone()));
    }
    return response;
  } catch (error) {
    const kept = await caches.match(address(url), { cacheName: PAGES, ignoreVary: true });
    if (!kept) throw error;
    if (event.resultingClientId) offlinePages.add(event.resultingClientId);
    return offlineCopy(kept);
  }
}

// A static file of a page served offline: the network if it answers after all, else the copy.
async function asset(event, url) {
  try {
    return await fetch(event.request);
  } catch (error) {
    const kept = await caches.match(address(url), { cacheName: ASSETS, ignoreVary: true });
    if (!kept) throw error;
    return kept;
  }
}

// The kept page as the browser gets it offline: its <html> says when it was fetched.
async function offlineCopy(kept) {
  const at = Number(kept.headers.get(FETCHED_AT)) || 0;
  const html = (await kept.text()).replace(/<html\b/i, `<html data-offline-at="${at}"`);
  const headers = new Headers(kept.headers);
  headers.delete(SIZE);
  return new Response(html, { status: 200, statusText: "OK", headers });
}

function keep(name, key, response) {
  const since = forgotten;
  const done = (async () => {
    const body = await response.arrayBuffer();
    const headers = new Headers(response.headers);
    // the body is kept decoded: its length and encoding no longer apply
    for (const header of ["content-encoding", "content-length", "transfer-encoding", "set-cookie"]) {
      headers.delete(header);
    }
    headers.set(FETCHED_AT, String(Date.now()));
    headers.set(SIZE, String(body.byteLength));
    const cache = await caches.open(name);
    if (since !== forgotten) return; // signed out meanwhile
    await cache.put(key, new Response(body, { status: 200, statusText: "OK", headers }));
    if (since !== forgotten) {
      await cache.delete(key);
      return;
    }
    await trim(cache, name === PAGES ? MAX_PAGES : MAX_ASSETS, name === PAGES ? PAGE_BYTES : ASSET_BYTES);
  })();
  pending.set(key, done);
  return done.finally(() => {
    if (pending.get(key) === done) pending.delete(key);
  });
}

// The oldest entries go first (a cache lists its entries in the order they were put).
async function trim(cache, most, bytes) {
  const keys = await cache.keys();
  const sizes = await Promise.all(
    keys.map(async (key) => {
      const response = await cache.match(key, { ignoreVary: true });
      return response ? Number(response.headers.get(SIZE)) || 0 : 0;
    }),
  );
  let total = sizes.reduce((sum, size) => sum + size, 0);
  for (let i = 0; i < keys.length && (keys.length - i > most || total > bytes); i++) {
    await cache.delete(keys[i]);
    total -= sizes[i];
  }
}

// What the page asks (static/js/offline.js):
// - "keep": the page was opened before this worker looked after it (the first visit), or it
//   was kept just now; keep it, and the static files it needs, then answer "kept".
// - "forget": signing out; nothing kept stays.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep") {
    event.waitUntil(
      keepVisit(data).then((done) => {
        if (done && event.source) event.source.postMessage({ type: "kept", page: data.page });
      }),
    );
  }
  else if (data.type === "forget") event.waitUntil(forget());
});

async function keepVisit(data) {
  const url = new URL(data.page);
  if (!ours(url)) return false;
  const key = address(url);
  if (pending.has(key)) await pending.get(key);
  if (data.fetch) {
    const response = await fetch(key, { credentials: "same-origin" }).catch(() => null);
    if (response && mayKeepPage(response)) await keep(PAGES, key, response);
  }
  if (!(await caches.match(key, { cacheName: PAGES, ignoreVary: true }))) return false;
  const cache = await caches.open(ASSETS);
  for (const href of data.assets || []) {
    const file = new URL(href, self.location.href);
    if (!ours(file) || !isAsset(file)) continue;
    // a file whose name has its hash (production) never changes; others are fetched again (from
    // the browser's cache while it is fresh), so that the kept copy follows the page's
    const hashed = /\.[0-9a-f]{12}\.\w+$/.test(file.pathname);
    if (hashed && (await cache.match(address(file), { ignoreVary: true }))) continue;
    const response = await fetch(address(file)).catch(() => null);
    if (response && response.status === 200 && response.type === "basic") {
      await keep(ASSETS, address(file), response);
    }
  }
  return true;
}

async function forget() {
  forgotten += 1;
  for (const name of await caches.keys()) {
    if (name.startsWith("oocamp-")) await caches.delete(name);
  }
}
