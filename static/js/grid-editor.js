// The grid editor's drag and drop, on top of forms that work without it.
// Dropping a session posts #drop-form, the same form the "Place here" and "Back to tray"
// buttons post; htmx swaps in the #grid that comes back, or for a drop from a cell to a cell
// only the parts it changed. No inline script, no hx-on (CSP).
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

  // A drop from a cell to a cell is answered with the parts of the grid it changed (htmx swaps
  // them out of band), the bar with the new version among them: from then on every form of the
  // grid posts that version, as after a fresh grid.
  document.addEventListener("htmx:afterSettle", () => {
    const bar = document.querySelector("#grid-bar[data-version]");
    if (!bar) return;
    document.querySelectorAll('#grid input[name="version"]').forEach((input) => {
      input.value = bar.dataset.version;
    });
  });

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

  // "Choose a cell" with the keyboard: the cells' "Place here" buttons are one tab stop (a roving
  // tabindex); the arrow keys move between the cells, Home and End to the row's ends, Enter
  // places, Esc cancels. From the "Choose a cell for …" bar an arrow key goes into the grid.
  const rows = () =>
    [...document.querySelectorAll("#grid.selecting .grid-table tbody tr")]
      .map((tr) => [...tr.querySelectorAll(":scope > td.cell")])
      .filter((cells) => cells.length);
  const placeIn = (td) => (td ? td.querySelector("button.place") : null);

  function position(button) {
    const grid = rows();
    for (let r = 0; r < grid.length; r += 1) {
      const c = grid[r].indexOf(button.closest("td.cell"));
      if (c >= 0) return { grid, r, c };
    }
    return null;
  }

  function rove(to) {
    document.querySelectorAll("#grid.selecting button.place").forEach((b) => {
      b.tabIndex = b === to ? 0 : -1;
    });
    to.focus();
  }

  // where the keyboard starts: next to the chosen session's cell, else the first free cell
  // that takes it, else the first cell
  function startButton() {
    const grid = rows();
    const chosen = document.querySelector("#grid.selecting td.cell.chosen");
    if (chosen) {
      const cells = grid.find((row) => row.includes(chosen));
      const at = cells.indexOf(chosen);
      const near = cells
        .map((td, c) => ({ button: placeIn(td), distance: Math.abs(c - at) }))
        .filter((x) => x.button)
        .sort((a, b) => a.distance - b.distance)[0];
      if (near) return near.button;
    }
    return (
      document.querySelector("#grid.selecting td.cell.free button.place:not(.blocked)") ||
      document.querySelector("#grid.selecting button.place")
    );
  }

  function setUpRoving() {
    const start = startButton();
    if (!start) return;
    document.querySelectorAll("#grid.selecting button.place").forEach((b) => {
      b.tabIndex = b === start ? 0 : -1;
    });
  }
  setUpRoving();
  document.addEventListener("htmx:afterSettle", setUpRoving);

  const STEPS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

  function step(button, key) {
    const at = position(button);
    if (!at) return null;
    const { grid } = at;
    let { r, c } = at;
    if (key === "Home" || key === "End") {
      const row = grid[r];
      const found = (key === "Home" ? row : [...row].reverse()).map(placeIn).find(Boolean);
      return found || null;
    }
    const [dr, dc] = STEPS[key];
    for (;;) {
      r += dr;
      c += dc;
      if (r < 0 || r >= grid.length || c < 0 || c >= grid[r].length) return null;
      const found = placeIn(grid[r][c]);
      if (found) return found;
    }
  }

  document.addEventListener("keydown", (event) => {
    if (!(event.key in STEPS || event.key === "Home" || event.key === "End")) return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const here = document.activeElement;
    if (!here || !document.querySelector("#grid.selecting")) return;
    if (here.matches("#grid.selecting button.place")) {
      event.preventDefault();
      const to = step(here, event.key);
      if (to) rove(to);
    } else if (here.closest("#grid .selection") && event.key in STEPS) {
      // the roving stop, or where it will be before htmx:afterSettle has set it up
      const to =
        document.querySelector('#grid.selecting button.place[tabindex="0"]') || startButton();
      if (to) {
        event.preventDefault();
        rove(to);
      }
    }
  });

  // Esc first closes a warning's text that is open (a warning keeps its focus); otherwise it
  // leaves "choose a cell" (the Cancel link goes back to the plain grid); then the focus goes
  // back to the "Choose" button of the session that was chosen.
  document.addEventListener("focusout", (event) => {
    const warning = event.target.closest && event.target.closest(".warning");
    if (warning) warning.classList.remove("dismissed");
  });
  let refocus = null;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const warning = document.activeElement && document.activeElement.closest(".warning");
    if (warning && !warning.classList.contains("dismissed")) {
      warning.classList.add("dismissed");
      event.preventDefault();
      return;
    }
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
