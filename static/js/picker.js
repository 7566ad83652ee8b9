// Type-to-search for a choice of several people (co-hosts, note-takers), where a long select
// of every participant would be unusable.
// It enhances <select multiple data-picker> (sessions_app.forms.PeoplePicker): the select stays
// the form field and the one source of truth; picking and removing only set its options'
// `selected`, so the form posts exactly as it does without JavaScript, where the plain select
// (with its hint) is the picker.
//
// What a person gets: a combobox labelled by the field's label; typing a few letters of a name
// or an organisation (case, accents and punctuation ignored: "hond" finds "Jan D'Hondt") opens
// a listbox of matches; arrow keys move, Enter or a tap picks; Escape closes. The chosen people
// show as chips, each with a remove button. A polite live region says what happened.
"use strict";

(() => {
  const MAX_SHOWN = 8;

  // "Jan D'Hondt (Gemeente Sint-Niklaas)" -> "jan dhondt gemeente sintniklaas"
  const fold = (text) =>
    text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s]/gu, "")
      .replace(/\s+/g, " ")
      .trim();

  const format = (template, value) => (template || "%s").replace("%s", value);

  function enhance(select) {
    if (select.dataset.pickerReady) return;
    select.dataset.pickerReady = "1";
    const words = select.dataset;
    const id = select.id;
    const label = document.querySelector(`label[for="${id}"]`);
    const options = [...select.options].map((option) => ({ option, key: fold(option.text) }));

    const box = document.createElement("div");
    box.className = "picker";

    const chips = document.createElement("ul");
    chips.className = "picker-chips";
    chips.id = `${id}_chosen`;
    chips.setAttribute("aria-label", words.pickerChosen || "");

    const input = document.createElement("input");
    input.type = "text";
    input.id = `${id}_search`;
    input.className = "picker-input";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.placeholder = words.pickerPlaceholder || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", `${id}_listbox`);
    input.setAttribute("enterkeyhint", "done");
    const described = (select.getAttribute("aria-describedby") || "")
      .split(/\s+/)
      .filter((ref) => ref && ref !== `${id}_hint`);
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));

    const list = document.createElement("ul");
    list.id = `${id}_listbox`;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;

    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");

    if (label) {
      if (!label.id) label.id = `${id}_label`;
      label.htmlFor = input.id;
      list.setAttribute("aria-labelledby", label.id);
    }
    const hint = document.getElementById(`${id}_hint`);
    if (hint) hint.remove(); // "Ctrl-click..." is about the plain select only
    select.hidden = true;
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    box.append(chips, input, list, status);
    select.after(box);

    let shown = []; // the entries in the listbox, in order
    let active = -1;

    const say = (text) => {
      status.textContent = text;
    };

    function drawChips() {
      chips.replaceChildren();
      for (const { option } of options) {
        if (!option.selected) continue;
        const chip = document.createElement("li");
        chip.className = "picker-chip";
        const name = document.createElement("span");
        name.textContent = option.text;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "picker-remove";
        remove.value = option.value;
        remove.textContent = "×";
        remove.setAttribute("aria-label", format(words.pickerRemove, option.text));
        chip.append(name, remove);
        chips.append(chip);
      }
      chips.hidden = !chips.children.length;
    }

    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      shown = [];
      active = -1;
    }

    function setActive(index) {
      active = index;
      shown.forEach((entry, i) => entry.item.setAttribute("aria-selected", String(i === index)));
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      const item = shown[index].item;
      input.setAttribute("aria-activedescendant", item.id);
      item.scrollIntoView({ block: "nearest" });
    }

    function open(query) {
      const terms = fold(query).split(" ").filter(Boolean);
      const matches = options.filter(
        ({ option, key }) =>
          !option.selected && !option.disabled && terms.every((term) => key.includes(term)),
      );
      list.replaceChildren();
      shown = matches.slice(0, MAX_SHOWN).map((entry, i) => {
        const item = document.createElement("li");
        item.id = `${id}_option_${i}`;
        item.className = "picker-option";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = entry.option.text;
        list.append(item);
        return { ...entry, item };
      });
      list.hidden = !shown.length;
      input.setAttribute("aria-expanded", String(shown.length > 0));
      active = -1;
      input.removeAttribute("aria-activedescendant");
      say(matches.length ? format(words.pickerFound, String(matches.length)) : words.pickerNone);
    }

    function pick(entry) {
      entry.option.selected = true;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = "";
      close();
      drawChips();
      say(format(words.pickerAdded, entry.option.text));
      input.focus();
    }

    function unpick(value) {
      const entry = options.find(({ option }) => option.value === value);
      if (!entry) return;
      entry.option.selected = false;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      drawChips();
      say(format(words.pickerRemoved, entry.option.text));
      input.focus();
    }

    input.addEventListener("input", () => {
      if (input.value.trim()) open(input.value);
      else {
        close();
        say("");
      }
    });

    input.addEventListener("keydown", (event) => {
      const isOpen = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!isOpen) open(input.value);
        if (shown.length) setActive((active + 1) % shown.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (shown.length) setActive(active <= 0 ? shown.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        // Enter picks; it never submits the form from here, half-typed
        if (isOpen || input.value.trim()) event.preventDefault();
        if (isOpen && (active >= 0 || shown.length === 1)) pick(shown[Math.max(active, 0)]);
      } else if (event.key === "Escape" && isOpen) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", () => {
      // a tap on an option keeps the focus (mousedown below), so this is leaving the field
      close();
    });

    list.addEventListener("mousedown", (event) => event.preventDefault());
    list.addEventListener("click", (event) => {
      const item = event.target.closest("[role=option]");
      const entry = item && shown.find((candidate) => candidate.item === item);
      if (entry) pick(entry);
    });

    chips.addEventListener("click", (event) => {
      const button = event.target.closest(".picker-remove");
      if (button) unpick(button.value);
    });

    drawChips();
  }

  const enhanceIn = (root) => {
    if (root.matches && root.matches("select[multiple][data-picker]")) enhance(root);
    if (root.querySelectorAll) root.querySelectorAll("select[multiple][data-picker]").forEach(enhance);
  };

  document.addEventListener("DOMContentLoaded", () => enhanceIn(document));
  document.addEventListener("htmx:load", (event) => enhanceIn(event.detail.elt));
})();
