// OOcamp's service worker (issue 21): when the venue's wifi dies, the pages a participant
// opened stay readable. Served at /sw.js by sessions_app/views/offline.py, which puts
// `const OOCAMP = {static, header, person, nobody}` before this file.
//
// - Only GETs of our own origin; POST, PUT and DELETE always go to the network, so that a
//   write made offline fails where the page's own queue can catch it.
// - Pages: network first. Whatever the network answers (even an error page) is what the page
//   gets; the kept copy is served only when the network cannot be reached, or has not answered
//   within NETWORK_WAIT (a connection that hangs). A page of an event that was never kept is
//   answered, offline, by the event's offline page, which lists the pages that were.
// - What is kept is one person's: each kept page says for whom it was rendered (the
//   `OOCAMP.person` header, a marker the server makes; `OOCAMP.nobody` for a visitor not signed
//   in, whose pages anyone may see). When a page of someone else loads, the pages kept for
//   anyone else are deleted (claim), and a page is only ever served to the person it was for.
// - After a visit to a page of an event, its main pages (the page lists them) are fetched once
//   in the background, so that a page never opened can still be read offline.
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
const META = "oocamp-meta-v1"; // whose pages are kept (claim)
const MAX_PAGES = 40;
const MAX_ASSETS = 30;
const PAGE_BYTES = 1200 * 1024;
const ASSET_BYTES = 600 * 1024;
const FETCHED_AT = "OOcamp-Fetched-At";
const SIZE = "OOcamp-Bytes";
// A connection that hangs: an overloaded access point at the venue often neither answers nor
// fails, and a navigation would wait for minutes on a blank screen. With a kept copy, the
// network gets this long (the venue's server answers a page in well under a second, and people
// take a page that shows nothing after 3-4 s for broken), then the copy is shown with its
// banner; the network's late answer is kept for next time, never swapped in under the reader.
const NETWORK_WAIT = 3500;
const PERSON_KEY = new URL("/oocamp-person", self.location.href).href;
// never kept, whatever the server says: organisers, tokens, the admin, signing in
const NEVER = /^\/(admin|accounts|signin)\/|\/organise\/|\/material\/|\/calendar\//;
const pending = new Map(); // address -> the promise of keeping it
const offlinePages = new Set(); // the pages (client ids) served from what was kept
let forgotten = 0; // how often "forget" came: what was being kept meanwhile is dropped
let person; // whose pages are kept (their marker), null: nobody's yet; undefined: not read yet
let claiming = Promise.resolve();
const tried = new Set(); // the event's pages fetched in the background once (person and page)

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("oocamp-") && ![PAGES, ASSETS, META].includes(name)) await caches.delete(name);
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
  ["keep", "fallback"].includes(response.headers.get(OOCAMP.header));
const ownerOf = (headers) => headers.get(OOCAMP.person) || OOCAMP.nobody;

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
  const key = address(url);
  const network = fetch(event.request).then((response) => {
    // copied before the page reads it; kept, even when it comes too late to be shown
    const copy = mayKeepPage(response) ? response.clone() : null;
    // whose page this is, then keep it (keep waits for the claim): both start now, so that
    // the page's "keep" message finds them under way
    const claimed = claim(response.headers.get(OOCAMP.person));
    return { response, after: Promise.all([claimed, copy && keep(PAGES, key, copy)]) };
  });
  event.waitUntil(network.then(({ after }) => after, () => {}));
  const answer = network.then(({ response }) => response);
  answer.catch(() => {}); // the network's failure is handled below
  const kept = await keptPage(key);
  if (!kept) {
    try {
      return await answer;
    } catch (error) {
      const fallback = await offlinePage(url);
      if (!fallback) throw error;
      if (event.resultingClientId) offlinePages.add(event.resultingClientId);
      return fallback;
    }
  }
  const wait = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT, null));
  const response = await Promise.race([answer, wait]).catch(() => null);
  if (response) return response;
  if (event.resultingClientId) offlinePages.add(event.resultingClientId);
  return offlineCopy(kept);
}

// The kept page at `key`, if the person it was for may see it.
async function keptPage(key) {
  const kept = await caches.match(key, { cacheName: PAGES, ignoreVary: true });
  return kept && (await mayShow(kept)) ? kept : undefined;
}

async function mayShow(kept) {
  const owner = ownerOf(kept.headers);
  return owner === OOCAMP.nobody || owner === (await currentPerson());
}

async function currentPerson() {
  if (person === undefined) {
    const stored = await caches.match(PERSON_KEY, { cacheName: META });
    person = stored ? await stored.text() : null;
  }
  return person;
}

// A page for `who` loaded: what was kept for anyone else goes (their sign-in may have expired
// without a sign-out, and someone else signed in on the same phone).
function claim(who) {
  if (!who) return claiming;
  claiming = claiming
    .then(async () => {
      if (who === (await currentPerson())) return;
      person = who;
      // nobody signed in: nothing of anyone is left, not even their marker
      const meta = await caches.open(META);
      if (who === OOCAMP.nobody) await meta.delete(PERSON_KEY);
      else await meta.put(PERSON_KEY, new Response(who));
      const cache = await caches.open(PAGES);
      for (const key of await cache.keys()) {
        const kept = await cache.match(key, { ignoreVary: true });
        const owner = kept ? ownerOf(kept.headers) : OOCAMP.nobody;
        if (owner !== OOCAMP.nobody && owner !== who) await cache.delete(key);
      }
    })
    .catch(() => {});
  return claiming;
}

// Offline, a page of an event the phone never kept: the event's offline page, listing the
// pages of the event it kept (their titles, as the server wrote them).
async function offlinePage(url) {
  const slug = url.pathname.split("/")[1];
  if (!slug) return null;
  const prefix = `${self.location.origin}/${slug}/`;
  const cache = await caches.open(PAGES);
  let fallback = null;
  const links = [];
  for (const key of await cache.keys()) {
    if (!key.url.startsWith(prefix)) continue;
    const kept = await cache.match(key, { ignoreVary: true });
    if (!kept || !(await mayShow(kept))) continue;
    if (kept.headers.get(OOCAMP.header) === "fallback") fallback = kept;
    else {
      const title = /<title>([^<]*)<\/title>/i.exec(await kept.clone().text());
      const href = new URL(key.url);
      links.push(`<li><a href="${escapeHtml(href.pathname + href.search)}">${title ? title[1] : escapeHtml(href.pathname)}</a></li>`);
    }
  }
  if (!fallback) return null;
  return offlineCopy(fallback, (html) =>
    html.replace(/<!--kept-pages-->[\s\S]*?<!--\/kept-pages-->/, links.join("")),
  );
}

const escapeHtml = (text) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

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
async function offlineCopy(kept, edit = (html) => html) {
  const at = Number(kept.headers.get(FETCHED_AT)) || 0;
  const html = edit(await kept.text()).replace(/<html\b/i, `<html data-offline-at="${at}"`);
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
    await claiming; // a page of someone else that loaded first has deleted theirs
    if (since !== forgotten) return; // signed out meanwhile
    await cache.put(key, new Response(body, { status: 200, statusText: "OK", headers }));
    // signed out meanwhile, or the page was someone else's by the time it came
    const owner = ownerOf(headers);
    if (since !== forgotten || (owner !== OOCAMP.nobody && owner !== (await currentPerson()))) {
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
  await claim(data.person); // whoever this page is for, the phone is now theirs
  const url = new URL(data.page);
  if (!ours(url)) return false;
  const key = address(url);
  if (pending.has(key)) await pending.get(key);
  if (data.fetch) {
    const response = await fetch(key, { credentials: "same-origin" }).catch(() => null);
    if (response) await claim(response.headers.get(OOCAMP.person));
    if (response && mayKeepPage(response)) await keep(PAGES, key, response);
  }
  if (!(await keptPage(key))) return false;
  await keepAssets(data.assets || []);
  await keepEventPages(data.pages || []);
  return true;
}

async function keepAssets(hrefs) {
  const cache = await caches.open(ASSETS);
  for (const href of hrefs) {
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
}

// The event's main pages (the grid, My day, now & next, Sessions, its offline page) that the
// phone has not kept yet: fetched once, in the background, with the static files they name.
async function keepEventPages(hrefs) {
  for (const href of hrefs) {
    const url = new URL(href, self.location.href);
    if (!ours(url)) continue;
    const key = address(url);
    if (pending.has(key)) await pending.get(key);
    const attempt = `${await currentPerson()} ${key}`;
    if (tried.has(attempt) || (await keptPage(key))) continue;
    tried.add(attempt);
    const response = await fetch(key, { credentials: "same-origin" }).catch(() => null);
    if (!response) continue;
    await claim(response.headers.get(OOCAMP.person));
    if (!mayKeepPage(response)) continue;
    const html = await response.clone().text();
    await keep(PAGES, key, response);
    const named = [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/gi)];
    await keepAssets(named.map((match) => match[1].replace(/&amp;/g, "&")));
  }
}

async function forget() {
  forgotten += 1;
  person = undefined;
  for (const name of await caches.keys()) {
    if (name.startsWith("oocamp-")) await caches.delete(name);
  }
}
