// The grid editor's drag and drop, on top of forms that work without it.
// Dropping a session posts #drop-form, the same form the "Place here" and "Back to tray"
// buttons post; htmx swaps in the #grid that comes back. No inline script, no hx-on (CSP).
"use strict";

(() => {
  if (window.htmx) {
    // The server answers a refused change with the fresh grid and a message: 409 when the grid
    // changed meanwhile, 422 when a rule of the grid refuses the move. Swap those too.
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "409", swap: true, error: false },
      { code: "422", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false },
    ];
  }

  let dragged = null; // the session id being dragged

  const dropTarget = (event) => event.target.closest && event.target.closest("#grid [data-drop]");

  const clearMarks = () => {
    document.querySelectorAll(".drop-over").forEach((el) => el.classList.remove("drop-over"));
  };

  document.addEventListener("dragstart", (event) => {
    const item = event.target.closest && event.target.closest("#grid [data-session]");
    if (!item) return;
    dragged = item.dataset.session;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged);
    item.classList.add("dragging");
    document.getElementById("grid").classList.add("drag-active");
  });

  document.addEventListener("dragend", () => {
    dragged = null;
    clearMarks();
    document.querySelectorAll(".dragging").forEach((el) => el.classList.remove("dragging"));
    const grid = document.getElementById("grid");
    if (grid) grid.classList.remove("drag-active");
  });

  document.addEventListener("dragover", (event) => {
    const target = dropTarget(event);
    if (!target || dragged === null) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = "move";
    if (!target.classList.contains("drop-over")) {
      clearMarks();
      target.classList.add("drop-over");
    }
  });

  document.addEventListener("dragleave", (event) => {
    const target = dropTarget(event);
    if (target && !target.contains(event.relatedTarget)) target.classList.remove("drop-over");
  });

  document.addEventListener("drop", (event) => {
    const target = dropTarget(event);
    if (!target || dragged === null) return;
    event.preventDefault();
    const session = dragged;
    clearMarks();
    const from = document.querySelector(`#grid [data-session="${session}"]`);
    const fromCell = from && from.closest("[data-drop]");
    if (fromCell === target) return; // dropped where it was: nothing to change
    const form = document.getElementById("drop-form");
    form.elements.session.value = session;
    form.elements.room.value = target.dataset.room || "";
    form.elements.slot.value = target.dataset.slot || "";
    form.requestSubmit();
  });

  // Esc leaves "choose a cell" (the Cancel link goes back to the plain grid); then the focus
  // goes back to the "Choose" button of the session that was chosen.
  let refocus = null;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const cancel = document.querySelector("#grid [data-cancel]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });
  document.addEventListener("click", (event) => {
    const cancel = event.target.closest && event.target.closest("#grid [data-cancel]");
    if (cancel) refocus = cancel.dataset.cancel;
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!refocus) return;
    const choose = document.querySelector(`#grid [data-session="${refocus}"] .choose`);
    refocus = null;
    if (choose) choose.focus();
  });
})();
