// Replays traces of the Python session engine against the browser's session module: every
// event's effects and the state after it must be the same (issue 15). The traces come from
// tests/web/test_session_module.py, made afresh at every run, in the file UNKNOT_TRACES names.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { newSession, step } from "../../src/unknot/web/static/js/session.js";

const file = process.env.UNKNOT_TRACES;
if (!file) throw new Error("UNKNOT_TRACES names no traces file: run this from the pytest suite");
/** @type {any[]} */
const traces = JSON.parse(readFileSync(file, "utf8"));

/** Numbers as the engine's JSON gives them: the same to the last bit, -0 and 0 alike. */
function plain(/** @type {unknown} */ value) {
  return JSON.parse(JSON.stringify(value, (_key, v) => (Object.is(v, -0) ? 0 : v)));
}

for (const [number, trace] of traces.entries()) {
  test(`trace ${number}: ${trace.name}`, () => {
    let state = newSession(trace.steps, trace.rules, trace.resume_at);
    for (const [position, expected] of trace.events.entries()) {
      const [next, effects] = step(state, expected.event, expected.at);
      state = next;
      const where = `event ${position} (${JSON.stringify(expected.event)} at ${expected.at})`;
      assert.deepEqual(plain(effects), plain(expected.effects), `effects of ${where}`);
      assert.deepEqual(
        plain({ index: state.index, status: state.status, wake_at: Number.isFinite(state.wakeAt) ? state.wakeAt : null }),
        plain(expected.state),
        `state after ${where}`,
      );
    }
  });
}
