// @ts-check
// Signing out on the shared server: what this account still has to send goes first, and only
// then does the server clear the browser's caches and storage (Clear-Site-Data), so nothing
// recorded is lost and nothing stays behind for whoever uses the browser next.
import { Outbox } from "./outbox.js";

// Long enough for a slow connection; a dead one is asked about rather than waited on.
const WAIT_MS = 8000;

for (const form of document.querySelectorAll('form[action="/sign-out"]')) {
  if (!(form instanceof HTMLFormElement)) continue;
  form.addEventListener("submit", async (event) => {
    if (form.dataset.flushed) return;
    event.preventDefault();
    const outbox = new Outbox();
    const waited = new Promise((resolve) => setTimeout(resolve, WAIT_MS));
    await Promise.race([outbox.flush(), waited]).catch(() => {});
    const left = (await outbox.mine().catch(() => [])).length;
    const lose = `${left} thing${left === 1 ? "" : "s"} you recorded ${left === 1 ? "has" : "have"} not reached unknot yet (no connection?). Signing out now loses ${left === 1 ? "it" : "them"}. Sign out anyway?`;
    if (left > 0 && !window.confirm(lose)) return;
    form.dataset.flushed = "1";
    form.requestSubmit();
  });
}
