// Type-checks the rollout state machine and flag delivery APIs as a client uses them (see
// consumer.ts for the rest of the package): tests/node/types.test.mjs compiles it with tsc --strict.
import {
  ActionKind, RolloutStatus, Command, defaultPlan, restrictPlan, validatePlan, startRollout, rolloutStep,
  applyCommand, settleRollout, nextAction, inRollout, FlagSource, SourceStatus, MismatchReport,
  type RolloutAction, type RolloutState, type SrmCheck, type Plan,
} from 'rollgate';

export async function rolloutClient(userId: string): Promise<boolean> {
  const { plan, dropped }: { plan: Plan; dropped: string[] } = restrictPlan(defaultPlan('medium'), ['errorRate', 'latency']);
  validatePlan(plan, { measurable: ['errorRate', 'latency'] });
  let state: RolloutState = startRollout(plan, { now: 0, reason: 'go' }).state;
  const step = rolloutStep(plan, state, { baseline: { metrics: {} }, canary: { metrics: {} }, units: { stable: 9, canary: 1 } }, { announceMs: 5000 });
  const srm: SrmCheck = step.srm;
  const act: RolloutAction = step.action;
  if (act.action === ActionKind.Rollback || act.status === RolloutStatus.RolledBack) state = act.state;
  const settled: RolloutAction | null = settleRollout(plan, state, { now: Date.now() });
  state = applyCommand(plan, settled ? settled.state : state, Command.Pause, { reason: 'freeze' }).state;
  const held = nextAction(plan, state, step.analysis, { now: 1, units: { stable: 1, canary: 1 }, srmAlpha: 0.001 });
  const report = new MismatchReport();
  report.addResponses({ status: 200, headers: [['content-type', 'application/json']], body: '{}' }, { status: 200, body: new Uint8Array(2) }, null, { headers: { ignore: ['date'] } });
  report.dispose();

  const source = new FlagSource({ url: '/__rollgate/flags', refresh: 'stream', bootstrap: { schemaVersion: 1, flags: [] } });
  const off = source.on('change', (c) => console.log(c.version, c.etag, c.source));
  source.on('error', (e) => console.log(e.code, e.pointer));
  await source.ready();
  const fresh: boolean = source.status === SourceStatus.Ready;
  const on: boolean = source.evaluate<boolean>('new-checkout', { targetingKey: userId }).value === true;
  off();
  source.close();
  console.log(dropped, srm.failed, held.servingCoverage, fresh);
  return on && inRollout(userId, 'new-checkout', act.servingCoverage);
}
