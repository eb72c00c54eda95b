// rollgate edge — what the edge measures, in one place: the requests it serves (the core's
// REQUEST_METRICS), the origins' Server-Timing names it collects (timing.js) and the metric events it
// accepts (events.js). Which of a plan's gated metrics those are is the core's decision
// (measurableFrom); the coordinator refuses a plan gating on anything else, with its pointer
// (rollgate.plan.613), and feeds the judge exactly these. SPDX-License-Identifier: MIT
import * as engine from './engine.js';

/** The worker's sources for the core's measurableFrom. */
export function edgeSources(s) {
  return { requests: true, serverTiming: s.serverTiming || [], events: s.events || [] };
}

/** The plan's gated metrics the edge measures (for validatePlan and restrictPlan). */
export function measurable(plan, s) {
  return engine.measurableFrom(plan, edgeSources(s));
}

/** The plan's gated metrics measured from events (their data is the arm's unit summary). */
export function eventMetrics(plan, s) {
  if (!s.events || !s.events.length) return [];
  return engine.measurableFrom(plan, { requests: false, serverTiming: [], events: s.events });
}
