// The report editor: a save that someone else's save overtook comes back as 409 with the merge
// screen, and a refused text as 422 with its message; both replace the editor like a success.
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
})();
