// OOcamp's progressive enhancement: small, and every page works without it.
"use strict";

// After a form comes back with errors, move focus to the summary so screen readers hear it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".form-errors");
  if (summary) summary.focus();
});
