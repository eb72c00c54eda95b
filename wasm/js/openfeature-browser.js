// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// "rollgate/openfeature" for the browser entry: providers that initialise with browser.js's init().
import { init } from './browser.js';
import { setDefaultInit } from './openfeature.js';

setDefaultInit(init);
export { RollgateProvider, RollgateWebProvider, ProviderEvents } from './openfeature.js';
