// node:wasi announces itself as experimental on every thread that uses it; the suite's output
// is not the place for that. Other warnings still show. SPDX-License-Identifier: MIT
const emit = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  if (/WASI is an experimental feature/.test(String(warning && warning.message ? warning.message : warning))) return;
  return emit.call(this, warning, ...rest);
};
