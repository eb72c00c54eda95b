// Feature flags: compile a configuration once, evaluate per request.
// Run: node examples/node/flags.mjs   (npm test diffs its output with flags.output)
import { readFileSync } from 'node:fs';
import { init, compile, Reason } from 'rollgate';

await init();
const config = JSON.parse(readFileSync(new URL('../configs/storefront.json', import.meta.url), 'utf8'));
const evaluator = compile(config); // holds WASM memory: dispose() at the end

const now = Date.parse('2026-11-26T12:00:00Z'); // fixed so the output is stable
for (const name of ['anonymous', 'mobile-beta', 'staff']) {
  const context = JSON.parse(readFileSync(new URL(`../contexts/${name}.json`, import.meta.url), 'utf8'));
  const checkout = evaluator.evaluate('checkout-redesign', context, { now });
  console.log(`${name}: checkout-redesign = ${checkout.value} (${checkout.variant}, ${checkout.reason}${checkout.reason === Reason.TargetingMatch ? ` rule ${checkout.ruleIndex}` : ''})`);
  // Every flag at once: one call into WebAssembly.
  const all = evaluator.evaluateAll(context, { now });
  console.log(`  all: ${Object.entries(all).map(([k, v]) => `${k}=${JSON.stringify(v.value)}`).join(' ')}`);
}

const missing = evaluator.evaluate('no-such-flag', { targetingKey: 'user-1' });
console.log(`unknown flag: reason ${missing.reason}, errorCode ${missing.errorCode}`);
evaluator.dispose();
