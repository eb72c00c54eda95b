// A canary judged stage by stage, driving the rollout state machine.
// Run: node examples/node/canary.mjs
import { init, judge, defaultPlan, stageCanaryConfig, initialState, nextAction } from 'rollgate';

await init();
const plan = defaultPlan('medium');
let state = initialState({ now: 0 });
const latency = (shift) => Array.from({ length: 1000 }, (_, i) => 100 + (i % 40) + shift);

// Stage 0 after 20 minutes, healthy canary: advance.
let config = stageCanaryConfig(plan, state.stage);
const names = config.metrics.map((m) => m.name);
console.log(`stage 0 gates: ${names.join(', ')}`);
const data = (shift, errors) => ({
  metrics: Object.fromEntries(config.metrics.map((m) => [m.name, m.kind === 'rate' ? { events: errors, total: 100_000 } : latency(shift)])),
});
let analysis = judge(config, data(0, 20), data(0, 21));
let action = nextAction(plan, state, analysis, { now: 20 * 60_000 });
console.log(`healthy canary: ${analysis.decision} -> ${action.action} to ${action.percent}% (stage ${action.stage})`);
state = action.state;

// Stage 1, the canary now errors 30x more often: roll back at once.
config = stageCanaryConfig(plan, state.stage);
analysis = judge(config, data(0, 20), data(0, 600));
action = nextAction(plan, state, analysis, { now: 25 * 60_000 });
console.log(`broken canary: ${analysis.decision} (critical: ${analysis.criticalFailures.join(', ')}) -> ${action.action} to ${action.percent}%`);
console.log(`status: ${action.status}`);
