// @ts-check
// The phone's waiting page (issue 21): asks every two seconds whether the computer admitted
// this device, and goes on to sign in when it has.

export {};

const EVERY_MS = 2000;
const box = document.getElementById("waiting");

if (box instanceof HTMLElement && box.dataset.state === "asked") {
  const timer = setInterval(async () => {
    try {
      const answer = await fetch("/join/state", { headers: { Accept: "application/json" } });
      if (!answer.ok) return;
      /** @type {{state: string}} */
      const waiting = await answer.json();
      if (waiting.state === "asked") return;
      clearInterval(timer);
      window.location.assign(waiting.state === "admitted" ? "/join/done" : "/join/waiting");
    } catch {
      // The network dropped for a moment: ask again at the next tick.
    }
  }, EVERY_MS);
}
