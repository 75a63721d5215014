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
 * Where one version of an exercise's figure is (web/figures.py `figure_path` builds the same):
 * the first version's has no `version`, so the pages and the player share one copy of it.
 * @param {string} exerciseId
 * @param {number} version
 * @param {string} suffix ".svg" (animated) or "-strip.svg" (the key poses)
 * @param {URLSearchParams} [query]
 */
export function figurePath(exerciseId, version, suffix, query = new URLSearchParams()) {
  if (version) query.set("version", String(version));
  const tail = query.toString();
  return `/figures/${exerciseId}${suffix}${tail ? `?${tail}` : ""}`;
}

/**
 * The animated figure for a step: the version planned (issue 18), and the side and direction
 * the step does (issue 8).
 * @param {SessionStep} step
 */
export function figureUrl(step) {
  const query = new URLSearchParams();
  if (step.side) query.set("side", step.side);
  if (step.direction) query.set("direction", step.direction);
  return figurePath(step.exercise_id, step.version, ".svg", query);
}

/**
 * The key poses of a step's version, for people who ask for reduced motion.
 * @param {SessionStep} step
 */
export function stripUrl(step) {
  return figurePath(step.exercise_id, step.version, "-strip.svg");
}

/**
 * Whether the version a step does is drawn (a person's own exercise may draw only its first).
 * @param {Card | null} card
 * @param {SessionStep} step
 */
export function drawn(card, step) {
  if (!card || !card.has_figure) return false;
  // A session stored by an older server has no versions: its first was the one drawn.
  const versions = card.figure_versions || [0];
  return versions.includes(step.version || 0);
}

/** The figures on screen: the step's, and the full-screen one while it is open. */
const FIGURES = ["figure-obj", "figure-big-obj"];

export class View {
  constructor() {
    this.player = byId("player");
    /** @type {string[]} */
    this.notices = [];
    const dialog = /** @type {HTMLDialogElement} */ (byId("figure-dialog"));
    byId("figure-open").addEventListener("click", () => this.openFigure());
    byId("figure-close").addEventListener("click", () => dialog.close());
    // Escape closes it too (the dialog's own cancel); the big copy goes with it.
    dialog.addEventListener("close", () => byId("figure-big").replaceChildren());
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
      byId("figure-dialog-seconds").textContent = "";
      ring.setAttribute("stroke-dashoffset", "0");
    } else {
      const whole = Math.ceil(left);
      const shown = whole >= 60 ? `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}` : String(whole);
      byId("seconds").textContent = shown;
      byId("figure-dialog-seconds").textContent = whole >= 60 ? `${shown} left` : `${shown} s left`;
      ring.setAttribute("stroke-dashoffset", String(RING * (1 - left / step.duration_s)));
    }
    const [before, total] = sessionSeconds(state);
    const done = before + (step.duration_s && left !== null ? step.duration_s - left : 0);
    const bar = /** @type {HTMLProgressElement} */ (byId("progress"));
    bar.value = total ? Math.round((1000 * done) / total) : 0;
  }

  /**
   * The figure of the exercise on screen: the version planned, animated, or its still strip for
   * reduced motion. A new document only when the exercise, side or direction changes;
   * otherwise `syncFigure` restarts the loop that is there.
   * @param {Card | null} card
   * @param {SessionStep} step
   * @param {SessionState} state
   * @param {number} now
   */
  showFigure(card, step, state, now) {
    const box = byId("figure");
    const holder = byId("figure-box");
    if (!card || !drawn(card, step)) {
      box.hidden = true;
      holder.replaceChildren();
      delete box.dataset.url;
      this.closeFigure();
      return;
    }
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const url = still ? stripUrl(step) : figureUrl(step);
    const side = step.side_label ? `, ${step.side_label}` : "";
    const label = `${card.name}${side}${still ? ", key poses" : ", shown moving"}`;
    box.hidden = false;
    box.dataset.label = label;
    byId("figure-open").setAttribute("aria-label", `${label}: show it full screen`);
    byId("figure-dialog-title").textContent = `${card.name}${side}`;
    if (box.dataset.url === url) {
      this.syncFigure(state, now);
      return;
    }
    box.dataset.url = url;
    // Laying out a new <object> blocks the page for about 100 ms (the countdown bench saw each
    // step shown that late), so it is made after the step is on screen and its timer set; its
    // load event calls syncFigure.
    requestAnimationFrame(() => setTimeout(() => {
      if (box.dataset.url !== url) return;
      holder.replaceChildren(this.figureObject("figure-obj", url, label));
      if (this.figureOpen) byId("figure-big").replaceChildren(this.figureObject("figure-big-obj", url, label));
    }, 0));
  }

  /**
   * An <object> showing a figure; its load event syncs it to the step.
   * @param {string} id
   * @param {string} url
   * @param {string} label
   */
  figureObject(id, url, label) {
    const figure = document.createElement("object");
    figure.id = id;
    figure.type = "image/svg+xml";
    figure.setAttribute("role", "img");
    figure.setAttribute("aria-label", label);
    figure.dataset.url = url;
    figure.addEventListener("load", () => this.onFigureLoad());
    figure.data = url;
    return figure;
  }

  get figureOpen() {
    return /** @type {HTMLDialogElement} */ (byId("figure-dialog")).open;
  }

  /** The step's figure over the whole screen, in time with the step; Close or Escape return. */
  openFigure() {
    const box = byId("figure");
    const url = box.dataset.url;
    if (!url || box.hidden || this.figureOpen) return;
    byId("figure-big").replaceChildren(this.figureObject("figure-big-obj", url, box.dataset.label || ""));
    /** @type {HTMLDialogElement} */ (byId("figure-dialog")).showModal();
    byId("figure-close").focus();
  }

  closeFigure() {
    const dialog = /** @type {HTMLDialogElement} */ (byId("figure-dialog"));
    if (dialog.open) dialog.close();
  }

  /** Set by the player: the state and time a loaded figure syncs to. */
  onFigureLoad() {}

  /**
   * Keep the figures in time with the step: a loop starts when the step starts (a hold step
   * starts with the pose reached, a release with the hold ending), runs at the step's elapsed
   * time after a reload or when it opens full screen, and pauses and resumes with the player.
   * @param {SessionState} state
   * @param {number} now
   */
  syncFigure(state, now) {
    const step = current(state);
    if (step === null) return;
    for (const id of FIGURES) {
      const figure = /** @type {HTMLObjectElement | null} */ (document.getElementById(id));
      const doc = figure && figure.contentDocument;
      // A new <object> has an empty document before its figure's: set only the figure's loop.
      if (!figure || !doc || !doc.getAnimations || doc.documentElement?.nodeName !== "svg") continue;
      const animations = doc.getAnimations();
      const start = String(state.startedAt);
      if (figure.dataset.start !== start) {
        figure.dataset.start = start;
        const marks = /** @type {HTMLElement} */ (/** @type {unknown} */ (doc.documentElement)).dataset;
        const offset = Number((step.kind === "hold" ? marks.hold : step.kind === "release" ? marks.release : 0) || 0);
        for (const animation of animations) animation.currentTime = (offset + elapsed(state, now)) * 1000;
      }
      for (const animation of animations) {
        if (state.status === "paused") animation.pause();
        else animation.play();
      }
      figure.dataset.step = String(state.index);
    }
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
    // Nothing may cover the message: the full-screen figure closes.
    this.closeFigure();
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
    this.closeFigure();
    byId("stage").hidden = true;
    byId("summary-link").setAttribute("href", `/sessions/${sessionId}/summary`);
    byId("after").hidden = false;
    byId("after-title").textContent = finished ? "Well done" : "Session stopped";
    this.player.dataset.state = finished ? "finished" : "stopped";
  }
}
