// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// "rollgate/flags/openfeature" for the workerd entry: providers that initialise with workerd.js's init().
import { init } from './flags-workerd.js';
import { setDefaultInit } from './openfeature.js';

setDefaultInit(init);
export { RollgateProvider, RollgateWebProvider, ProviderEvents } from './openfeature.js';
