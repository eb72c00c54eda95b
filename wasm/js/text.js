// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// JSON text of an argument (an object, or text as is), shared by every API file that hands JSON
// to the core; its own file so that the flags entry does not load the analysis parts for it.
import { invalidArgument } from './errors.js';

/** `value` as JSON text: a string is passed as is; anything else is serialised. */
export function jsonText(value, name) {
  if (typeof value === 'string') return value;
  if (value === undefined) throw invalidArgument(`${name} is required`, `/${name}`);
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw invalidArgument(`${name} cannot be serialised as JSON: ${e.message}`, `/${name}`);
  }
  if (text === undefined) throw invalidArgument(`${name} cannot be serialised as JSON`, `/${name}`);
  return text;
}
