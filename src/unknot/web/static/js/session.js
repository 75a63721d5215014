// @ts-check
// The browser's reading of the session engine (src/unknot/domain/engine.py), without the DOM.
// Every number and text comes from the session payload: each step's decisions (beeps,
// asks_effort, pain_skip_to) and the rules block. What is here is how the engine moves from one
// state to the next, kept step for step with `engine.step`; the conformance tests replay the
// Python engine's traces against this module, so any difference fails (issue 15).
//
// Times are seconds on a monotonic clock, offsets from the run's start: never the device's wall
// clock. States are never changed in place: every call returns a new one.

/** @typedef {import("./types.js").SessionStep} SessionStep */
/** @typedef {import("./types.js").Rules} Rules */
/** @typedef {import("./types.js").SessionState} SessionState */
/** @typedef {import("./types.js").SessionEvent} SessionEvent */
/** @typedef {import("./types.js").Effect} Effect */
/** @typedef {import("./types.js").StepRecord} StepRecord */
/** @typedef {import("./types.js").Tier} Tier */

/** @typedef {[SessionState, Effect[]]} Stepped */

/**
 * A session ready to start, at its first step or where an earlier run stopped.
 * @param {SessionStep[]} steps
 * @param {Rules} rules
 * @param {number} [resumeAt]
 * @returns {SessionState}
 */
export function newSession(steps, rules, resumeAt = 0) {
  return {
    steps,
    rules,
    index: Math.min(resumeAt, steps.length),
    status: "ready",
    startedAt: 0,
    pausedS: 0,
    pausedAt: 0,
    wakeAt: Infinity,
    beepsLeft: 0,
    asked: [],
  };
}

/**
 * The step under way, or null past the last one.
 * @param {SessionState} state
 * @returns {SessionStep | null}
 */
export function current(state) {
  return state.index < state.steps.length ? state.steps[state.index] : null;
}

/**
 * Seconds left in the current step; null for a self-paced step or when not counting.
 * @param {SessionState} state
 * @param {number} now
 * @returns {number | null}
 */
export function remaining(state, now) {
  const step = current(state);
  if (step === null || step.duration_s === null || (state.status !== "running" && state.status !== "paused")) {
    return null;
  }
  const at = state.status === "paused" ? state.pausedAt : now;
  return Math.max(0, step.duration_s - (at - state.startedAt - state.pausedS));
}

/**
 * Seconds into the current step, not counting pauses.
 * @param {SessionState} state
 * @param {number} now
 */
export function elapsed(state, now) {
  const at = state.status === "paused" ? state.pausedAt : now;
  return Math.max(0, at - state.startedAt - state.pausedS);
}

/**
 * Timed seconds done before the current step, and in the whole session.
 * @param {SessionState} state
 * @returns {[number, number]}
 */
export function sessionSeconds(state) {
  const sum = (/** @type {SessionStep[]} */ steps) => steps.reduce((total, s) => total + (s.duration_s || 0), 0);
  return [sum(state.steps.slice(0, state.index)), sum(state.steps)];
}

/**
 * Apply one event at time `now` (engine.step).
 * @param {SessionState} state
 * @param {SessionEvent} event
 * @param {number} now
 * @returns {Stepped}
 */
export function step(state, event, now) {
  if (event.kind === "tick") {
    if (now < state.wakeAt) return [state, []];
    return tick(state, now);
  }
  if (now >= state.wakeAt) {
    const [ticked, due] = tick(state, now);
    const [later, effects] = apply(ticked, event, now);
    return [later, [...due, ...effects]];
  }
  return apply(state, event, now);
}

/**
 * @param {SessionState} state
 * @param {SessionEvent} event
 * @param {number} now
 * @returns {Stepped}
 */
function apply(state, event, now) {
  const texts = state.rules.texts;
  if (event.kind === "effort") return effort(state, event.reps_in_reserve, event.item_index ?? null);
  if (state.status === "finished" || state.status === "stopped") return [state, []];
  if (event.kind === "start") return state.status === "ready" ? enter(state, state.index, now) : [state, []];
  if (event.kind === "pause") {
    if (state.status !== "running") return [state, []];
    return [{ ...state, status: "paused", pausedAt: now, wakeAt: Infinity }, [{ kind: "announce", text: texts.paused }]];
  }
  if (event.kind === "resume") {
    if (state.status !== "paused") return [state, []];
    const resumed = { ...state, status: /** @type {const} */ ("running"), pausedS: state.pausedS + now - state.pausedAt };
    return [{ ...resumed, wakeAt: wakeAt(resumed) }, [{ kind: "announce", text: texts.resumed }]];
  }
  if (event.kind === "stop") {
    return [{ ...state, status: "stopped", wakeAt: Infinity }, [
      { kind: "announce", text: texts.stopped },
      { kind: "session_ended", finished: false },
    ]];
  }
  if (state.status === "ready") return [state, []];
  if (event.kind === "skip") return finishStep(state, now, true);
  if (event.kind === "done") return finishStep(state, now, false);
  if (event.kind === "back") return back(state, now);
  if (event.kind === "pain") return pain(state, event.area, event.score, event.symptoms || [], now);
  return [state, []];
}

/**
 * @param {SessionState} state
 * @returns {number}
 */
function wakeAt(state) {
  const step = current(state);
  if (state.status !== "running" || step === null || step.duration_s === null) return Infinity;
  const end = state.startedAt + state.pausedS + step.duration_s;
  if (state.beepsLeft > 0) return end - state.beepsLeft;
  return end;
}

/**
 * The state running again at `now`, its pause counted.
 * @param {SessionState} state
 * @param {number} now
 * @returns {SessionState}
 */
function unpaused(state, now) {
  if (state.status !== "paused") return state;
  return { ...state, status: "running", pausedS: state.pausedS + now - state.pausedAt };
}

/**
 * Begin step `index` at time `at` (or finish the session past the last step).
 * @param {SessionState} state
 * @param {number} index
 * @param {number} at
 * @returns {Stepped}
 */
function enter(state, index, at) {
  if (index >= state.steps.length) {
    return [{ ...state, index: state.steps.length, status: "finished", wakeAt: Infinity }, [
      { kind: "announce", text: state.rules.texts.complete },
      { kind: "session_ended", finished: true },
      { kind: "ask_pain" },
    ]];
  }
  const next = state.steps[index];
  /** @type {SessionState} */
  const entered = {
    ...state, index, status: "running", startedAt: at, pausedS: 0, pausedAt: 0, beepsLeft: next.beeps,
  };
  return [{ ...entered, wakeAt: wakeAt(entered) }, [
    { kind: "show_step", index },
    { kind: "announce", text: next.announce },
  ]];
}

/**
 * What is kept of a finished step (engine.step_record).
 * @param {SessionState} state
 * @param {number} endedAt
 * @param {boolean} skipped
 * @returns {StepRecord}
 */
function record(state, endedAt, skipped) {
  const step = state.steps[state.index];
  const active = Math.max(0, endedAt - state.startedAt - state.pausedS);
  let hold = null;
  if (step.kind === "hold") hold = skipped ? 0 : Math.min(active, step.hold_s || 0);
  return {
    index: step.index,
    item_index: step.item_index,
    exercise_id: step.exercise_id,
    kind: step.kind,
    set_number: step.set_number,
    side: step.side,
    direction: step.direction,
    reps: skipped || step.kind !== "work" ? null : step.reps,
    hold_s: hold,
    started_at: state.startedAt,
    ended_at: endedAt,
    skipped,
    paused_s: state.pausedS,
  };
}

/**
 * Effects owed when a step ends: the record, and the effort question after strength.
 * @param {SessionState} state
 * @param {StepRecord} done
 * @returns {Stepped}
 */
function after(state, done) {
  const step = state.steps[state.index];
  if (step.asks_effort && !done.skipped) {
    const asked = state.asked.includes(step.item_index) ? state.asked : [...state.asked, step.item_index];
    return [{ ...state, asked }, [
      { kind: "record_step", record: done },
      { kind: "ask_effort", item_index: step.item_index, exercise_id: step.exercise_id },
    ]];
  }
  return [state, [{ kind: "record_step", record: done }]];
}

/**
 * @param {SessionState} state
 * @param {number} now
 * @param {boolean} skipped
 * @returns {Stepped}
 */
function finishStep(state, now, skipped) {
  const running = unpaused(state, now);
  const [asked, owed] = after(running, record(running, now, skipped));
  const [entered, effects] = enter(asked, asked.index + 1, now);
  return [entered, [...owed, ...effects]];
}

/**
 * @param {SessionState} state
 * @param {number} now
 * @returns {Stepped}
 */
function tick(state, now) {
  /** @type {Effect[]} */
  const effects = [];
  while (state.status === "running" && now >= state.wakeAt) {
    const step = state.steps[state.index];
    const end = state.startedAt + state.pausedS + /** @type {number} */ (step.duration_s);
    if (now < end) {
      // A countdown beep is due.
      effects.push({ kind: "beep", count: state.beepsLeft });
      const beeped = { ...state, beepsLeft: state.beepsLeft - 1 };
      state = { ...beeped, wakeAt: wakeAt(beeped) };
      continue;
    }
    // The step ended at `end`, not at `now`: the next one starts there, so nothing drifts.
    const [asked, owed] = after(state, record(state, end, false));
    effects.push(...owed);
    const [entered, shown] = enter(asked, asked.index + 1, end);
    effects.push(...shown);
    state = entered;
  }
  return [state, effects];
}

/**
 * Restart the current step, or go to the previous one if this one has only just begun.
 * @param {SessionState} state
 * @param {number} now
 * @returns {Stepped}
 */
function back(state, now) {
  const running = unpaused(state, now);
  const since = now - running.startedAt - running.pausedS;
  const backAStep = since < running.rules.back_restarts_within_s && running.index > 0;
  return enter(running, backAStep ? running.index - 1 : running.index, now);
}

/**
 * An answer is kept only for a question that was asked.
 * @param {SessionState} state
 * @param {number} reserve
 * @param {number | null} itemIndex
 * @returns {Stepped}
 */
function effort(state, reserve, itemIndex) {
  let item = itemIndex;
  if (item === null) {
    const before = state.steps.slice(0, state.index).filter((s) => state.asked.includes(s.item_index));
    item = before.length ? before[before.length - 1].item_index : null;
  }
  if (item === null || !state.asked.includes(item)) return [state, []];
  const found = /** @type {SessionStep} */ (state.steps.find((s) => s.item_index === item));
  return [state, [{ kind: "record_effort", item_index: item, exercise_id: found.exercise_id, reps_in_reserve: reserve }]];
}

/**
 * @param {SessionState} state
 * @param {string} area
 * @param {number} score
 * @param {string[]} symptoms
 * @param {number} now
 * @returns {Stepped}
 */
function pain(state, area, score, symptoms, now) {
  const step = state.steps[state.index];
  const given = state.rules.symptoms.order.filter((s) => symptoms.includes(s));
  /** @type {Effect} */
  const recorded = {
    kind: "record_pain",
    step_index: step.index,
    item_index: step.item_index,
    exercise_id: step.exercise_id,
    area,
    score,
    symptoms: [...given].sort(),
  };
  if (given.length) {
    const { tier, message } = symptomStop(state.rules, given);
    const running = unpaused(state, now);
    const done = record(running, now, true);
    return [{ ...running, status: "stopped", wakeAt: Infinity }, [
      recorded,
      { kind: "record_step", record: done },
      { kind: "announce", text: message },
      { kind: "safety_stop", tier, symptoms: [...given].sort(), message },
      { kind: "session_ended", finished: false },
    ]];
  }
  const limit = state.rules.pain_limits[area] ?? state.rules.pain_limit_unknown;
  if (score <= limit) {
    const noted = state.rules.texts.pain_noted
      .replace("{score}", String(score)).replace("{area}", area.replaceAll("_", " ")).replace("{limit}", String(limit));
    return [state, [recorded, { kind: "announce", text: noted }]];
  }
  const running = unpaused(state, now);
  const done = record(running, now, true);
  const [entered, effects] = enter(running, step.pain_skip_to, now);
  const text = state.rules.texts.too_painful.replace("{name}", step.name).replace("{limit}", String(limit));
  return [entered, [
    recorded,
    { kind: "record_step", record: done },
    { kind: "mark_aggravating", exercise_id: step.exercise_id },
    { kind: "announce", text },
    ...effects,
  ]];
}

/**
 * How soon to get care after these symptoms, and the message that stops the session
 * (engine.symptom_stop, read from the rules).
 * @param {Rules} rules
 * @param {string[]} symptoms
 * @returns {{tier: Tier, message: string}}
 */
export function symptomStop(rules, symptoms) {
  const table = rules.symptoms;
  /** @type {Tier} */
  let tier = table.least;
  const raise = (/** @type {Tier} */ found) => { if (table.tier_order[found] > table.tier_order[tier]) tier = found; };
  for (const symptom of symptoms) raise(table.tiers[symptom]);
  for (const rule of table.combinations) {
    if (symptoms.includes(rule.symptom) && rule.with_any.some((s) => symptoms.includes(s))) raise(rule.tier);
  }
  const said = table.order.filter((s) => symptoms.includes(s)).map((s) => table.words[s]).join(", ");
  const advice = table.advice[tier].replaceAll("{number}", rules.emergency_number);
  return { tier, message: table.template.replace("{said}", said).replace("{advice}", advice) };
}
