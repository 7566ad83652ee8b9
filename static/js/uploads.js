// Uploads with a progress bar, a cancel button and drag and drop, for slides and other files.
//
// Progressive enhancement of plain multipart forms marked `data-upload`: without this script
// they post and the server answers with a page. With it, the file goes up through an
// XMLHttpRequest (the only browser API that reports upload progress), the server answers with
// the refreshed list of attachments (`#attachments`) or with the form's error messages, and a
// cancelled upload is aborted, so the server never stores it. Listeners sit on the document,
// so forms swapped in later work too. No inline script anywhere (the CSP forbids it).
(function () {
  "use strict";

  const messages = {
    en: {
      tooLarge: "This file is too large: the limit is {limit} per file.",
      empty: "This file is empty.",
      failed: "The upload failed. Check your connection and try again.",
      cancelled: "The upload is cancelled; nothing was saved.",
      chosen: "Chosen: {name}",
    },
    nl: {
      tooLarge: "Dit bestand is te groot: de grens is {limit} per bestand.",
      empty: "Dit bestand is leeg.",
      failed: "Het uploaden is mislukt. Controleer je verbinding en probeer het opnieuw.",
      cancelled: "Het uploaden is geannuleerd; er is niets bewaard.",
      chosen: "Gekozen: {name}",
    },
  };
  const lang = (document.documentElement.lang || "en").slice(0, 2);
  const text = messages[lang] || messages.en;

  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(0) + " MB";
  }

  function showErrors(form, items) {
    const box = form.querySelector("[data-upload-errors]");
    if (!box) return;
    box.replaceChildren();
    if (!items.length) return;
    const list = document.createElement("ul");
    for (const item of items) {
      const li = document.createElement("li");
      li.textContent = item;
      list.append(li);
    }
    box.append(list);
  }

  function parse(html) {
    // DOMParser builds an inert document: nothing in the response runs.
    return new DOMParser().parseFromString(html, "text/html");
  }

  function replaceList(html) {
    const fresh = parse(html).getElementById("attachments");
    const current = document.getElementById("attachments");
    if (!fresh || !current) return false;
    const node = document.importNode(fresh, true);
    current.replaceWith(node);
    if (window.htmx) window.htmx.process(node);
    return true;
  }

  // The next file from this form is a new submit: it takes the key the fresh list brought
  // (a key sent twice adds its file once, see actions.submit_once).
  function renewKey(form) {
    const key = form.querySelector('input[name="submission_key"]');
    const list = document.getElementById("attachments");
    if (key && list && list.dataset.submissionKey) key.value = list.dataset.submissionKey;
  }

  function errorsFrom(html) {
    const doc = parse(html);
    return Array.from(doc.querySelectorAll("[data-upload-errors] li, .field-errors li"), (li) =>
      li.textContent.trim(),
    );
  }

  function upload(form, file) {
    const progressBox = form.querySelector("[data-progress]");
    const bar = progressBox && progressBox.querySelector("progress");
    const percent = progressBox && progressBox.querySelector("[data-progress-text]");
    const cancel = progressBox && progressBox.querySelector("[data-cancel]");
    const submit = form.querySelector('button[type="submit"]');
    const token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    const xhr = new XMLHttpRequest();

    function finish() {
      if (progressBox) progressBox.hidden = true;
      if (submit) submit.disabled = false;
      form.removeAttribute("aria-busy");
    }

    xhr.open("POST", form.action);
    xhr.setRequestHeader("HX-Request", "true");
    if (token) xhr.setRequestHeader("X-CSRFToken", token.value);
    xhr.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable || !bar) return;
      const value = Math.round((event.loaded / event.total) * 100);
      bar.value = value;
      if (percent) percent.textContent = value + " %";
    });
    xhr.addEventListener("load", () => {
      finish();
      if (xhr.status >= 200 && xhr.status < 300 && replaceList(xhr.responseText)) {
        form.reset();
        renewKey(form);
        showErrors(form, []); // the fresh list says what was done
        return;
      }
      const errors = xhr.status >= 400 && xhr.status < 500 ? errorsFrom(xhr.responseText) : [];
      showErrors(form, errors.length ? errors : [text.failed]);
    });
    xhr.addEventListener("error", () => {
      finish();
      showErrors(form, [text.failed]);
    });
    xhr.addEventListener("abort", () => {
      finish();
      showErrors(form, [text.cancelled]);
    });
    if (cancel) cancel.addEventListener("click", () => xhr.abort(), { once: true });

    showErrors(form, []);
    if (bar) bar.value = 0;
    if (percent) percent.textContent = "0 %";
    if (progressBox) progressBox.hidden = false;
    if (submit) submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    xhr.send(new FormData(form));
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("form[data-upload]")) return;
    const input = form.querySelector('input[type="file"]');
    const file = input && input.files && input.files[0];
    if (!file || typeof FormData === "undefined") return; // the server explains what is missing
    event.preventDefault();
    const limit = Number(form.dataset.maxBytes || 0);
    if (limit && file.size > limit) {
      showErrors(form, [text.tooLarge.replace("{limit}", megabytes(limit))]);
      return;
    }
    if (file.size === 0) {
      showErrors(form, [text.empty]);
      return;
    }
    upload(form, file);
  });

  // Drag and drop: a file dropped on the zone becomes the form's chosen file.
  function zoneOf(event) {
    return event.target instanceof Element ? event.target.closest("[data-drop-zone]") : null;
  }

  for (const type of ["dragenter", "dragover"]) {
    document.addEventListener(type, (event) => {
      const zone = zoneOf(event);
      if (!zone) return;
      event.preventDefault();
      zone.classList.add("drop-active");
    });
  }
  document.addEventListener("dragleave", (event) => {
    const zone = zoneOf(event);
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("drop-active");
  });
  document.addEventListener("drop", (event) => {
    const zone = zoneOf(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("drop-active");
    const input = zone.querySelector('input[type="file"]');
    const files = event.dataTransfer && event.dataTransfer.files;
    if (!input || !files || !files.length) return;
    const chosen = new DataTransfer();
    chosen.items.add(files[0]);
    input.files = chosen.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    const hint = zone.querySelector("[data-drop-hint]");
    if (hint) hint.textContent = text.chosen.replace("{name}", files[0].name);
  });

  function revealHints() {
    for (const hint of document.querySelectorAll("[data-drop-hint]")) hint.hidden = false;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", revealHints);
  } else {
    revealHints();
  }
})();
