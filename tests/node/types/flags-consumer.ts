// Type-checks "rollgate/flags" and "rollgate/flags/openfeature" as a client uses them, with the
// fast paths (bound contexts, batch forms, Bucketer): tests/node/types.test.mjs compiles it.
import { init, compile, Bucketer, inRollout, BoundContext, type Evaluation, type JsonValue } from 'rollgate/flags';
import { RollgateProvider } from 'rollgate/flags/openfeature';

export async function flagsClient(userId: string): Promise<number> {
  await init();
  const flags = compile({ schemaVersion: 1, flags: [] });
  const ctx = { targetingKey: userId, country: 'DE', groups: ['beta'] };
  const list: Evaluation[] = flags.evaluateAll(ctx, { as: 'array' });
  const byKey: Record<string, Evaluation> = flags.evaluateAll(ctx);
  const values: (JsonValue | undefined)[] = flags.values(ctx);
  const out: Int32Array = flags.variations(ctx, undefined, new Int32Array(flags.flagKeys.length));
  const bound: BoundContext = flags.bind(ctx);
  const one: Evaluation<boolean> = bound.evaluate<boolean>('f', { expectedType: 'boolean' });
  const boundValues = bound.values();
  bound.dispose();
  const b = new Bucketer('new-checkout');
  const share: number = b.bucket(userId);
  const inside: boolean = b.inRollout(userId, 25_000) && inRollout(userId, 'new-checkout', 25_000);
  b.dispose();
  const provider = new RollgateProvider(flags);
  await provider.initialize();
  return list.length + Object.keys(byKey).length + values.length + out.length + boundValues.length + share
    + (inside ? 1 : 0) + (one.value ? 1 : 0);
}
