// The browser player. It keeps time and shows the steps; the server keeps the rules and the
// record. Time comes from performance.now(), never from counting ticks, so late timers do not
// drift; each finished step goes through the outbox with an idempotency key.
import { enqueue, flush, pending } from "./outbox.js";

const $ = (id) => document.getElementById(id);
const LOCAL = "unknot-player";
const BEEPS = 3;

let session = null;
let steps = [];
let index = 0;
let startedPerf = 0;
let startedEpoch = 0;
let pausedAt = 0;
let pausedTotal = 0;
let paused = false;
let figureStart = null; // the step start the figure's loop was last set to
let beepsLeft = 0;
let ended = false;
let audio = null;
let endTimer = null;
let wakeLock = null;
const notices = [];

function now() { return performance.now(); }

// Every write names its session by its own random key as well as its id: ids start again at 1
// after the data is deleted, so an id alone would let an old queued write land in a new session.
function sessionKey() { return session.session_key || String(session.session_id); }

function words(value) { return String(value || "").replaceAll("_", " "); }

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    const error = new Error(problem.detail || response.statusText);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.detail || response.statusText);
    error.status = response.status;
    throw error;
  }
  return data;
}

function notice(text) {
  if (!notices.includes(text)) notices.push(text);
  $("notice").textContent = notices.join(" ");
}

function caption(text) {
  const item = document.createElement("li");
  item.textContent = text;
  $("captions").prepend(item);
  while ($("captions").children.length > 8) $("captions").lastChild.remove();
}

function say(text) {
  caption(text);
  if ("speechSynthesis" in window && speechSynthesis.getVoices().length > 0) {
    speechSynthesis.cancel();
    speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }
}

function beep(count) {
  caption(`${count}…`);
  if (!audio) return;
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.frequency.value = count === 1 ? 880 : 660;
  gain.gain.value = 0.15;
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start();
  oscillator.stop(audio.currentTime + 0.12);
}

async function keepAwake() {
  if (!("wakeLock" in navigator)) {
    notice("This browser cannot keep the screen on (Wake Lock needs HTTPS): tap it now and then.");
    return;
  }
  try {
    wakeLock = await navigator.wakeLock.request("screen");
  } catch {
    notice("The screen may turn off: keeping it awake was refused.");
  }
}

function remaining() {
  const step = steps[index];
  if (!step || step.duration_s === null) return null;
  const at = paused ? pausedAt : now();
  return Math.max(0, step.duration_s - (at - startedPerf - pausedTotal) / 1000);
}

function saveLocal() {
  localStorage.setItem(LOCAL, JSON.stringify({ sessionId: session.session_id, index }));
}

function begin(target, at = now()) {
  index = target;
  startedPerf = at;
  startedEpoch = Date.now() - (now() - at);
  pausedTotal = 0;
  const step = steps[index];
  beepsLeft = step.duration_s !== null && step.duration_s > 1 ? Math.min(BEEPS, Math.floor(step.duration_s) - 1) : 0;
  saveLocal();
  render();
  say(step.announce);
  scheduleEnd();
}

// A timer set for the exact end of the step, so a step ends on time, not at the next 100 ms tick.
function scheduleEnd() {
  clearTimeout(endTimer);
  const left = remaining();
  if (left !== null && !paused && !ended) endTimer = setTimeout(tick, Math.max(0, left * 1000));
}

function record(skipped, endPerf) {
  const step = steps[index];
  const body = {
    index,
    started_at: startedEpoch / 1000,
    ended_at: (startedEpoch + Math.max(0, endPerf - startedPerf)) / 1000,
    skipped,
    idempotency_key: `${sessionKey()}:${index}`,
  };
  enqueue(`step:${sessionKey()}:${index}`, `/api/v1/sessions/${session.session_id}/steps`, body)
    .then(showSaving);
  const following = steps[index + 1];
  if (!skipped && step.block === "strength" && (!following || following.item_index !== step.item_index)
      && step.kind !== "transition" && step.kind !== "get_ready") {
    askEffort(step.item_index);
  }
}

function complete(skipped, endPerf = now()) {
  record(skipped, endPerf);
  if (index + 1 >= steps.length) {
    finish(true);
  } else {
    begin(index + 1, endPerf);
  }
}

function tick() {
  if (!session || paused || ended) return;
  const step = steps[index];
  if (step.duration_s !== null) {
    let left = remaining();
    while (beepsLeft > 0 && left <= beepsLeft && left > 0) {
      beep(beepsLeft);
      beepsLeft -= 1;
    }
    // Several steps may end in one late tick; each ends exactly on time.
    while (!ended && !paused && steps[index].duration_s !== null && remaining() <= 0) {
      const current = steps[index];
      complete(false, startedPerf + pausedTotal + current.duration_s * 1000);
    }
    left = remaining();
  }
  draw();
}

function draw() {
  const left = remaining();
  const step = steps[index];
  const ring = $("ring-front");
  const circumference = 2 * Math.PI * 52;
  ring.setAttribute("stroke-dasharray", String(circumference));
  if (left === null) {
    $("seconds").textContent = "Done?";
    ring.setAttribute("stroke-dashoffset", "0");
  } else {
    const whole = Math.ceil(left);
    $("seconds").textContent = whole >= 60 ? `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}` : String(whole);
    ring.setAttribute("stroke-dashoffset", String(circumference * (1 - left / step.duration_s)));
  }
  const total = steps.reduce((sum, s) => sum + (s.duration_s || 0), 0);
  const done = steps.slice(0, index).reduce((sum, s) => sum + (s.duration_s || 0), 0)
    + (step.duration_s && left !== null ? step.duration_s - left : 0);
  $("progress").value = total ? Math.round((1000 * done) / total) : 0;
}

function render() {
  const step = steps[index];
  $("name").textContent = step.name;
  $("title").textContent = step.title;
  const facts = [step.detail];
  if (step.sets > 1) facts.push(`Set ${step.set_number} of ${step.sets}.`);
  if (step.side_label) facts.push(`${step.side_label[0].toUpperCase()}${step.side_label.slice(1)}.`);
  if (step.direction) facts.push(`Direction: ${words(step.direction)}.`);
  $("facts").textContent = facts.join(" ");
  $("counter").textContent = `Step ${index + 1} of ${steps.length}`;
  const next = steps.slice(index + 1).find((s) => s.item_index !== step.item_index);
  $("next").textContent = next ? `Next: ${next.name}` : "Next: the end of the session";
  const card = session.cards[step.exercise_id];
  showFigure(card ? step.exercise_id : null, card, step);
  const box = $("card");
  box.replaceChildren();
  if (card) {
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
  $("pause").textContent = paused ? "Resume" : "Pause";
  $("player").dataset.state = paused ? "paused" : "running";
  $("player").dataset.step = String(index);
  draw();
}

function pause(reason) {
  if (paused || ended) return;
  paused = true;
  pausedAt = now();
  clearTimeout(endTimer);
  if (reason) notice(reason);
  say("Paused.");
  render();
}

function resume() {
  if (!paused || ended) return;
  pausedTotal += now() - pausedAt;
  paused = false;
  scheduleEnd();
  notices.length = 0;
  $("notice").textContent = "";
  say("Go on.");
  render();
}

function back() {
  const elapsed = (now() - startedPerf - pausedTotal) / 1000;
  if (paused) resume();
  begin(elapsed < 2 && index > 0 ? index - 1 : index);
}

function finish(finished) {
  ended = true;
  clearTimeout(endTimer);
  if (wakeLock) wakeLock.release().catch(() => {});
  enqueue(`end:${sessionKey()}`, `/api/v1/sessions/${session.session_id}/end`,
    { finished, session_key: session.session_key }).then(showSaving);
  localStorage.removeItem(LOCAL);
  say(finished ? "Well done: session complete." : "Session stopped. What you did is saved.");
  $("stage").hidden = true;
  $("after").hidden = false;
  $("after-title").textContent = finished ? "Well done" : "Session stopped";
  $("player").dataset.state = finished ? "finished" : "stopped";
}

// The server's stop message for these symptoms, from the rules it sent with the session
// (engine.symptom_rules: the symptom table and its combinations), for when it cannot be reached:
// chest pain or numbness in both arms must still say to call the emergency number.
function symptomStop(symptoms) {
  const rules = session.symptom_rules;
  const rank = (tier) => rules.tier_order[tier];
  let tier = "soon";
  const raise = (t) => { if (rank(t) > rank(tier)) tier = t; };
  symptoms.forEach((s) => raise(rules.tiers[s] || "soon"));
  rules.combinations.forEach((c) => {
    if (symptoms.includes(c.symptom) && c.with_any.some((s) => symptoms.includes(s))) raise(c.tier);
  });
  const said = rules.order.filter((s) => symptoms.includes(s)).map((s) => rules.words[s]).join(", ");
  const advice = rules.advice[tier].replace("{number}", session.emergency_number || $("player").dataset.emergency);
  const message = rules.template.replace("{said}", said).replace("{advice}", advice);
  return { tier, message };
}

function stopForSafety(message, number, tier) {
  ended = true;
  localStorage.removeItem(LOCAL);
  // The number is always shown: the page carries it even when the server gave none.
  const call = number || $("player").dataset.emergency;
  $("stage").hidden = true;
  $("stopped").hidden = false;
  $("stopped").dataset.tier = tier || "";
  $("stopped-text").textContent = message;
  $("stopped-call").href = `tel:${call}`;
  $("stopped-call").textContent = tier === "emergency" ? `Call ${call} now` : `Emergency number: ${call}`;
  $("player").dataset.state = "stopped";
  say(message);
}

function askEffort(itemIndex) {
  const dialog = $("effort-dialog");
  if (dialog.open) dialog.close();
  dialog.returnValue = "";
  dialog.onclose = () => {
    const value = dialog.returnValue;
    if (value === "0" || value === "1" || value === "3") {
      enqueue(`effort:${sessionKey()}:${itemIndex}`, `/api/v1/sessions/${session.session_id}/effort`,
        { item_index: itemIndex, reps_in_reserve: Number(value), session_key: session.session_key }).then(showSaving);
    }
  };
  dialog.show();
}

async function reportPain(form) {
  const data = new FormData(form);
  const body = {
    index,
    area: data.get("area"),
    score: Number(data.get("score")),
    symptoms: data.getAll("symptoms"),
    session_key: session.session_key,
  };
  let answer;
  try {
    answer = await postJSON(`/api/v1/sessions/${session.session_id}/pain`, body);
  } catch (error) {
    if (error.status) throw error;
    // The server cannot be reached: queue the report and apply the same stop rules here.
    enqueue(`pain:${sessionKey()}:${index}:${Date.now()}`, `/api/v1/sessions/${session.session_id}/pain`, body);
    if (body.symptoms.length) {
      answer = { action: "stop", ...symptomStop(body.symptoms), emergency_number: session.emergency_number };
    } else if (body.score > (session.pain_limits[body.area] ?? session.pain_limit_unknown)) {
      const item = steps[index].item_index;
      const next = steps.findIndex((s, i) => i > index && s.item_index !== item);
      answer = { action: "next_exercise", next_index: next === -1 ? steps.length : next };
    } else {
      answer = { action: "continue" };
    }
  }
  if (answer.action === "stop") {
    stopForSafety(answer.message, answer.emergency_number, answer.tier);
  } else if (answer.action === "next_exercise") {
    say(answer.message || "Moving on to the next exercise.");
    if (paused) resume();
    if (answer.next_index >= steps.length) finish(true); else begin(answer.next_index);
  }
}

async function showSaving() {
  const waiting = (await pending()).length;
  $("status-line").textContent = waiting ? `Saving… ${waiting} waiting to reach the server.` : "Everything is saved.";
  $("player").dataset.pending = String(waiting);
}

// The animated figure for a step: the side and direction the step does (issue 8).
function figureUrl(step) {
  const query = new URLSearchParams();
  if (step.side) query.set("side", step.side);
  if (step.direction) query.set("direction", step.direction);
  const tail = query.toString();
  return `/figures/${step.exercise_id}.svg${tail ? `?${tail}` : ""}`;
}

// The figure of the exercise on screen: animated, or its still strip for reduced motion.
// A new document only when the exercise, side or direction changes; otherwise syncFigure
// restarts the loop that is there.
function showFigure(exerciseId, card, step) {
  const box = $("figure");
  if (!exerciseId || !card.has_figure) {
    box.hidden = true;
    box.replaceChildren();
    delete box.dataset.url;
    return;
  }
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const url = still ? `/figures/${exerciseId}-strip.svg` : figureUrl(step);
  const side = step.side_label ? `, ${step.side_label}` : "";
  const label = `${card.name}${side}${still ? ", key poses" : ", shown moving"}`;
  box.hidden = false;
  if (box.dataset.url === url) {
    syncFigure();
    return;
  }
  box.dataset.url = url;
  figureStart = null;
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
    figure.addEventListener("load", syncFigure);
    figure.data = url;
    box.replaceChildren(figure);
  }, 0));
}

// Keep the figure in time with the step: its loop starts when the step starts (a hold step
// starts with the pose reached, a release with the hold ending), runs at the step's elapsed
// time after a reload, and pauses and resumes with the player.
function syncFigure() {
  const figure = document.getElementById("figure-obj");
  const doc = figure && figure.contentDocument;
  if (!doc || !doc.getAnimations || !steps.length) return;
  const animations = doc.getAnimations();
  if (figureStart !== startedPerf) {
    figureStart = startedPerf;
    const step = steps[index];
    const marks = doc.documentElement.dataset;
    const offset = Number((step.kind === "hold" ? marks.hold : step.kind === "release" ? marks.release : 0) || 0);
    const elapsed = (paused ? pausedAt : now()) - startedPerf - pausedTotal;
    for (const animation of animations) animation.currentTime = offset * 1000 + Math.max(0, elapsed);
  }
  for (const animation of animations) {
    if (paused) animation.pause();
    else animation.play();
  }
  figure.dataset.step = String(index);
}

// Fetch every figure of the session once, so the service worker has them if the server goes.
function prefetchFigures(payload) {
  const urls = new Set();
  for (const step of payload.steps) {
    const card = payload.cards[step.exercise_id];
    if (!card || !card.has_figure) continue;
    urls.add(figureUrl(step));
    urls.add(`/figures/${step.exercise_id}-strip.svg`);
  }
  for (const url of urls) fetch(url).catch(() => {});
}

function start(payload, at) {
  session = payload;
  steps = payload.steps;
  prefetchFigures(payload);
  $("before").hidden = true;
  $("stage").hidden = false;
  if (!("speechSynthesis" in window) || speechSynthesis.getVoices().length === 0) {
    notice("No voice available in this browser: follow the captions.");
  }
  keepAwake();
  begin(at);
  setInterval(tick, 100);
  setInterval(showSaving, 2000);
}

function unlockAudio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!audio && Context) audio = new Context();
}

async function load() {
  let active = null;
  try {
    const status = await getJSON("/api/v1/status");
    if (status.needs_screening) { location.href = "/screening"; return; }
    if (!status.may_start) {
      stopForSafety(status.explanation, status.emergency_number, status.tier);
      return;
    }
  } catch {
    notice("The server cannot be reached: continuing with what this device has.");
  }
  try {
    active = await getJSON("/api/v1/sessions/active");
  } catch {
    active = null;
  }
  if (active) {
    const local = JSON.parse(localStorage.getItem(LOCAL) || "null");
    const at = local && local.sessionId === active.session_id ? Math.max(local.index, active.next_step) : active.next_step;
    $("player").dataset.resumed = "true";
    start(active, Math.min(at, active.steps.length - 1));
    caption(`Resuming at step ${index + 1}.`);
    return;
  }
  $("before").hidden = false;
  $("player").dataset.state = "before";
  $("before-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    unlockAudio();
    const data = new FormData(event.target);
    const pain = {};
    for (const [area, value] of data.entries()) if (Number(value) > 0) pain[area] = Number(value);
    if (Object.keys(pain).length) {
      await enqueue(`before:${Date.now()}`, "/api/v1/checkins", { moment: "before", pain });
    }
    try {
      start(await postJSON("/api/v1/sessions", {}), 0);
    } catch (error) {
      $("status-line").textContent = `Cannot start: ${error.message}`;
    }
  });
}

document.addEventListener("visibilitychange", () => {
  if (document.hidden) {
    pause("Paused while the page was hidden: press Resume when you are ready.");
  } else if (session && !ended) {
    render();
    if (wakeLock === null || wakeLock.released) keepAwake();
  }
});

$("pause").addEventListener("click", () => { unlockAudio(); paused ? resume() : pause(); });
$("skip").addEventListener("click", () => complete(true));
$("done").addEventListener("click", () => complete(false));
$("back").addEventListener("click", back);
$("stop").addEventListener("click", () => finish(false));
$("hurts").addEventListener("click", () => $("pain-dialog").showModal());
$("pain-form").addEventListener("submit", (event) => {
  if (event.submitter && event.submitter.value === "report") {
    reportPain(event.target).catch((error) => { $("status-line").textContent = error.message; });
  }
});
$("after-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const pain = {};
  for (const [area, value] of new FormData(event.target).entries()) if (Number(value) > 0) pain[area] = Number(value);
  await enqueue(`after:${Date.now()}`, "/api/v1/checkins", { moment: "after", pain: Object.keys(pain).length ? pain : { neck: 0 } });
  $("after-text").textContent = "Saved. See you next time.";
  $("after-form").hidden = true;
});
document.addEventListener("keydown", (event) => {
  if (!session || ended || document.querySelector("dialog[open]")) return;
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  const actions = {
    " ": () => (paused ? resume() : pause()),
    ArrowRight: () => complete(true),
    ArrowLeft: back,
    Enter: () => complete(false),
    Escape: () => finish(false),
  };
  if (actions[event.key]) {
    event.preventDefault();
    actions[event.key]();
  }
});

flush();
load();
