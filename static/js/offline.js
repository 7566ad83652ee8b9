// Offline reading (issue 21), the page's side: registers the service worker (static/js/sw.js,
// served at /sw.js), shows "Offline — as of 14:02" on a page it served from what it kept, and
// forgets what was kept when someone signs out. Without service workers (an old browser,
// private mode) none of this runs and every page works as it always did.
"use strict";

(() => {
  const root = document.documentElement;
  const script = document.currentScript;

  // A page served from what the phone kept: say so, with the time it was fetched. The words
  // come translated from the server (base.html); back online, the page is fetched again.
  const fetchedAt = Number(root.dataset.offlineAt || 0);
  const banner = document.querySelector("[data-offline-banner]");
  if (fetchedAt && banner) {
    const time = new Date(fetchedAt).toLocaleTimeString(root.lang || undefined, {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    banner.textContent = banner.dataset.template.replace("{time}", time);
    banner.hidden = false;
    // Back online, the page is fetched again (live.js does it too once its version check
    // reaches the server). The worker's own script is asked for first, as a GET that goes past
    // the worker straight to the server (it handles navigations and static files only) and costs
    // the server no query: the page is reloaded only when the server answers, so a connection
    // that comes back half reloads nothing, and it is asked again a little later. (A HEAD of the
    // page itself was answered 405 by the views that take GET only, a warning in the log each.)
    let asking = 0;
    const again = () => {
      clearTimeout(asking);
      fetch(script.dataset.worker || "/sw.js", { cache: "no-store", credentials: "same-origin" })
        .then((response) => {
          if (response.status >= 500) throw new Error(String(response.status));
          location.reload();
        })
        .catch(() => {
          asking = setTimeout(again, 5000);
        });
    };
    window.addEventListener("online", again);
    if (navigator.onLine) asking = setTimeout(again, 3000);
  }

  // Signing out: nothing kept stays on the phone. The answer says so (Clear-Site-Data), which
  // not every browser honours, so the worker is told too (it finishes after the page is gone)
  // and the page starts deleting the caches itself. The form goes at once, as without this
  // script: a sign-out that waited for the caches would leave a moment in which the next tap
  // (or a storage that never answers) races it or stops it.
  for (const form of document.querySelectorAll("form[data-forget-offline]")) {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented || !window.caches) return;
      const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
      if (worker) worker.postMessage({ type: "forget" });
      caches
        .keys()
        .then((names) => Promise.all(names.filter((n) => n.startsWith("oocamp-")).map((n) => caches.delete(n))))
        .catch(() => {});
    });
  }

  if (!("serviceWorker" in navigator) || !script || !script.dataset.worker) return;
  const opened = !navigator.serviceWorker.controller; // before the worker looked after pages
  // the worker's "kept": this page and its static files will open offline (tests wait for it)
  navigator.serviceWorker.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.type === "kept" && data.page === location.href) root.dataset.offlineKept = "";
  });
  navigator.serviceWorker.startMessages();
  navigator.serviceWorker
    .register(script.dataset.worker) // at the site's root: its scope is every page
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const assets = [
        ...document.querySelectorAll("link[rel=stylesheet][href], script[src], link[rel=icon][href]"),
      ].map((element) => element.href || element.src);
      if (registration.active && !fetchedAt) {
        registration.active.postMessage({
          type: "keep",
          page: location.href,
          fetch: opened,
          assets,
          // who this page is for: what the phone kept for anyone else goes (sw.js, claim)
          person: script.dataset.person || "",
          // the event's main pages, which the phone keeps too once it opened one of them
          pages: (script.dataset.eventPages || "").split(" ").filter(Boolean),
        });
      }
    })
    .catch(() => {}); // refused (private mode, blocked): the page works as it is
})();
