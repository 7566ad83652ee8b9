// OOcamp's progressive enhancement: small, and every page works without it.
"use strict";

// After a form comes back with errors, move focus to the summary so screen readers hear it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".form-errors");
  if (summary) summary.focus();
});

// A session shown twice on one page (at the top while it is being pitched, and in the list):
// a vote on one copy asks the server for the other copy too, so both say the same.
document.addEventListener("htmx:configRequest", (event) => {
  const box = event.detail.elt.closest && event.detail.elt.closest(".vote[data-twin]");
  if (box && document.getElementById(box.dataset.twin)) event.detail.parameters.twin = "1";
});

// A vote button's form says "I vote for X" (vote=1) or "I take my vote for X back" (vote=0),
// never "flip it", so sending it twice does what sending it once does. When its answer is lost
// (no connection, or 502/503/504 from a proxy whose instance died), the page sends the same
// form once more; nginx already sends a vote to a second instance (deploy/
// nginx-oocamp_locations.conf), this covers an answer cut off halfway and the phone's own
// network. Lost twice, or answered with another error, the button says so (`data-lost`).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.dataset.lost) return;
  const retry = form.dataset.retrying === "1";
  delete form.dataset.retrying;
  if (event.detail.successful) return;
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  const button = form.querySelector("button[name=vote]");
  if (!retry && [0, 502, 503, 504].includes(status) && button && window.htmx) {
    form.dataset.retrying = "1";
    const values = { vote: button.value }; // the word of the button that was pressed
    // once htmx is done with the first request (this event comes before it lets go of the form)
    setTimeout(() => {
      const path = form.getAttribute("hx-post");
      // a lost second answer comes back to this handler, as the first did
      window.htmx.ajax("POST", path, { source: form, values }).catch(() => {});
    }, 0);
    return;
  }
  // lost twice without any answer (a wifi without internet): the phone's outbox keeps the vote
  // and sends it when the connection is back (static/js/outbox.js)
  if (status === 0 && button && window.OOcampOutbox && form.dataset.outbox) {
    window.OOcampOutbox.keep(form, button);
    return;
  }
  const box = form.closest(".vote");
  if (box && !box.querySelector(".vote-error")) {
    const error = document.createElement("p");
    error.className = "vote-error";
    error.setAttribute("role", "alert");
    error.textContent = form.dataset.lost;
    box.append(error);
  }
});

// A form that creates something carries a key (actions.submit_once) in a field that is never
// shown. Browsers put a field's value back after Back only if it differs from the page's: made
// so, the form that Back shows again with what was typed also has its first key, and sending it
// again leads to what the first send made instead of making it twice.
for (const key of document.querySelectorAll('input[name$="submission_key"]')) {
  const value = key.value;
  key.defaultValue = "";
  key.value = value;
}
