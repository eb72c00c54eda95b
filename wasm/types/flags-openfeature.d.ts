// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// "rollgate/flags/openfeature": the OpenFeature providers over the flags-only entry (their default
// init() is rollgate/flags'); the same declarations as "rollgate/openfeature".
export { RollgateProvider, RollgateWebProvider, RollgateProviderOptions, ProviderEvents, ProviderConfig } from './openfeature.js';
