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

// A form that creates something carries a key (actions.submit_once) in a field that is never
// shown. Browsers put a field's value back after Back only if it differs from the page's: made
// so, the form that Back shows again with what was typed also has its first key, and sending it
// again leads to what the first send made instead of making it twice.
for (const key of document.querySelectorAll('input[name$="submission_key"]')) {
  const value = key.value;
  key.defaultValue = "";
  key.value = value;
}
