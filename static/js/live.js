// The grid and the "now & next" page follow changes without a reload; without this script a
// reload shows them. Every few seconds the page asks for the grid's version: the browser sends
// the last answer's ETag and gets an empty 304 while nothing changed. Only a new version (or,
// on the beamer, the next slot) fetches the fragment again. No htmx here: the page stays light.
"use strict";

(() => {
  const live = document.querySelector("[data-live-url]");
  if (!live) return;
  const ms = (name) => Number(live.dataset[name] || 0) * 1000;
  // the region swapped in may ask for another pace (the pitch round: every second once it runs)
  const poll = () => Number((region() && region().dataset.livePoll) || 0) * 1000 || ms("livePoll") || 5000;
  const every = ms("liveEvery");
  const phone = window.matchMedia("(max-width: 47.99rem)");
  const region = () => document.getElementById(live.dataset.liveTarget);
  let timer = 0;
  let busy = false;
  let fetchedAt = Date.now();
  // A request that never ends (a venue's wifi drops it half way) would keep `busy` for good and
  // the page would stop following: each one gives up after four polls, at least 4 s.
  const patience = () => {
    const ms = Math.max(4 * poll(), 4000);
    if (AbortSignal.timeout) return AbortSignal.timeout(ms);
    const giveUp = new AbortController();
    setTimeout(() => giveUp.abort(), ms);
    return giveUp.signal;
  };

  // The slot that runs now: highlighted, and on a phone scrolled into view on arrival.
  function markNow(scroll) {
    const now = Date.now();
    for (const row of document.querySelectorAll(".timetable tbody tr")) {
      const [start, end] = [...row.querySelectorAll("th time")].map((t) => Date.parse(t.dateTime));
      const current = start <= now && now < end;
      row.classList.toggle("now", current);
      if (current) {
        row.setAttribute("aria-current", "time");
        row.querySelector("th").dataset.now = live.dataset.now || "";
        if (scroll && phone.matches && !location.hash) row.scrollIntoView({ block: "start" });
      } else {
        row.removeAttribute("aria-current");
      }
    }
  }

  async function refresh(announce) {
    fetchedAt = Date.now();
    if ("liveReload" in live.dataset) {
      location.reload();
      return;
    }
    const before = region();
    const [left, top] = [before.scrollLeft, before.scrollTop];
    // the same page, asked for as a fragment (the server answers htmx-style requests with it)
    const response = await fetch(location.href, {
      headers: { "HX-Request": "true", "HX-Target": live.dataset.liveTarget },
      signal: patience(),
    });
    const elsewhere = response.headers.get("HX-Redirect");
    if (elsewhere) {
      location.assign(elsewhere); // e.g. the pitch round is over and the grid is published
      return;
    }
    if (response.headers.get("HX-Refresh") === "true") {
      location.reload(); // e.g. the grid was just published: the whole page changes
      return;
    }
    if (!response.ok) return;
    const holder = document.createElement("template");
    holder.innerHTML = (await response.text()).trim();
    const fresh = holder.content.getElementById(before.id);
    if (!fresh) return;
    before.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh); // e.g. the vote button of the pitch on now
    fresh.scrollTo(left, top); // stay at the rooms one was looking at
    const status = document.querySelector(".live-status");
    // what changed for this visitor (My day: "moved to Zaal Zenne, 14:05"), else that it changed
    const news = fresh.querySelector("[data-announce]");
    const told = news && news.textContent.replace(/\s+/g, " ").trim();
    if (announce && status) status.textContent = told || status.dataset.message;
  }

  async function check() {
    clearTimeout(timer);
    if (busy || document.hidden) return; // a hidden tab asks again when it is shown
    busy = true;
    try {
      const shown = region();
      // no cookies: the version is public, and without a session it costs the server no query
      const response = await fetch(live.dataset.liveUrl, {
        cache: "no-cache",
        credentials: "omit",
        signal: patience(),
      });
      const version = response.ok ? (await response.text()).trim() : "";
      if (version && document.documentElement.dataset.offlineAt) {
        location.reload(); // a page the phone kept (offline.js), and the server answers again
        return;
      }
      const due = Number(shown && shown.dataset.refreshAt) || 0;
      if (version && shown && version !== shown.dataset.version) {
        await refresh(true);
      } else if ((due && Date.now() >= due) || (every && Date.now() - fetchedAt >= every)) {
        await refresh(false);
      }
    } catch {
      // offline for a moment, or no answer in time: ask again next time
    } finally {
      busy = false;
    }
    markNow(false);
    // give or take a fifth, so that phones that opened the grid together drift apart
    timer = setTimeout(check, poll() * (0.8 + 0.4 * Math.random()));
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) check();
  });
  markNow(true);
  timer = setTimeout(check, poll());
})();
