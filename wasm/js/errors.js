// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// RollgateError: every failure of the package, from the C++ core or from the JS layer, is one of
// these, with the stable id of docs/errors.md as `code` and the JSON Pointer of the bad value.

/** Ids raised by the JS layer itself (docs/errors/js.md). */
export const JsErrorCode = Object.freeze({
  OutOfMemory: 'rollgate.js.801',
  Internal: 'rollgate.js.802',
  NotInitialized: 'rollgate.js.803',
  InvalidArgument: 'rollgate.js.804',
  Disposed: 'rollgate.js.805',
  LoadFailed: 'rollgate.js.806',
});

export class RollgateError extends Error {
  /**
   * @param {string} code stable id, e.g. "rollgate.config.204"
   * @param {string} pointer JSON Pointer of the offending value ("" for the whole input)
   * @param {string} message what is wrong
   * @param {{problems?: Array<{code: string, pointer: string, message: string}>, cause?: unknown}} [extra]
   */
  constructor(code, pointer, message, extra = {}) {
    const problems = extra.problems && extra.problems.length
      ? extra.problems
      : [{ code, pointer, message }];
    let text = `[${code}] ${pointer ? `${pointer}: ` : ''}${message}`;
    if (problems.length > 1) {
      text += ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`;
    }
    super(text, extra.cause !== undefined ? { cause: extra.cause } : undefined);
    this.name = 'RollgateError';
    /** Stable id (docs/errors.md). */
    this.code = code;
    /** JSON Pointer (RFC 6901) of the offending value; "" is the whole input. */
    this.pointer = pointer;
    /** The message without id and pointer. */
    this.detail = message;
    /** Every problem found, in document order (the first is this error's own). */
    this.problems = problems;
  }
}

/** @internal Builds a RollgateError from the core's error JSON. */
export function errorFromCore(json) {
  const problems = (json.problems || []).map((p) => ({ code: p.code, pointer: p.pointer, message: p.message }));
  return new RollgateError(json.code, json.pointer, json.message, { problems });
}

/** @internal */
export function invalidArgument(message, pointer = '') {
  return new RollgateError(JsErrorCode.InvalidArgument, pointer, message);
}
