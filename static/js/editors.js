// Editors that two people can open (a session's report, the event's settings, its rooms and
// slots): a save that someone else's save overtook comes back as 409 with the merge or compare
// screen, and a refused form as 422 with its messages; both replace the editor like a success
// would replace the page. Focus goes to what to read first.
"use strict";

(() => {
  if (!window.htmx) return;
  window.htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "409", swap: true, error: false },
    { code: "422", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
    { code: "...", swap: false },
  ];
  document.addEventListener("htmx:afterSwap", () => {
    const alert = document.querySelector(".merge [role=alert], .form-errors");
    if (alert) {
      alert.focus();
      alert.scrollIntoView({ block: "start" });
    }
  });
})();
