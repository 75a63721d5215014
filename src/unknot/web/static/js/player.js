// @ts-check
// The browser player's wiring. The session module applies the engine's rules as the server
// sent them; this file keeps only what is the browser's own: the clock (performance.now(),
// never the wall clock), the view, the sound, the wake lock. Every event goes through the outbox
// to the server, which replays them through the engine and writes the records (issue 15).
import { ApiError, getJSON, postJSON } from "./api.js";
import { Outbox } from "./outbox.js";
import { current, newSession, step } from "./session.js";
import { Sound } from "./sound.js";
import { View, byId, drawn, figureUrl, stripUrl } from "./view.js";

/** @typedef {import("./types.js").SessionPayload} SessionPayload */
/** @typedef {import("./types.js").SessionState} SessionState */
/** @typedef {import("./types.js").SessionEvent} SessionEvent */
/** @typedef {import("./types.js").Effect} Effect */
/** @typedef {import("./types.js").RunStarted} RunStarted */

const LOCAL = "unknot-player";
const TICK_MS = 100;

/** @param {Iterable<[string, FormDataEntryValue]>} entries */
function painScores(entries) {
  /** @type {Record<string, number>} */
  const pain = {};
  for (const [area, value] of entries) if (Number(value) > 0) pain[area] = Number(value);
  return pain;
}

class Player {
  /**
   * @param {View} view
   * @param {Sound} sound
   * @param {Outbox} outbox
   */
  constructor(view, sound, outbox) {
    this.view = view;
    this.sound = sound;
    this.outbox = outbox;
    /** @type {SessionPayload | null} */
    this.payload = null;
    /** @type {SessionState | null} */
    this.state = null;
    /** @type {RunStarted | null} */
    this.run = null;
    // performance.now() when the run started: events are timed from here.
    this.origin = 0;
    this.seq = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {WakeLockSentinel | null} */
    this.wakeLock = null;
    this.safetyStopped = false;
    /** What the rules said of the last pain report, shown when its question closes. */
    this.painSaid = "";
    view.onFigureLoad = () => { if (this.state) view.syncFigure(this.state, this.now()); };
  }

  /** Seconds since the run started, on the page's monotonic clock. */
  now() {
    return (performance.now() - this.origin) / 1000;
  }

  get playing() {
    return this.state !== null && (this.state.status === "running" || this.state.status === "paused");
  }

  /**
   * Every write names its session by its own random key as well as its id: ids start again at
   * 1 after the data is deleted, so an id alone would let an old queued write land elsewhere.
   */
  get sessionKey() {
    const payload = /** @type {SessionPayload} */ (this.payload);
    return payload.session_key || String(payload.session_id);
  }

  /**
   * Begin a run of the session at `resumeAt`: the server says when it started.
   * @param {SessionPayload} payload
   * @param {number} resumeAt
   */
  async play(payload, resumeAt) {
    const run = /** @type {RunStarted} */ (await postJSON(`/api/v1/sessions/${payload.session_id}/runs`, {
      resume_at: resumeAt,
      session_key: payload.session_key,
    }));
    this.origin = performance.now();
    this.payload = payload;
    this.run = run;
    // The run fixed its pain limits as it started: the server's replay applies the same.
    this.state = newSession(payload.steps, { ...payload.rules, pain_limits: run.pain_limits }, resumeAt);
    this.prefetchFigures(payload);
    this.view.showStage();
    if (!this.sound.hasVoice) this.view.notice("No voice available in this browser: follow the captions.");
    this.keepAwake();
    this.dispatch({ kind: "start" });
    setInterval(() => this.dispatch({ kind: "tick" }), TICK_MS);
    setInterval(() => this.showSaving(), 2000);
  }

  /**
   * Apply an event now; send it to the server; act on what the rules decided.
   * @param {SessionEvent} event
   * @returns {Effect[]} what the rules decided
   */
  dispatch(event) {
    if (this.state === null) return [];
    const now = this.now();
    const [state, effects] = step(this.state, event, now);
    this.state = state;
    // A tick is sent only when it ended a step: the server's replay then ends it at the same
    // moment. Other ticks change nothing the server keeps.
    if (event.kind !== "tick" || effects.some((e) => e.kind === "record_step")) this.send(event, now);
    this.perform(effects, now);
    if (this.playing) this.view.draw(state, now);
    this.schedule(now);
    return effects;
  }

  /**
   * @param {SessionEvent} event
   * @param {number} now
   */
  send(event, now) {
    const run = /** @type {RunStarted} */ (this.run);
    const seq = this.seq;
    this.seq += 1;
    const body = { ...event, run_id: run.run_id, seq, at: now, session_key: this.payload?.session_key };
    const key = `event:${this.sessionKey}:${run.run_id}:${String(seq).padStart(6, "0")}`;
    this.outbox.enqueue(key, `/api/v1/sessions/${run.session_id}/events`, body).then(() => this.showSaving());
  }

  /**
   * @param {Effect[]} effects
   * @param {number} now
   */
  perform(effects, now) {
    const state = /** @type {SessionState} */ (this.state);
    for (const effect of effects) {
      if (effect.kind === "announce") {
        this.view.caption(effect.text);
        this.sound.say(effect.text);
      } else if (effect.kind === "beep") {
        this.view.caption(`${effect.count}…`);
        this.sound.beep(effect.count);
      } else if (effect.kind === "show_step") {
        this.saveLocal(effect.index);
        this.view.render(/** @type {SessionPayload} */ (this.payload), state, now);
      } else if (effect.kind === "ask_effort") {
        // Asked once this event is applied: asking pauses the session, an event of its own.
        const itemIndex = effect.item_index;
        queueMicrotask(() => this.askEffort(itemIndex));
      } else if (effect.kind === "safety_stop") {
        this.safetyStopped = true;
        this.view.stopped(effect.message, state.rules.emergency_number, effect.tier);
      } else if (effect.kind === "session_ended") {
        this.end(effect.finished);
      }
    }
  }

  /**
   * A timer for the next moment anything can change (a beep, a step's end). Rounded up to a
   * whole millisecond, at least one: a timer due "now" by rounding would fire again and again
   * at the same moment.
   * @param {number} now
   */
  schedule(now) {
    clearTimeout(this.timer);
    const state = this.state;
    if (state === null || !Number.isFinite(state.wakeAt)) return;
    const delay = Math.max(1, Math.ceil((state.wakeAt - now) * 1000));
    this.timer = setTimeout(() => this.dispatch({ kind: "tick" }), delay);
  }

  /** @param {boolean} finished */
  end(finished) {
    clearTimeout(this.timer);
    if (this.wakeLock) this.wakeLock.release().catch(() => {});
    localStorage.removeItem(LOCAL);
    if (!this.safetyStopped) this.view.ended(finished, this.payload?.session_id ?? 0);
  }

  /** @param {number} index */
  saveLocal(index) {
    const payload = /** @type {SessionPayload} */ (this.payload);
    localStorage.setItem(LOCAL, JSON.stringify({ sessionId: payload.session_id, index }));
  }

  /** @param {string} reason */
  pause(reason) {
    if (!this.state || this.state.status !== "running") return;
    if (reason) this.view.notice(reason);
    this.dispatch({ kind: "pause" });
    this.view.render(/** @type {SessionPayload} */ (this.payload), this.state, this.now());
  }

  resume() {
    if (!this.state || this.state.status !== "paused") return;
    this.view.clearNotices();
    this.dispatch({ kind: "resume" });
    this.view.render(/** @type {SessionPayload} */ (this.payload), this.state, this.now());
  }

  togglePause() {
    if (this.state?.status === "paused") this.resume();
    else this.pause("");
  }

  async keepAwake() {
    // What the page got is on the player too (data-wake-lock): a phone paired over plain HTTP
    // gets "unsupported", one over HTTPS "held" (issue 21).
    const player = document.getElementById("player");
    const report = (/** @type {string} */ got) => { if (player) player.dataset.wakeLock = got; };
    if (!("wakeLock" in navigator)) {
      report("unsupported");
      this.view.notice("This browser cannot keep the screen on (Wake Lock needs HTTPS): tap it now and then.");
      return;
    }
    try {
      this.wakeLock = await navigator.wakeLock.request("screen");
      report("held");
    } catch {
      report("refused");
      this.view.notice("The screen may turn off: keeping it awake was refused.");
    }
  }

  /**
   * Ask a question in a modal dialog with the session paused: the time it is open is not
   * exercise time, and no key pressed meanwhile acts on the session. Focus starts on `focus`,
   * never on an answer, so a key pressed by habit answers nothing.
   * @param {string} id the dialog's id
   * @param {string} focus the id of the neutral element focused first
   * @param {(answer: string) => void} answered called with the dialog's return value
   */
  ask(id, focus, answered) {
    const dialog = /** @type {HTMLDialogElement} */ (byId(id));
    if (dialog.open) dialog.close();
    // A question comes first: the full-screen figure gives way to it.
    this.view.closeFigure();
    const wasRunning = this.state?.status === "running";
    if (wasRunning) this.pause("");
    dialog.returnValue = "";
    dialog.onclose = () => {
      if (wasRunning) this.resume();
      answered(dialog.returnValue);
    };
    dialog.showModal();
    byId(focus).focus();
  }

  /** @param {number} itemIndex */
  askEffort(itemIndex) {
    if (!this.playing) return;
    // Asked as the next exercise is shown: say which one the question is about.
    const done = this.payload?.steps.find((s) => s.item_index === itemIndex);
    byId("effort-about").textContent = done ? `About the ${done.name.toLowerCase()} you just did.` : "";
    this.ask("effort-dialog", "effort-title", (value) => {
      if (value === "0" || value === "1" || value === "3") {
        this.dispatch({ kind: "effort", reps_in_reserve: Number(value), item_index: itemIndex });
      }
    });
  }

  /** Stop only when the person confirms it: Escape or a slip of the finger ends nothing. */
  confirmStop() {
    if (!this.playing) return;
    this.ask("stop-dialog", "keep-going", (answer) => {
      if (answer === "stop") this.dispatch({ kind: "stop" });
    });
  }

  /** @param {HTMLFormElement} form */
  reportPain(form) {
    const data = new FormData(form);
    const effects = this.dispatch({
      kind: "pain",
      area: String(data.get("area")),
      score: Number(data.get("score")),
      symptoms: data.getAll("symptoms").map(String),
    });
    // What the rules made of the report, shown once the question has closed (a symptom stop
    // shows its own message instead).
    const said = effects.find((e) => e.kind === "announce");
    this.painSaid = said && said.kind === "announce" && !effects.some((e) => e.kind === "safety_stop") ? said.text : "";
  }

  async showSaving() {
    this.view.saving((await this.outbox.pending()).length);
  }

  /**
   * Fetch every figure of the session once (each step's version, side and direction, and the
   * version's key poses), so the service worker has them if the server goes.
   * @param {SessionPayload} payload
   */
  prefetchFigures(payload) {
    const urls = new Set();
    for (const each of payload.steps) {
      const card = payload.cards[each.exercise_id];
      if (!card || !drawn(card, each)) continue;
      urls.add(figureUrl(each));
      urls.add(stripUrl(each));
    }
    for (const url of urls) fetch(url).catch(() => {});
  }

  visibilityChanged() {
    if (document.hidden) {
      this.pause("Paused while the page was hidden: press Resume when you are ready.");
    } else if (this.playing && this.state) {
      this.view.render(/** @type {SessionPayload} */ (this.payload), this.state, this.now());
      if (this.wakeLock === null || this.wakeLock.released) this.keepAwake();
    }
  }

  /** @param {KeyboardEvent} event */
  key(event) {
    if (!this.playing || document.querySelector("dialog[open]")) return;
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement) return;
    // Enter and Space on a focused button or link act on that control, as everywhere else.
    const control = target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement;
    if (control && (event.key === "Enter" || event.key === " ")) return;
    /** @type {Record<string, () => void>} */
    const actions = {
      " ": () => this.togglePause(),
      ArrowRight: () => this.dispatch({ kind: "skip" }),
      ArrowLeft: () => this.dispatch({ kind: "back" }),
      Enter: () => this.dispatch({ kind: "done" }),
      Escape: () => this.confirmStop(),
    };
    if (actions[event.key]) {
      event.preventDefault();
      actions[event.key]();
    }
  }

  /** Where the person stands: to the screening, locked, resuming, or ready to begin. */
  async load() {
    try {
      const status = await getJSON("/api/v1/status");
      if (status.needs_screening) { location.href = "/screening"; return; }
      if (!status.may_start) {
        this.view.stopped(status.explanation, status.emergency_number, status.tier);
        return;
      }
    } catch {
      this.view.notice("The server cannot be reached: continuing with what this device has.");
    }
    /** @type {SessionPayload | null} */
    let active = null;
    try {
      active = await getJSON("/api/v1/sessions/active");
    } catch {
      active = null;
    }
    if (active) {
      const local = JSON.parse(localStorage.getItem(LOCAL) || "null");
      const at = local && local.sessionId === active.session_id ? Math.max(local.index, active.next_step) : active.next_step;
      this.view.player.dataset.resumed = "true";
      try {
        await this.play(active, Math.min(at, active.steps.length - 1));
      } catch (error) {
        this.cannotStart(error);
        return;
      }
      this.view.caption(`Resuming at step ${(this.state?.index ?? 0) + 1}.`);
      return;
    }
    this.view.showBefore();
  }

  /** @param {unknown} error */
  cannotStart(error) {
    const why = error instanceof ApiError ? error.message : "the server cannot be reached; try again when it is back";
    this.view.status(`Cannot start: ${why}`);
  }

  /** @param {HTMLFormElement} form */
  async begin(form) {
    this.sound.unlock();
    const pain = painScores(new FormData(form).entries());
    try {
      // Stored before the session starts: it sets the session's pain limits (issue 14's rule).
      if (Object.keys(pain).length) await postJSON("/api/v1/checkins", { moment: "before", pain });
      await this.play(await postJSON("/api/v1/sessions", {}), 0);
    } catch (error) {
      this.cannotStart(error);
    }
  }

  /** @param {HTMLFormElement} form */
  async afterCheckIn(form) {
    const pain = painScores(new FormData(form).entries());
    await this.outbox.enqueue(`after:${Date.now()}`, "/api/v1/checkins", {
      moment: "after",
      pain: Object.keys(pain).length ? pain : { neck: 0 },
    });
    byId("after-text").textContent = "Saved. See you next time.";
    form.hidden = true;
  }

  /** The page's controls, keys and visibility, wired to this player. */
  wire() {
    document.addEventListener("visibilitychange", () => this.visibilityChanged());
    document.addEventListener("keydown", (event) => this.key(event));
    byId("pause").addEventListener("click", () => { this.sound.unlock(); this.togglePause(); });
    byId("skip").addEventListener("click", () => this.dispatch({ kind: "skip" }));
    byId("done").addEventListener("click", () => this.dispatch({ kind: "done" }));
    byId("back").addEventListener("click", () => this.dispatch({ kind: "back" }));
    byId("stop").addEventListener("click", () => this.confirmStop());
    byId("hurts").addEventListener("click", () => {
      if (!this.playing) return;
      this.painSaid = "";
      this.ask("pain-dialog", "pain-title", () => { if (this.painSaid) this.view.notice(this.painSaid); });
    });
    byId("pain-form").addEventListener("submit", (event) => {
      const submitter = /** @type {SubmitEvent} */ (event).submitter;
      if (submitter instanceof HTMLButtonElement && submitter.value === "report") {
        this.reportPain(/** @type {HTMLFormElement} */ (event.target));
      }
    });
    byId("before-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.begin(/** @type {HTMLFormElement} */ (event.target));
    });
    byId("after-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.afterCheckIn(/** @type {HTMLFormElement} */ (event.target));
    });
  }
}

const outbox = new Outbox();
const player = new Player(new View(), new Sound(), outbox);
player.wire();
// What is still queued goes first: a symptom stop sent just before a reload must reach the
// server before the page asks whether there is a session to resume.
outbox.run().catch(() => {}).finally(() => player.load());
