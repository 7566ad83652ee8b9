// The phone's outbox: a vote, an "I'll go", a proposal or a session report written while the
// phone is offline is kept on the phone (localStorage), shown as "waiting to send" on the form
// it came from and counted in the bar at the top of the page (#outbox, includes/outbox.html),
// and sent when the connection is back: at the `online` event, at every page load while
// something waits, and every half minute (a phone on a wifi without internet says it is
// online). Each action carries a key made on the phone when it was written (`Idempotency-Key`;
// a proposal's own `submission_key`): sent twice, the server does it once
// (sessions_app/actions/base.py act_once). An action the server refuses (voting closed
// meanwhile, the last vote used on another device, the session gone, someone else saved the
// report) stays in the bar with the server's message, and a proposal's or report's text with
// it, to copy: nothing is lost silently.
//
// The outbox belongs to the person signed in (`data-owner`): one person's waiting actions are
// never sent as another's, and signing out clears the phone's storage (Clear-Site-Data).
// Without this script, or signed out, forms work as they always did.
"use strict";

(() => {
  const bar = document.getElementById("outbox");
  if (!bar || !bar.dataset.owner) return;
  let storage;
  try {
    storage = window.localStorage;
    storage.getItem("oocamp-outbox-probe");
  } catch {
    return; // storage refused (a private mode): the forms work as without this script
  }
  const STORE = `oocamp-outbox:${bar.dataset.owner}`;
  const say = bar.dataset; // the bar's words, in the page's language
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");

  const load = () => {
    try {
      const items = JSON.parse(storage.getItem(STORE) || "[]");
      return Array.isArray(items) ? items : [];
    } catch {
      return [];
    }
  };
  const save = (items) => {
    if (items.length) storage.setItem(STORE, JSON.stringify(items));
    else storage.removeItem(STORE);
  };
  const update = (id, change) => {
    const items = load();
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) return;
    if (change === null) items.splice(index, 1);
    else items[index] = { ...items[index], ...change };
    save(items);
  };
  const newKey = () =>
    window.crypto && crypto.randomUUID
      ? crypto.randomUUID()
      : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
          (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
        );

  // ---- keeping an action -----------------------------------------------------------------

  const KINDS = ["vote", "follow", "propose", "report"];

  function describe(kind, form, submitter, data) {
    const title = form.dataset.outboxTitle || (submitter && submitter.dataset.outboxTitle) || "";
    const on = data.get(kind) !== "0";
    if (kind === "vote") return fill(on ? say.vote : say.unvote, { title });
    if (kind === "follow") return title ? fill(on ? say.follow : say.unfollow, { title }) : say.followAny;
    if (kind === "propose") return fill(say.propose, { title: data.get("title") || "" });
    return fill(say.report, { title });
  }

  // The form's text, kept to be copied when the server refuses it.
  const textOf = (kind, data) =>
    kind === "propose"
      ? [data.get("title"), data.get("description")].filter(Boolean).join("\n\n")
      : kind === "report"
        ? data.get("text") || ""
        : "";

  function keep(form, submitter, state = "waiting") {
    const kind = form.dataset.outbox;
    let data;
    try {
      data = new FormData(form, submitter || undefined);
    } catch {
      data = new FormData(form); // a submitter that is not this form's: its word by hand
      if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    }
    data.delete("csrfmiddlewaretoken"); // the token of the moment it is sent goes instead
    const url = new URL(
      (submitter && submitter.getAttribute("formaction")) || form.getAttribute("action") || "",
      window.location.href,
    ).pathname;
    const box = kind === "vote" || kind === "follow" ? (submitter || form).closest(".vote, .follow") : null;
    const key = kind === "propose" && data.get("submission_key") ? data.get("submission_key") : newKey();
    const item = {
      id: key,
      kind,
      url,
      body: new URLSearchParams(data).toString(),
      target: box ? box.id : "",
      label: describe(kind, form, submitter, data),
      text: textOf(kind, data),
      title: kind === "propose" ? data.get("title") || "" : "",
      state,
    };
    // A second tap on the same button before anything was sent: the last word counts (a vote's
    // form says "vote" or "take it back", never "flip it", so only the last one matters); a
    // report saved twice offline is sent as its last text.
    const replaces = (other) =>
      other.state === "waiting" &&
      other.url === url &&
      (box || kind === "report" || other.id === key);
    const items = load().filter((other) => !replaces(other) && other.id !== key);
    items.push(item);
    save(items);
    show();
  }

  // A proposal sent online goes as a plain form, and a copy is kept as "sending" (not shown) in
  // case no answer comes (a wifi without internet: the phone says it is online, the browser
  // shows its own error page and the text would be gone). The next page of ours that loads
  // settles it: the proposal's page (its title as heading) or the form shown again with the
  // same key (its errors) is the server's answer, and the copy goes; any other page means the
  // answer never came, and the copy waits to be sent like one written offline. Sent once more
  // after all, the server does it once (the key), so a wrong guess costs one request.
  const clean = (text) => (text || "").replace(/\s+/g, " ").trim();
  function settle() {
    const items = load();
    if (!items.some((item) => item.state === "sending")) return;
    const heading = clean((document.querySelector("main h1") || {}).textContent);
    const keys = new Set(
      [...document.querySelectorAll('input[name="submission_key"]')].map((input) => input.value),
    );
    const onSession = /^\/[^/]+\/sessions\/\d+\/$/.test(window.location.pathname);
    save(
      items.flatMap((item) => {
        if (item.state !== "sending") return [item];
        const answered = keys.has(item.id) || (onSession && clean(item.title) === heading);
        return answered ? [] : [{ ...item, state: "waiting" }];
      }),
    );
  }

  // ---- the bar and the forms' marks --------------------------------------------------------

  function formFor(item) {
    if (item.target) return document.getElementById(item.target);
    for (const form of document.querySelectorAll(`form[data-outbox="${item.kind}"]`)) {
      const action = new URL(form.getAttribute("action") || "", window.location.href).pathname;
      if (action === item.url) return form;
    }
    return null;
  }

  function mark() {
    for (const old of document.querySelectorAll(".outbox-waiting")) old.remove();
    for (const item of load()) {
      if (item.state !== "waiting") continue;
      const place = formFor(item);
      if (!place) continue;
      const note = document.createElement(place.matches(".follow") ? "span" : "p");
      note.className = "outbox-waiting";
      note.textContent = say.waiting;
      (place.matches("form") ? place.querySelector(".button-row") || place : place).append(note);
    }
  }

  function note(item) {
    const li = document.createElement("li");
    li.className = `outbox-note outbox-${item.state}`;
    const head = document.createElement("p");
    head.textContent = fill(item.state === "sent" ? say.sent : say.failed, { label: item.label });
    li.append(head);
    if (item.message) {
      const message = document.createElement("p");
      message.textContent = item.message;
      if (item.state === "failed") message.setAttribute("role", "alert");
      li.append(message);
    }
    if (item.state === "failed" && item.text) {
      const label = document.createElement("p");
      label.className = "small";
      label.textContent = say.copy;
      const text = document.createElement("textarea");
      text.readOnly = true;
      text.rows = 4;
      text.value = item.text;
      text.setAttribute("aria-label", say.copy);
      li.append(label, text);
    }
    const actions = document.createElement("p");
    actions.className = "outbox-actions";
    if (item.link) {
      const link = document.createElement("a");
      link.href = item.link;
      link.textContent = say.open;
      actions.append(link, " ");
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "link-button";
    close.textContent = say.close;
    close.addEventListener("click", () => {
      update(item.id, null);
      show();
    });
    actions.append(close);
    li.append(actions);
    return li;
  }

  function show() {
    const items = load();
    const waiting = items.filter((item) => item.state === "waiting").length;
    const count = bar.querySelector(".outbox-count");
    count.textContent = waiting ? fill(waiting === 1 ? say.one : say.many, { n: waiting }) : "";
    count.hidden = !waiting;
    const list = bar.querySelector(".outbox-notes");
    const notes = items.filter((item) => item.state === "sent" || item.state === "failed");
    list.replaceChildren(...notes.map(note));
    bar.hidden = !waiting && !notes.length;
    mark();
  }

  // ---- sending ----------------------------------------------------------------------------

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    if (cookie) return cookie.slice("csrftoken=".length);
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch {
      return "";
    }
  }

  const parse = (html) => new DOMParser().parseFromString(html, "text/html");
  const words = (doc, selector) =>
    [...doc.querySelectorAll(selector)]
      .map((element) => element.textContent.replace(/\s+/g, " ").trim())
      .filter(Boolean)
      .join(" ");

  // A button's answer takes the button's place, as if it had been tapped online.
  function swapIn(item, html) {
    const target = item.target && document.getElementById(item.target);
    if (!target) return;
    if (window.htmx && window.htmx.swap) {
      window.htmx.swap(target, html, { swapStyle: "outerHTML" });
      return;
    }
    const holder = document.createElement("template");
    holder.innerHTML = html.trim();
    const fresh = holder.content.getElementById(item.target);
    if (fresh) target.replaceWith(fresh);
  }

  // What came of one send: "sent", "failed" (with why), or null (no answer: try again later).
  async function send(item) {
    const button = item.kind === "vote" || item.kind === "follow";
    const headers = { "X-CSRFToken": csrfToken(), "Idempotency-Key": item.id };
    if (button) headers["HX-Request"] = "true";
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        body: new URLSearchParams(item.body),
        headers,
        credentials: "same-origin",
      });
    } catch {
      return null; // still no connection
    }
    if ([0, 502, 503, 504].includes(response.status)) return null;
    const html = await response.text().catch(() => "");
    if (button) {
      // sent to the join page: not signed in any more; it waits for the person to be back
      if (response.redirected) return null;
      if (response.ok || response.status === 409) swapIn(item, html);
      if (response.ok) return { state: "sent" };
      if (response.status === 404) return { state: "failed", message: say.gone };
      const why = response.status === 409 ? words(parse(html), "[role=alert]") : "";
      return { state: "failed", message: why || fill(say.refused, { status: response.status }) };
    }
    const doc = parse(html);
    const mine = doc.getElementById("outbox");
    if (!mine || mine.dataset.owner !== bar.dataset.owner) return null; // signed out meanwhile
    // Done, it leads where the form leads once done: a proposal to its session's page (also
    // when it had arrived before), a report back to its own page.
    const landed = new URL(response.url).pathname;
    const done =
      item.kind === "propose" ? /^\/[^/]+\/sessions\/\d+\/$/.test(landed) : landed === item.url;
    if (response.ok && response.redirected && done && !doc.querySelector(".merge, .form-errors")) {
      return { state: "sent", message: words(doc, ".message-success, .message-info"), link: response.url };
    }
    const why = words(doc, ".merge [role=alert], .message-error, .form-errors, .field-errors");
    if (response.status === 409 && item.kind === "report") {
      // someone else saved the report meanwhile: on the report's page, the merge screen
      const editor = doc.getElementById("editor");
      const here = document.getElementById("editor");
      if (editor && here && window.location.pathname === item.url) {
        here.replaceWith(document.importNode(editor, true));
        if (window.htmx) window.htmx.process(document.getElementById("editor"));
      }
    }
    return {
      state: "failed",
      message: why || fill(say.refused, { status: response.status }),
      link: item.kind === "report" ? item.url : "",
    };
  }

  let flushing = false;
  async function flushNow() {
    if (flushing) return;
    flushing = true;
    try {
      for (;;) {
        const next = load().find((item) => item.state === "waiting");
        if (!next) break;
        const outcome = await send(next);
        if (!outcome) break;
        // a vote or "I'll go" that went through shows itself on its button: no note for it
        if (outcome.state === "sent" && (next.kind === "vote" || next.kind === "follow")) {
          update(next.id, null);
        } else {
          update(next.id, outcome);
        }
        show();
      }
    } finally {
      flushing = false;
    }
  }

  function flush() {
    if (navigator.onLine === false || !load().some((item) => item.state === "waiting")) return;
    // two tabs catching up at once send one after the other (the keys would hold anyway)
    if (navigator.locks) navigator.locks.request("oocamp-outbox", flushNow).catch(() => {});
    else flushNow();
  }

  // ---- taking a form offline -------------------------------------------------------------

  // Before htmx or follow.js sees it (capture): a form of the outbox sent while offline is kept.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !KINDS.includes(form.dataset.outbox)) return;
      if (event.submitter && event.submitter.name === "preview") return;
      if (navigator.onLine !== false) {
        if (form.dataset.outbox === "propose" && !event.defaultPrevented) keep(form, event.submitter, "sending");
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      keep(form, event.submitter);
    },
    true,
  );

  // Online as far as the phone knows, but the request got no answer (a wifi without internet):
  // app.js (votes) and follow.js (the grid's buttons) hand the form over after their own
  // retry; an htmx "I'll go" or report is kept here.
  window.OOcampOutbox = { keep };
  document.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt;
    if (!(form instanceof HTMLFormElement)) return;
    if (!["follow", "report"].includes(form.dataset.outbox)) return;
    const trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    keep(form, (trigger && trigger.submitter) || form.querySelector("button"));
  });

  // Signing out clears what the phone kept (here, and Clear-Site-Data in the answer): not
  // without asking when something still waits to be sent. Capture: before offline.js starts
  // forgetting the pages.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.matches(".sign-out")) return;
      const waiting = load().filter((item) => item.state === "waiting").length;
      if (waiting && !window.confirm(fill(say.signOut, { n: waiting }))) {
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      storage.removeItem(STORE);
    },
    true,
  );

  window.addEventListener("online", flush);
  window.addEventListener("storage", (event) => {
    if (event.key === STORE) show(); // another tab kept or sent something
  });
  settle();
  show();
  flush();
  setInterval(flush, 30000);
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return; // back to a page kept in memory: it did not load again
    settle();
    show();
    flush();
  });
})();
