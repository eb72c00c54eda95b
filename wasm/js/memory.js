// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Ownership of C++ objects held by JS wrappers: dispose() frees at once, `using` (Symbol.dispose)
// frees at scope exit, and a FinalizationRegistry frees what a forgotten wrapper leaves behind.
// The registry is a safety net only: garbage collection timing is not a memory budget.
import { RollgateError, JsErrorCode } from './errors.js';

// The registry holds each resource's release strongly until its owner is collected, so what it
// holds must not reach the owner: an Embind handle is held as itself (released by handle.delete()),
// and a release function must not be a closure that can reach the owner. A closure made inside
// the owner's constructor shares that constructor's scope with every other closure made there; one
// that uses `this` (an arrow function in forEach, say) makes the release keep the owner alive, and
// the owner is then never reclaimed (issue 12, defect 4).
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((held) => {
    try {
      if (typeof held === 'function') held(); else held.delete();
    } catch { /* module gone */ }
  })
  : null;

/** Symbol.dispose where the runtime has it (Node 20 may not); a stable stand-in otherwise. */
export const disposeSymbol = typeof Symbol.dispose === 'symbol' ? Symbol.dispose : Symbol.for('nodejs.dispose');

/**
 * @internal Tracks one native resource for `owner`: `resource` is an Embind handle (freed with its
 * delete()) or a function that frees it, called once, either by dispose() or by the registry.
 * Prefer the handle: then nothing the registry holds can reach the owner.
 */
export class Owned {
  constructor(owner, resource, what) {
    this.release = typeof resource === 'function' ? resource : () => resource.delete();
    this.what = what;
    this.alive = true;
    if (registry) registry.register(owner, resource, this);
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
