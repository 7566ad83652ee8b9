// The pitch round: the countdown of the pitch on now, and the moderator's keyboard shortcuts.
// The buttons are plain forms (they work without this script); a shortcut presses its button.
"use strict";

(() => {
  // Countdown: the server says how many seconds are left when it rendered the clock; a new
  // clock (the next pitch, swapped in by live.js or htmx) starts from its own figure.
  const tick = () => {
    for (const clock of document.querySelectorAll(".pitch-clock[data-remaining]")) {
      if (!clock.dataset.endsAt) {
        clock.dataset.endsAt = String(Date.now() + Number(clock.dataset.remaining) * 1000);
      }
      const left = Math.max(0, Math.ceil((Number(clock.dataset.endsAt) - Date.now()) / 1000));
      const text = left > 0 ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` : clock.dataset.timeUp;
      if (clock.textContent !== text) clock.textContent = text;
      clock.classList.toggle("time-up", left === 0);
    }
  };
  tick();
  setInterval(tick, 250);

  // Ending the round while pitches still wait asks first (the button says how many). Without
  // this script, the server asks the same on a page of its own.
  document.addEventListener(
    "click",
    (event) => {
      const button = event.target.closest && event.target.closest("button[data-confirm]");
      if (!button) return;
      if (!window.confirm(button.dataset.confirm)) {
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      const anyway = document.createElement("input");
      Object.assign(anyway, { type: "hidden", name: "anyway", value: "on" });
      button.form.append(anyway);
    },
    true,
  );

  // Shortcuts: → or Space next, ← back, S skip, R restart the clock, E end; not while typing.
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
    if (typing) return;
    if (event.key === " " && event.target.closest("button, a, summary")) return; // its own press
    const key = event.key === " " ? "ArrowRight" : event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const button = document.querySelector(`#pitch-moderator button[data-key="${key}"]`);
    if (!button || button.disabled) return;
    event.preventDefault();
    button.click();
  });
})();
