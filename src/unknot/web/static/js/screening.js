// @ts-check
// The screening form: a follow-up question shows only after a yes to the question it belongs to
// (domain.screening: `ask_if`). Without this script every follow-up shows, marked "If yes".

/** @param {string} id */
function yesTo(id) {
  const chosen = /** @type {HTMLInputElement | null} */ (
    document.querySelector(`input[name="${id}"]:checked`));
  return chosen !== null && chosen.value === "yes";
}

function update() {
  document.querySelectorAll("fieldset.follow-up").forEach((element) => {
    const fieldset = /** @type {HTMLFieldSetElement} */ (element);
    const parent = fieldset.dataset.askIf || "";
    const parentShown = !fieldset.parentElement?.closest("fieldset[hidden]");
    fieldset.hidden = !(yesTo(parent) && parentShown);
  });
}

document.querySelector("form.screening")?.addEventListener("change", update);
update();
