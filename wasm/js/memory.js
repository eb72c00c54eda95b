// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Ownership of C++ objects held by JS wrappers: dispose() frees at once, `using` (Symbol.dispose)
// frees at scope exit, and a FinalizationRegistry frees what a forgotten wrapper leaves behind.
// The registry is a safety net only: garbage collection timing is not a memory budget.
import { RollgateError, JsErrorCode } from './errors.js';

const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((release) => { try { release(); } catch { /* module gone */ } })
  : null;

/** Symbol.dispose where the runtime has it (Node 20 may not); a stable stand-in otherwise. */
export const disposeSymbol = typeof Symbol.dispose === 'symbol' ? Symbol.dispose : Symbol.for('nodejs.dispose');

/**
 * @internal Tracks one native resource for `owner`. `release` frees it (called once, either by
 * dispose() or by the registry).
 */
export class Owned {
  constructor(owner, release, what) {
    this.release = release;
    this.what = what;
    this.alive = true;
    if (registry) registry.register(owner, release, this);
  }

  check() {
    if (!this.alive) {
      throw new RollgateError(JsErrorCode.Disposed, '', `this ${this.what} was disposed; it cannot be used any more`);
    }
  }

  dispose() {
    if (!this.alive) return;
    this.alive = false;
    if (registry) registry.unregister(this);
    this.release();
  }
}
