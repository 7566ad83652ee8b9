// The synthesis editor (templates/organiser/themes_synthesis.html): the theme's sessions beside
// the text, each a <details> that opens without any script. This adds what needs one: buttons
// that open or close them all; the sessions open when the text was saved are open again on the
// page the save leads to; and links inside the reports open in a new tab, as the page's own
// links do, so following one never takes the text being written off the page.
"use strict";

(() => {
  const sources = document.querySelector(".synthesis-sources");
  if (!sources) return;
  const all = () => sources.querySelectorAll("details.source");
  const controls = sources.querySelector(".source-controls");
  if (controls) {
    controls.hidden = false;
    controls.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-details]");
      if (!button) return;
      const open = button.dataset.details === "open";
      for (const details of all()) details.open = open;
    });
  }

  const key = `synthesis-open:${location.pathname}`;
  try {
    const ids = JSON.parse(sessionStorage.getItem(key) || "[]");
    sessionStorage.removeItem(key);
    for (const details of all()) if (ids.includes(details.id)) details.open = true;
  } catch {
    // no storage (a private window may refuse it): every session starts closed, as without JS
  }
  const form = document.querySelector(".synthesis-editor form");
  if (form) {
    form.addEventListener("submit", () => {
      const open = [...all()].filter((details) => details.open).map((details) => details.id);
      try {
        sessionStorage.setItem(key, JSON.stringify(open));
      } catch {
        // as above
      }
    });
  }

  for (const link of sources.querySelectorAll(".prose a[href]")) {
    link.target = "_blank";
    link.rel = "noopener noreferrer nofollow";
  }
})();
