// "I'll go" without leaving the page, on the grid and on now & next (pages without htmx).
// The buttons are forms that work without this script; with it, the form is sent the way htmx
// sends it, and the answer (the button in its new state, with the number who go) takes the
// button's place. On the grid the buttons belong to one form outside the cached grid
// (#follow-form): the button pressed says which session (its formaction) and what (its value).
"use strict";

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.id !== "follow-form" && !("follow" in form.dataset)) return;
  if (form.dataset.plain) return; // this script gave up: the browser sends it
  const button = event.submitter;
  const box = button && button.closest(".follow");
  if (!box || window.htmx) return; // htmx pages send it themselves
  event.preventDefault();
  const body = new FormData(form, button); // before the button is disabled: it says what to do
  button.disabled = true;
  let answered = false;
  try {
    const response = await fetch(button.formAction || form.action, {
      method: "POST",
      body,
      headers: { "HX-Request": "true", "HX-Target": box.id },
    });
    answered = true;
    if (!response.ok) throw new Error(String(response.status));
    const holder = document.createElement("template");
    holder.innerHTML = (await response.text()).trim();
    const fresh = holder.content.getElementById(box.id);
    if (!fresh) throw new Error("no button");
    box.replaceWith(fresh);
    const again = fresh.querySelector("button");
    if (again) again.focus(); // keep the place of whoever uses a keyboard
  } catch {
    button.disabled = false;
    if (!answered && window.OOcampOutbox && form.dataset.outbox) {
      window.OOcampOutbox.keep(form, button); // no connection: sent when it is back (outbox.js)
      return;
    }
    form.dataset.plain = "1";
    form.requestSubmit(button); // the page's own way, as without this script
  }
});
