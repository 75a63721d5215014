// @ts-check
// The shapes the player works with, for `tsc --checkJs` (issue 15). They follow the server's:
// `SessionPayload` in services/player.py, `session_rules` and the effects in
// domain/engine.py. Types only: this module has no code.

/** @typedef {"emergency" | "same_day" | "soon" | "clear"} Tier */
/** @typedef {"ready" | "running" | "paused" | "finished" | "stopped"} Status */

/**
 * One step of the timeline (domain/timeline.py `Step`) with the engine's decisions about it
 * (`StepDecision`).
 * @typedef {object} SessionStep
 * @property {number} index
 * @property {string} kind
 * @property {number} item_index
 * @property {string} exercise_id
 * @property {number} version the version done: its index in the exercise's alternatives
 * @property {string} name
 * @property {string} block
 * @property {number} set_number
 * @property {number} sets
 * @property {"left" | "right" | null} side
 * @property {string | null} side_label
 * @property {string | null} direction
 * @property {number | null} reps
 * @property {number | null} hold_s
 * @property {number | null} duration_s
 * @property {string} title
 * @property {string} detail
 * @property {string} announce
 * @property {string} counter
 * @property {number} beeps
 * @property {boolean} asks_effort
 * @property {number} pain_skip_to
 */

/**
 * @typedef {object} SymptomRules
 * @property {string[]} order
 * @property {Record<string, Tier>} tiers
 * @property {Record<string, number>} tier_order
 * @property {{symptom: string, with_any: string[], tier: Tier}[]} combinations
 * @property {Record<string, string>} words
 * @property {Record<string, string>} advice
 * @property {string[]} locking
 * @property {Tier} least
 * @property {string} template
 */

/**
 * `engine.session_rules`: the thresholds and texts the session module reads.
 * @typedef {object} Rules
 * @property {number} back_restarts_within_s
 * @property {{paused: string, resumed: string, stopped: string, complete: string, too_painful: string, pain_noted: string}} texts
 * @property {Record<string, number>} pain_limits
 * @property {number} pain_limit_unknown
 * @property {string} emergency_number
 * @property {SymptomRules} symptoms
 */

/**
 * @typedef {object} Card
 * @property {string} name
 * @property {string} purpose
 * @property {string[]} steps
 * @property {string[]} cues
 * @property {string[]} cautions
 * @property {boolean} has_figure
 * @property {number[]} figure_versions the versions drawn
 */

/**
 * @typedef {object} SessionPayload
 * @property {number} session_id
 * @property {string | null} session_key
 * @property {string} status
 * @property {number} next_step
 * @property {SessionStep[]} steps
 * @property {Record<string, Card>} cards
 * @property {Rules} rules
 * @property {string} emergency_number
 */

/**
 * @typedef {object} RunStarted
 * @property {number} run_id
 * @property {number} session_id
 * @property {number} started_at
 * @property {number} resume_at
 * @property {Record<string, number>} pain_limits
 */

/**
 * @typedef {object} SessionState
 * @property {SessionStep[]} steps
 * @property {Rules} rules
 * @property {number} index
 * @property {Status} status
 * @property {number} startedAt
 * @property {number} pausedS
 * @property {number} pausedAt
 * @property {number} wakeAt
 * @property {number} beepsLeft
 * @property {number[]} asked
 */

/**
 * @typedef {{kind: "start" | "tick" | "pause" | "resume" | "skip" | "back" | "done" | "stop"}
 *   | {kind: "pain", area: string, score: number, symptoms?: string[]}
 *   | {kind: "effort", reps_in_reserve: number, item_index?: number | null}} SessionEvent
 */

/**
 * @typedef {object} StepRecord
 * @property {number} index
 * @property {number} item_index
 * @property {string} exercise_id
 * @property {string} kind
 * @property {number} set_number
 * @property {"left" | "right" | null} side
 * @property {string | null} direction
 * @property {number | null} reps
 * @property {number | null} hold_s
 * @property {number} started_at
 * @property {number} ended_at
 * @property {boolean} skipped
 * @property {number} paused_s
 */

/**
 * @typedef {{kind: "announce", text: string}
 *   | {kind: "beep", count: number}
 *   | {kind: "show_step", index: number}
 *   | {kind: "record_step", record: StepRecord}
 *   | {kind: "ask_effort", item_index: number, exercise_id: string}
 *   | {kind: "record_effort", item_index: number, exercise_id: string, reps_in_reserve: number}
 *   | {kind: "record_pain", step_index: number, item_index: number, exercise_id: string,
 *      area: string, score: number, symptoms: string[]}
 *   | {kind: "mark_aggravating", exercise_id: string}
 *   | {kind: "safety_stop", tier: Tier, symptoms: string[], message: string}
 *   | {kind: "ask_pain"}
 *   | {kind: "session_ended", finished: boolean}} Effect
 */

export {};
