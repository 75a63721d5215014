// @ts-check
// What the player shows: the step, its countdown ring, the figure in time with the step, the
// captions and notices, the stop and after-session panels. It reads the session state and
// decides nothing.
import { current, elapsed, remaining, sessionSeconds } from "./session.js";

/** @typedef {import("./types.js").SessionPayload} SessionPayload */
/** @typedef {import("./types.js").SessionState} SessionState */
/** @typedef {import("./types.js").SessionStep} SessionStep */
/** @typedef {import("./types.js").Card} Card */
/** @typedef {import("./types.js").Tier} Tier */

const RING = 2 * Math.PI * 52;
const CAPTIONS = 8;

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found;
}

/** @param {string | null} value */
function words(value) {
  return String(value || "").replaceAll("_", " ");
}

/**
 * The animated figure for a step: the side and direction the step does (issue 8).
 * @param {SessionStep} step
 */
export function figureUrl(step) {
  const query = new URLSearchParams();
  if (step.side) query.set("side", step.side);
  if (step.direction) query.set("direction", step.direction);
  const tail = query.toString();
  return `/figures/${step.exercise_id}.svg${tail ? `?${tail}` : ""}`;
}

export class View {
  constructor() {
    this.player = byId("player");
    /** @type {string[]} */
    this.notices = [];
    // The step start the figure's loop was last set to.
    /** @type {number | null} */
    this.figureStart = null;
  }

  /** @param {string} text */
  caption(text) {
    const list = byId("captions");
    const item = document.createElement("li");
    item.textContent = text;
    list.prepend(item);
    while (list.children.length > CAPTIONS) list.lastElementChild?.remove();
  }

  /** @param {string} text */
  notice(text) {
    if (!this.notices.includes(text)) this.notices.push(text);
    byId("notice").textContent = this.notices.join(" ");
  }

  clearNotices() {
    this.notices.length = 0;
    byId("notice").textContent = "";
  }

  /** @param {string} text */
  status(text) {
    byId("status-line").textContent = text;
  }

  /** @param {number} waiting */
  saving(waiting) {
    this.status(waiting ? `Saving… ${waiting} waiting to reach the server.` : "Everything is saved.");
    this.player.dataset.pending = String(waiting);
  }

  showStage() {
    byId("before").hidden = true;
    byId("stage").hidden = false;
  }

  showBefore() {
    byId("before").hidden = false;
    this.player.dataset.state = "before";
  }

  /**
   * The whole step: its name, facts, what comes next, its card and figure.
   * @param {SessionPayload} payload
   * @param {SessionState} state
   * @param {number} now
   */
  render(payload, state, now) {
    const step = current(state);
    if (step === null) return;
    const steps = state.steps;
    byId("name").textContent = step.name;
    byId("title").textContent = step.title;
    const facts = [step.detail];
    if (step.direction) facts.push(`Direction: ${words(step.direction)}.`);
    byId("facts").textContent = facts.join(" ");
    // People count exercises, not steps (issue 17): the timeline says where the step is,
    // "Exercise 3 of 5 · set 2 of 3 · turn to your right", the set and the side once.
    byId("counter").textContent = step.counter;
    const next = steps.slice(state.index + 1).find((s) => s.item_index !== step.item_index);
    byId("next").textContent = next ? `Next: ${next.name}` : "Next: the end of the session";
    const card = payload.cards[step.exercise_id] || null;
    this.showFigure(card, step, state, now);
    this.showCard(card);
    const paused = state.status === "paused";
    byId("pause").textContent = paused ? "Resume" : "Pause";
    this.player.dataset.state = paused ? "paused" : "running";
    this.player.dataset.step = String(state.index);
    this.draw(state, now);
  }

  /** @param {Card | null} card */
  showCard(card) {
    const box = byId("card");
    box.replaceChildren();
    if (!card) return;
    const purpose = document.createElement("p");
    purpose.textContent = card.purpose;
    const list = document.createElement("ol");
    for (const text of card.steps) {
      const li = document.createElement("li");
      li.textContent = text;
      list.append(li);
    }
    const cautions = document.createElement("ul");
    for (const text of card.cautions) {
      const li = document.createElement("li");
      li.textContent = `Caution: ${text}`;
      cautions.append(li);
    }
    box.append(purpose, list, cautions);
  }

  /**
   * The countdown: seconds left, the ring, the session's progress bar.
   * @param {SessionState} state
   * @param {number} now
   */
  draw(state, now) {
    const step = current(state);
    if (step === null) return;
    const left = remaining(state, now);
    const ring = byId("ring-front");
    ring.setAttribute("stroke-dasharray", String(RING));
    if (left === null || step.duration_s === null) {
      byId("seconds").textContent = "Done?";
      ring.setAttribute("stroke-dashoffset", "0");
    } else {
      const whole = Math.ceil(left);
      byId("seconds").textContent = whole >= 60 ? `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}` : String(whole);
      ring.setAttribute("stroke-dashoffset", String(RING * (1 - left / step.duration_s)));
    }
    const [before, total] = sessionSeconds(state);
    const done = before + (step.duration_s && left !== null ? step.duration_s - left : 0);
    const bar = /** @type {HTMLProgressElement} */ (byId("progress"));
    bar.value = total ? Math.round((1000 * done) / total) : 0;
  }

  /**
   * The figure of the exercise on screen: animated, or its still strip for reduced motion. A
   * new document only when the exercise, side or direction changes; otherwise `syncFigure`
   * restarts the loop that is there.
   * @param {Card | null} card
   * @param {SessionStep} step
   * @param {SessionState} state
   * @param {number} now
   */
  showFigure(card, step, state, now) {
    const box = byId("figure");
    if (!card || !card.has_figure) {
      box.hidden = true;
      box.replaceChildren();
      delete box.dataset.url;
      return;
    }
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const url = still ? `/figures/${step.exercise_id}-strip.svg` : figureUrl(step);
    const side = step.side_label ? `, ${step.side_label}` : "";
    const label = `${card.name}${side}${still ? ", key poses" : ", shown moving"}`;
    box.hidden = false;
    if (box.dataset.url === url) {
      this.syncFigure(state, now);
      return;
    }
    box.dataset.url = url;
    this.figureStart = null;
    // Laying out a new <object> blocks the page for about 100 ms (the countdown bench saw each
    // step shown that late), so it is made after the step is on screen and its timer set; its
    // load event calls syncFigure.
    requestAnimationFrame(() => setTimeout(() => {
      if (box.dataset.url !== url) return;
      const figure = document.createElement("object");
      figure.id = "figure-obj";
      figure.type = "image/svg+xml";
      figure.setAttribute("role", "img");
      figure.setAttribute("aria-label", label);
      figure.dataset.url = url;
      figure.addEventListener("load", () => this.onFigureLoad());
      figure.data = url;
      box.replaceChildren(figure);
    }, 0));
  }

  /** Set by the player: the state and time a loaded figure syncs to. */
  onFigureLoad() {}

  /**
   * Keep the figure in time with the step: its loop starts when the step starts (a hold step
   * starts with the pose reached, a release with the hold ending), runs at the step's elapsed
   * time after a reload, and pauses and resumes with the player.
   * @param {SessionState} state
   * @param {number} now
   */
  syncFigure(state, now) {
    const figure = /** @type {HTMLObjectElement | null} */ (document.getElementById("figure-obj"));
    const doc = figure && figure.contentDocument;
    const step = current(state);
    if (!figure || !doc || !doc.getAnimations || step === null) return;
    const animations = doc.getAnimations();
    const paused = state.status === "paused";
    if (this.figureStart !== state.startedAt) {
      this.figureStart = state.startedAt;
      const marks = /** @type {HTMLElement} */ (/** @type {unknown} */ (doc.documentElement)).dataset;
      const offset = Number((step.kind === "hold" ? marks.hold : step.kind === "release" ? marks.release : 0) || 0);
      for (const animation of animations) animation.currentTime = (offset + elapsed(state, now)) * 1000;
    }
    for (const animation of animations) {
      if (paused) animation.pause();
      else animation.play();
    }
    figure.dataset.step = String(state.index);
  }

  /**
   * Symptoms ended the session: the message, and the number to call, always shown.
   * @param {string} message
   * @param {string | null} number
   * @param {Tier | null} tier
   */
  stopped(message, number, tier) {
    // The page carries the number even when the server gave none.
    const call = number || this.player.dataset.emergency || "";
    byId("stage").hidden = true;
    byId("stopped").hidden = false;
    byId("stopped").dataset.tier = tier || "";
    byId("stopped-text").textContent = message;
    const link = /** @type {HTMLAnchorElement} */ (byId("stopped-call"));
    link.href = `tel:${call}`;
    link.textContent = tier === "emergency" ? `Call ${call} now` : `Emergency number: ${call}`;
    this.player.dataset.state = "stopped";
  }

  /**
   * @param {boolean} finished
   * @param {number} sessionId
   */
  ended(finished, sessionId) {
    byId("stage").hidden = true;
    byId("summary-link").setAttribute("href", `/sessions/${sessionId}/summary`);
    byId("after").hidden = false;
    byId("after-title").textContent = finished ? "Well done" : "Session stopped";
    this.player.dataset.state = finished ? "finished" : "stopped";
  }
}
