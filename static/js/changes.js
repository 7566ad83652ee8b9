// "Since you last looked" on the grid's change log: this browser keeps the newest change it
// has shown (localStorage, per event) and labels the lines that came after it on the next
// visit. Nothing is sent to the server; without this script the log reads the same, unlabelled.
"use strict";

(() => {
  const list = document.querySelector("[data-seen-key]");
  if (!list) return;
  const key = list.dataset.seenKey;
  let seen;
  try {
    seen = Number(window.localStorage.getItem(key)) || 0;
  } catch (error) {
    return; // storage refused (private mode, a strict browser): no labels, no harm
  }
  let newest = seen;
  for (const line of document.querySelectorAll("[data-change]")) {
    const id = Number(line.dataset.change);
    newest = Math.max(newest, id);
    if (seen && id > seen) {
      const label = document.createElement("strong");
      label.className = "change-new";
      label.textContent = list.dataset.newLabel;
      line.prepend(label, " ");
    }
  }
  try {
    window.localStorage.setItem(key, String(newest));
  } catch (error) {
    // full or refused: the next visit labels nothing, as on a first visit
  }
})();
