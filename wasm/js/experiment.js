// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// experiment(): a dark launch in the spirit of GitHub's Scientist, for async JavaScript.
// The control's result (or its exception) is always what the caller gets; the candidate runs
// beside it when sampled, its failures never reach the caller, and the two results are compared
// structurally with diff() (or a predicate) and recorded.
import { diff } from './diff.js';
import { inRollout, rateToScale } from './bucket.js';
import { RollgateError, invalidArgument } from './errors.js';

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

async function decide(sample) {
  if (sample === undefined) return true;
  if (typeof sample === 'boolean') return sample;
  if (typeof sample === 'number') {
    if (!(sample >= 0 && sample <= 1)) throw invalidArgument('sample as a number is a rate in [0, 1]', '/sample');
    return Math.random() < sample;
  }
  if (typeof sample === 'function') {
    try {
      return Boolean(await sample());
    } catch {
      return false; // a failing sampler means "do not sample", never a failing caller
    }
  }
  if (sample && typeof sample === 'object' && typeof sample.unit === 'string') {
    // Sticky sampling: the same unit is always in or out, decided on integer buckets as every
    // rollout is (bucket.hpp): the rate becomes coverage by the core's rule, never by rounding.
    let coverage;
    try {
      coverage = rateToScale(sample.rate ?? 1);
    } catch (e) {
      if (!(e instanceof RollgateError)) throw e;
      throw new RollgateError(e.code, '/sample/rate', e.detail); // the same error, located
    }
    return inRollout(sample.unit, sample.salt ?? 'rollgate-experiment', coverage);
  }
  throw invalidArgument('sample must be a boolean, a rate, a function or {unit, rate, salt}', '/sample');
}

/**
 * Runs `control` and, when sampled, `candidate`; returns the control's result (or rethrows its
 * error). The candidate starts together with the control; the caller waits for it at most
 * `timeBudgetMs` after the control finished (default: no wait beyond the control), and a slower
 * candidate is still compared and published when it finishes.
 *
 * @template T
 * @param {{
 *   name?: string,
 *   control: () => T | Promise<T>,
 *   candidate?: () => T | Promise<T>,
 *   sample?: boolean | number | (() => boolean | Promise<boolean>) | {unit: string, rate?: number, salt?: string},
 *   compare?: (control: T, candidate: T) => boolean,
 *   toJSON?: (result: T) => unknown,
 *   options?: object,
 *   report?: import('./diff.js').MismatchReport,
 *   timeBudgetMs?: number,
 *   publish?: (outcome: object) => void,
 * }} spec
 * @returns {Promise<T>}
 */
export async function experiment(spec) {
  if (spec === null || typeof spec !== 'object' || typeof spec.control !== 'function') {
    throw invalidArgument('experiment needs {control: () => result}', '/control');
  }
  const { name = 'experiment', control, candidate, compare, report, publish } = spec;
  const toJSON = spec.toJSON || ((x) => x);
  const budget = spec.timeBudgetMs ?? 0;
  const sampled = typeof candidate === 'function' && (await decide(spec.sample));

  const controlStart = now();
  const controlRun = Promise.resolve().then(control).then(
    (value) => ({ ok: true, value, ms: now() - controlStart }),
    (error) => ({ ok: false, error, ms: now() - controlStart }),
  );
  let side;
  if (sampled) {
    const candidateStart = now();
    const candidateRun = Promise.resolve().then(candidate).then(
      (value) => ({ ok: true, value, ms: now() - candidateStart }),
      (error) => ({ ok: false, error, ms: now() - candidateStart }),
    );
    side = Promise.all([controlRun, candidateRun]).then(([c, k]) => finish(c, k));
  }
  const c = await controlRun;
  if (side) {
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(resolve, Math.max(0, budget)); });
    await Promise.race([side, late]);
    clearTimeout(timer);
  }
  if (!c.ok) throw c.error;
  return c.value;

  function finish(c, k) {
    const outcome = {
      name,
      candidateRan: true,
      controlThrew: !c.ok,
      candidateThrew: !k.ok,
      candidateError: k.ok ? undefined : k.error,
      controlMs: c.ms,
      candidateMs: k.ms,
      slow: budget > 0 && k.ms > budget,
      compared: false,
      matched: false,
      differences: undefined,
      comparisonError: undefined,
    };
    try {
      if (c.ok && k.ok) {
        if (compare) {
          outcome.matched = Boolean(compare(c.value, k.value));
          if (report) report.addVerdict(outcome.matched);
        } else {
          const a = toJSON(c.value);
          const b = toJSON(k.value);
          outcome.differences = report ? report.add(a, b, spec.options) : diff(a, b, spec.options);
          outcome.matched = outcome.differences.equal;
        }
        outcome.compared = true;
      }
    } catch (e) {
      outcome.comparisonError = e;
    }
    try {
      if (report) report.addRun(outcome);
      if (publish) publish(outcome);
    } catch {
      // Recording or publishing failed: the caller's result matters more than the record.
    }
    return outcome;
  }
}
