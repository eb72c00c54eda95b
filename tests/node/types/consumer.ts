// A TypeScript consumer of every public API, type-checked by `tsc --strict --noEmit` in npm test
// (tests/node/types.test.mjs). It resolves "rollgate" through the package's own exports map, so
// it checks what a user's editor would see. It is compiled, never run.
import {
  init, isInitialized, version, RollgateError, JsErrorCode,
  BUCKET_SCALE, BucketOutput, bucket, bucketBatch, bucketDraws, bucketOf, inRollout, pickVariant, percentToScale, rateToScale, xxh3,
  Reason, ErrorCode, FlagType, compile, validateFlags, type Evaluation, type EvaluationContext, type FlagEvaluator,
  stats, Alternative, Method, NanPolicy, QuantileSketch, mannWhitneyU,
  Decision, ActionKind, Risk, judge, validateCanaryConfig, defaultPlan, validatePlan, stageCanaryConfig, initialState, nextAction,
  DifferenceKind, ArrayMode, diff, diffText, diffResponses, validateDiffOptions, MismatchReport, experiment,
  type DiffResult, type Analysis, FlagSource,
} from 'rollgate';
import { RollgateProvider, RollgateWebProvider, ProviderEvents } from 'rollgate/openfeature';
import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';
import { OpenFeature as WebOpenFeature, ProviderEvents as WebProviderEvents } from '@openfeature/web-sdk';

export async function main(wasm: WebAssembly.Module, bytes: Uint8Array): Promise<void> {
  await init();
  await init({ module: wasm });
  await init({ wasmBinary: bytes });
  await init({ url: new URL('https://cdn.example/rollgate.wasm') });
  await init({ locateFile: (name) => `/assets/${name}` });
  const ready: boolean = isInitialized();
  const v: string = version();

  // bucketing
  const f: number = bucket('user-42', 'new-checkout');
  const fr: Float64Array = bucketBatch(['a', 'b'], 'salt');
  const cb: Uint32Array = bucketBatch(['a', 'b'], 'salt', { output: BucketOutput.CoverageBucket });
  const ic: Uint8Array = bucketBatch(['a'], 'salt', { output: 'inCoverage', coverage: BUCKET_SCALE / 10 });
  const d = bucketDraws('u', 's');
  const h: bigint = d.coverageHash;
  const b: number = bucketOf(h, BUCKET_SCALE);
  const inside: boolean = inRollout('u', 's', 12_500);
  const variant: number = pickVariant('u', 's', [50_000, 50_000]);
  const coverage: number = percentToScale(12.5) + rateToScale(0.125);
  const x: bigint = xxh3('bytes', 1n);

  // flags
  const ev: FlagEvaluator = compile({ schemaVersion: 1, flags: [] });
  const ctx: EvaluationContext = { targetingKey: 'u', country: 'DE', age: 31, beta: true, groups: ['a'], since: new Date() };
  const e: Evaluation<boolean> = ev.evaluate<boolean>('flag', ctx, { now: Date.now(), expectedType: FlagType.Boolean });
  if (e.reason === Reason.Error && e.errorCode === ErrorCode.FlagNotFound) console.log(e.errorMessage);
  const all: Record<string, Evaluation> = ev.evaluateAll(ctx, { now: new Date() });
  const keys: readonly string[] = ev.flagKeys;
  const clock: boolean = ev.usesClock;
  ev.dispose();
  {
    using scoped = compile('{"schemaVersion":1,"flags":[]}');
    scoped.evaluate('x');
  }
  for (const p of validateFlags('{}')) console.log(p.code, p.pointer, p.message);

  // errors
  try {
    compile('{');
  } catch (err) {
    if (err instanceof RollgateError) {
      const code: string = err.code;
      const pointer: string = err.pointer;
      console.log(code, pointer, err.problems.length, err.code === JsErrorCode.Disposed);
    }
  }

  // statistics
  const mw = stats.mannWhitneyU([1, 2, 3], new Float64Array([4, 5]), { alternative: Alternative.Greater, method: Method.Auto, useContinuity: true, nanPolicy: NanPolicy.Omit });
  const p: number = mw.pValue + mannWhitneyU([1], [2]).statistic;
  stats.welchT([1, 2], [3, 4], { alternative: 'less' });
  stats.welchTFromStats({ count: 10, mean: 1, variance: 1 }, { count: 10, mean: 2, variance: 1 });
  stats.proportionsZ({ successes: 1, trials: 10 }, { successes: 2, trials: 10 });
  const fe = stats.fisherExact([[1, 2], [3, 4]]);
  const or: number = fe.oddsRatio;
  stats.srm([5023, 4977], [50, 50]);
  stats.chisquare([1, 2], [1.5, 1.5]);
  stats.hodgesLehmann([1, 2], [3, 4], { confidence: 0.9 });
  const seq = stats.sequentialMeanTest({ count: 100, mean: 1, variance: 1 }, [1, 2, 3], { alpha: 0.05, previousPValue: 1 });
  const rej: boolean = seq.reject;
  stats.sequentialProportionTest({ successes: 1, trials: 10 }, { successes: 2, trials: 10 });
  const qs: number[] = stats.quantiles([1, 2, 3], [0.5, 0.9]);
  stats.summarize([1, 2, 3]).variance.toFixed(2);
  const sk = new QuantileSketch({ relativeAccuracy: 0.01 }).add(1).addAll([2, 3]);
  sk.merge(new stats.QuantileSketch());
  const p99: number = sk.quantile(0.99);
  const wire: string = JSON.stringify(sk);
  QuantileSketch.fromJSON(wire).dispose();
  QuantileSketch.fromBase64(sk.toBase64()).dispose();
  sk.dispose();

  // canary and rollout
  const a: Analysis = judge({ metrics: [] }, { metrics: {} }, '{"metrics":{}}');
  if (a.decision === Decision.Rollback) console.log(a.criticalFailures);
  validateCanaryConfig({ metrics: [] });
  const plan = defaultPlan(Risk.Medium);
  validatePlan(plan);
  stageCanaryConfig(plan, 0);
  const state = initialState({ now: new Date() });
  const act = nextAction(plan, state, a, { now: Date.now() });
  if (act.action === ActionKind.Advance) console.log(act.percent, act.state.stage);

  // diff and experiments
  const dr: DiffResult = diff({ a: 1 }, { a: 2 }, { paths: [{ path: '/ts', ignore: true }, { path: '/items', arrays: ArrayMode.Keyed, key: 'id' }], maxDifferences: 10 });
  if (dr.differences[0]?.kind === DifferenceKind.ValueChanged) console.log(dr.differences[0].path);
  diffText('1', '2');
  validateDiffOptions({});
  diffResponses({ status: 200, headers: new Headers(), body: '{}' }, { status: 200, headers: [['a', 'b']], body: new Uint8Array() });
  const report = new MismatchReport({ maxPaths: 100 });
  report.add({ a: 1 }, { a: 2 });
  report.addNoise({ a: 1 }, { a: 1 });
  for (const verdict of report.judge({ significance: 0.01 })) if (verdict.real) console.log(verdict.field);
  MismatchReport.fromJSON(report.toJSON()).dispose();
  const served: { total: number } = await experiment({
    name: 'cart',
    control: async () => ({ total: 1 }),
    candidate: () => ({ total: 2 }),
    sample: { unit: 'user-42', rate: 0.1 },
    report,
    timeBudgetMs: 50,
    publish: (o) => console.log(o.matched, o.differences?.equal),
  });
  report.dispose();

  // OpenFeature: one line each
  await ServerOpenFeature.setProviderAndWait(new RollgateProvider({ schemaVersion: 1, flags: [] }));
  const enabled: boolean = await ServerOpenFeature.getClient().getBooleanValue('flag', false, { targetingKey: 'u' });
  await WebOpenFeature.setProviderAndWait(new RollgateWebProvider('{"schemaVersion":1,"flags":[]}', { name: 'rollgate-web' }));
  const label: string = WebOpenFeature.getClient().getStringValue('label', 'x');
  // Providers that stay fresh: a source you own, or the options of one the provider makes.
  const source = new FlagSource({ url: '/__rollgate/flags', bootstrap: { schemaVersion: 1, flags: [] }, exposures: '/__rollgate/exposures' });
  await ServerOpenFeature.setProviderAndWait(new RollgateProvider(source));
  const live = new RollgateWebProvider({ source: { url: '/__rollgate/flags', intervalMs: 5000 } });
  // flagd definitions through a provider and a source; flagd contexts nest objects.
  const flagdSource = new FlagSource({ url: '/flags.flagd.json', format: 'flagd' });
  await ServerOpenFeature.setProviderAndWait(new RollgateProvider(flagdSource, { format: 'flagd' }));
  const nested: EvaluationContext = { targetingKey: 'u', user: { plan: 'pro', org: { id: 7 } } };
  flagdSource.evaluate('flag', nested);
  await WebOpenFeature.setProviderAndWait(live);
  const changed: 'PROVIDER_CONFIGURATION_CHANGED' = ProviderEvents.ConfigurationChanged;
  WebOpenFeature.getClient().addHandler(WebProviderEvents.ConfigurationChanged, (d) => console.log(d?.flagsChanged, changed, live.source?.status));

  console.log(ready, v, f, fr, cb, ic, b, inside, variant, coverage, clock, x, all, keys, p, or, rej, qs, p99, served, enabled, label);
}
