// @ts-check
// The computer's pairing page (issue 21): asks every two seconds how the pairing stands, and
// shows the page again when it changes (a phone named itself, or time ran out), so the person
// confirms the phone's name without reloading.

export {};

const EVERY_MS = 2000;
const box = document.getElementById("pairing");

if (box instanceof HTMLElement && ["open", "asked"].includes(box.dataset.state || "")) {
  const shown = box.dataset.state;
  const url = `/api/v1/pairings/${box.dataset.pairing}`;
  const timer = setInterval(async () => {
    try {
      const answer = await fetch(url, { headers: { Accept: "application/json" } });
      if (!answer.ok) return;
      /** @type {{state: string}} */
      const pairing = await answer.json();
      // The open page keeps its QR code (it is shown only once): a new state gets a new page.
      if (pairing.state !== shown) {
        clearInterval(timer);
        // The GET address: after "Pair a phone" the page's own address is the POST's.
        window.location.assign(`/devices/pair/${box.dataset.pairing}`);
      }
    } catch {
      // No answer this time (the computer is busy): ask again at the next tick.
    }
  }, EVERY_MS);
}
