// rollgate edge — which arm a unit is in under the rollout in force: the one rule every path of
// the worker uses (proxied requests, exposures, and metric events once they arrive), so that a
// unit's requests and its events are always counted in the same arm. SPDX-License-Identifier: MIT
//
// An origin rollout: the core's coverage draw (inRollout) under the rollout's salt. A guarded flag
// rollout (`state.target`): the flag's arm as the core evaluates the served configuration
// (flags-delivery.js flagArm), or null for a unit the targeted serve does not decide.
import * as engine from './engine.js';
import { flagArm } from './flags-delivery.js';

/** 'canary', 'stable', or (flag rollouts only) null: not in the rollout. */
export async function armOf(s, state, unit) {
  if (state.target) return flagArm(s, state, unit);
  return state.coverage > 0 && engine.inCoverage(unit, state.salt, state.coverage) ? 'canary' : 'stable';
}
