// From inputs to results: adding an input (a file, an example, the package's default plan, a live
// status), and recomputing what depends on it in the worker: the canary analysis, the rollout
// state machine's next action and the mismatch report. Views read the results from `state`.
import { detectKind, parseJSON, InputError } from '../data.js';
import { readStatus } from '../status.js';
import { $ } from './dom.js';
import { rpc } from './rpc.js';
import { state, save, emit } from './state.js';

/** @typedef {import('../data.js').Kind} Kind */
/** @typedef {import('./state.js').Input} Input */

/**
 * Adds (or replaces) the input of its kind, recognised from its content unless `kindHint` says.
 * @param {string} name
 * @param {string} text
 * @param {Input['source']} [source]
 * @param {Kind} [kindHint]
 * @returns {Promise<Kind>}
 */
export async function addInput(name, text, source = 'file', kindHint) {
  // Big files are recognised in the worker (JSON.parse of megabytes would block the page).
  let kind = kindHint ?? (text.length > 500_000 ? await rpc('detect', { text, name }, `Reading ${name}`) : detectKind(text, name));
  if (kind === 'unknown') throw new InputError(`${name}: not recognised (expected samples, a canary config, a plan, a rollout state, a flag config, a mismatch report or a status snapshot)`);
  if (kind === 'baselineArm' || kind === 'canaryArm') {
    // One arm of the judge's input ({"metrics": {...}}): kept until the other arm arrives.
    state.inputs[kind] = { name, text, source };
    const b = state.inputs.baselineArm, c = state.inputs.canaryArm;
    if (!b || !c) return kind;
    delete state.inputs.baselineArm;
    delete state.inputs.canaryArm;
    kind = 'samples';
    name = `${b.name} + ${c.name}`;
    text = `{"baseline": ${b.text}, "canary": ${c.text}}`;
  }
  const input = { name, text, source };
  state.inputs[kind] = input;
  if (kind === 'status') state.status = readStatus(JSON.parse(text));
  if (kind === 'flags') emit('flags', input);
  if (kind === 'context') emit('context', input);
  save();
  return kind;
}

/** @param {File[]} files */
export async function loadFiles(files) {
  /** @type {Set<Kind>} */
  const kinds = new Set();
  /** @type {string[]} */
  const fileErrors = [];
  for (const f of files) {
    try {
      kinds.add(await addInput(f.name, await f.text(), 'file'));
    } catch (e) {
      fileErrors.push(e instanceof Error ? e.message : String(e));
    }
  }
  await recompute(kinds, fileErrors);
}

/**
 * The dashboard's example sets (web/public/examples/manifest.json).
 * @typedef {{sets: Record<string, Partial<Record<Kind | 'label', string | string[]>>>, contexts?: Record<string, string>}} Manifest
 */

/** @returns {Promise<Manifest>} */
export async function manifest() {
  return (await fetch('./examples/manifest.json')).json();
}

/** @param {string} which a set of the manifest */
export async function loadExamples(which = 'default') {
  const sets = (await manifest()).sets;
  const set = sets[which] ?? sets.default ?? {};
  state.status = null;
  delete state.inputs.status;
  for (const [k, v] of Object.entries(state.inputs)) if (v.source === 'example') delete state.inputs[/** @type {Kind} */ (k)];
  delete state.inputs.canaryConfig; // a set without one judges with the plan's stage config
  /** @param {string} file */
  const get = async (file) => {
    const res = await fetch(`./examples/${file}`);
    if (!res.ok) throw new Error(`examples/${file}: HTTP ${res.status}`);
    return res.text();
  };
  for (const [kind, file] of Object.entries(set)) {
    if (kind === 'label' || file === undefined) continue;
    if (Array.isArray(file)) {
      // [baseline, canary]: the judge's two input documents, combined into one samples input
      const [b, c] = await Promise.all(file.map(get));
      await addInput(file.join(' + '), `{"baseline": ${b}, "canary": ${c}}`, 'example', /** @type {Kind} */ (kind));
    } else {
      await addInput(file, await get(file), 'example', /** @type {Kind} */ (kind));
    }
  }
  if (!set.rollout) delete state.inputs.rollout;
  if (!set.plan) delete state.inputs.plan;
  save();
  await recompute(new Set(/** @type {Kind[]} */ (Object.keys(state.inputs))));
}

/** The rollout's package default plan for a risk, as the plan input. @param {import('rollgate').Risk} risk */
export async function useDefaultPlan(risk) {
  const plan = await rpc('defaultPlan', { risk });
  await addInput(`defaultPlan('${risk}')`, JSON.stringify(plan, null, 2), 'package', 'plan');
  await recompute(new Set(['plan']));
}

/** Forgets every input and result. */
export async function clearInputs() {
  state.inputs = {};
  state.analysis = state.next = state.mismatch = state.status = state.mismatchByArm = null;
  save();
  await recompute(new Set());
}

/**
 * A new live status snapshot (polled): it replaces the plan, state, samples and mismatch files.
 * @param {string} text
 */
export async function setStatus(text, nowMs = Date.now()) {
  state.status = readStatus(JSON.parse(text));
  state.status.nowMs = nowMs; // when it was read (the coordinator's status carries no clock)
  await recompute(new Set(['status']));
}

// ------------------------------------------------------------------------------------------------
// Recomputing what depends on the inputs

/** @param {Kind} kind @returns {any} the input of that kind, parsed, or null */
function json(kind) {
  const v = state.inputs[kind];
  return v ? parseJSON(v.text, v.name) : null;
}

// Recomputations run one after another, in the order asked: a slow analysis of an earlier input
// can never land after (and overwrite) a later one's result.
let recomputeChain = Promise.resolve();
let recomputes = 0;

/**
 * Recomputes what depends on inputs of these kinds (all loaded ones by default).
 * @param {Set<Kind>} [kinds]
 * @param {string[]} [fileErrors] errors of files that could not be added, shown with the rest
 */
export function recompute(kinds, fileErrors = []) {
  recomputeChain = recomputeChain.then(() => recomputeNow(kinds ?? new Set(/** @type {Kind[]} */ (Object.keys(state.inputs))), fileErrors));
  return recomputeChain;
}

/**
 * @param {Set<Kind>} kinds
 * @param {string[]} fileErrors
 */
async function recomputeNow(kinds, fileErrors) {
  emit('inputs', undefined);
  /** @type {string[]} */
  const errors = [];
  // Each step on its own: a bad mismatch report must not hide the canary analysis, and so on.
  /** @param {() => Promise<void>} fn */
  const step = async (fn) => {
    try {
      await fn();
    } catch (e) {
      const err = /** @type {Error & {pointer?: string | null}} */ (e);
      errors.push(err.pointer && !err.message.includes(err.pointer) ? `${err.message} (at ${err.pointer})` : err.message);
    }
  };
  if (/** @type {Kind[]} */ (['samples', 'canaryConfig', 'status', 'plan', 'rollout']).some((k) => kinds.has(k))) {
    await step(analyse);
    await step(decideNext);
  }
  if (kinds.has('mismatch') || kinds.has('status')) await step(loadMismatch);
  state.error = errors[0] ?? null;
  $('data-error').textContent = [...fileErrors, ...errors].join(' · ');
  $('data-notice').textContent = state.notice ?? '';
  emit('changed', undefined);
  document.body.dataset.ready = 'true';
  document.body.dataset.recomputed = String(++recomputes);
}

async function analyse() {
  state.analysis = null; // never show a stale verdict if this one fails
  state.notice = null;
  // A finished rollout's current window is empty (a rollback serves 0%): judging it again says
  // nothing. The evidence is the window the coordinator decided on (views/evidence.js).
  if (state.status?.finished) return;
  const samples = state.inputs.samples;
  const config = state.inputs.canaryConfig ? state.inputs.canaryConfig.text : null;
  const { plan, rstate } = planAndState();
  const args = { config, plan: config ? null : plan, stage: rstate?.stage ?? 0 };
  // A live status (polled or dropped) takes precedence over sample files.
  if (state.status?.judgeInput && (config || plan)) {
    state.analysis = await rpc('analyse', { ...args, samples: state.status.judgeInput }, 'Analysing the live window');
  } else if (samples && (config || plan)) {
    state.analysis = await rpc('analyse', { ...args, samplesText: samples.text, samplesName: samples.name }, 'Analysing canary samples');
  } else if (samples) {
    // Samples alone: read them now, so a broken file is reported at once, and say what is missing.
    const n = await rpc('checkSamples', { text: samples.text, name: samples.name });
    state.notice = `${samples.name}: ${n.metrics.length} metric${n.metrics.length === 1 ? '' : 's'} (${n.metrics.join(', ')}), ${n.baseline.toLocaleString('en-US')} baseline · ${n.canary.toLocaleString('en-US')} canary samples. Load a canary config or a rollout plan to judge them.`;
  }
}

/**
 * The rollout as the inputs describe it: a live status, else the plan and rollout state files.
 * @returns {{plan: Record<string, any> | null, rstate: import('rollgate').RolloutState | null, history: any[], flag: string | null, nowMs: number}}
 */
export function planAndState() {
  const st = state.status;
  const rollout = json('rollout');
  const rstate = st?.state ?? rollout?.state ?? null;
  return {
    plan: st?.plan ?? json('plan') ?? null,
    rstate,
    // the coordinator's decision log (with verdicts) when live, else the state machine's own
    history: st?.history?.length ? st.history : rstate?.history ?? [],
    flag: st ? st.flag : rollout?.flag ?? null,
    // "now" of a saved state is when it was saved; of a live status, when it was read.
    nowMs: st ? st.nowMs : rollout?.asOfMs ?? Date.now(),
  };
}

async function decideNext() {
  const { plan, rstate, nowMs } = planAndState();
  state.next = null;
  if (plan && rstate) {
    try {
      state.next = (await rpc('rollout', { plan, state: rstate, analysis: state.analysis?.verdict ?? null, nowMs })).next;
    } catch (e) {
      state.next = { action: '', reasons: [`next action unavailable: ${e instanceof Error ? e.message : String(e)}`] };
    }
  }
}

async function loadMismatch() {
  state.mismatch = null;
  state.mismatchByArm = null;
  const rep = state.status?.mismatch ?? json('mismatch') ?? null; // a report, or the edge's list of reports
  state.mismatch = rep ? await rpc('mismatch', { report: rep }) : null;
  const arms = Object.entries(state.status?.mismatchByArm ?? {});
  if (arms.length > 1) {
    /** @type {Record<string, import('./state.js').MismatchView>} */
    const by = {};
    for (const [arm, r] of arms) by[arm] = await rpc('mismatch', { report: r });
    state.mismatchByArm = by;
  }
}
