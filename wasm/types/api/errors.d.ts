// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// One part of the package's declarations: index.d.ts re-exports every part (dist/api/).
// --- errors --------------------------------------------------------------------------------------

export interface Problem {
  /** Stable id, e.g. "rollgate.config.204" (docs/errors.md). */
  code: string;
  /** JSON Pointer (RFC 6901) of the offending value; "" is the whole input. */
  pointer: string;
  message: string;
}

/** Every failure of the package: from the C++ core or from argument checks in JS. */
export class RollgateError extends Error {
  readonly name: 'RollgateError';
  /** Stable id, e.g. "rollgate.config.204" (docs/errors.md). */
  readonly code: string;
  /** JSON Pointer (RFC 6901) of the offending value; "" is the whole input. */
  readonly pointer: string;
  /** The first problem's message, without id and pointer. */
  readonly detail: string;
  /** Every problem found, in document order. */
  readonly problems: readonly Problem[];
  constructor(code: string, pointer: string, message: string, extra?: { problems?: Problem[]; cause?: unknown });
}

/** Ids raised by the JS layer itself (docs/errors/js.md). */
export const JsErrorCode: {
  readonly OutOfMemory: 'rollgate.js.801';
  readonly Internal: 'rollgate.js.802';
  readonly NotInitialized: 'rollgate.js.803';
  readonly InvalidArgument: 'rollgate.js.804';
  readonly Disposed: 'rollgate.js.805';
  readonly LoadFailed: 'rollgate.js.806';
};
export type JsErrorCode = (typeof JsErrorCode)[keyof typeof JsErrorCode];
