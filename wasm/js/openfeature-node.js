// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// "rollgate/openfeature" for the node entry: providers that initialise with node.js's init().
import { init } from './node.js';
import { setDefaultInit } from './openfeature.js';

setDefaultInit(init);
export { RollgateProvider, RollgateWebProvider, ProviderEvents } from './openfeature.js';
