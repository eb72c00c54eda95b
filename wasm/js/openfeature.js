// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// OpenFeature providers: an app already on OpenFeature switches to rollgate with one line,
//   OpenFeature.setProvider(new RollgateProvider(config))          // @openfeature/server-sdk
//   OpenFeature.setProvider(new RollgateWebProvider(config))       // @openfeature/web-sdk
// Reasons (STATIC, TARGETING_MATCH, SPLIT, DISABLED, DEFAULT, ERROR) and error codes
// (FLAG_NOT_FOUND, TYPE_MISMATCH, PARSE_ERROR, TARGETING_KEY_MISSING, GENERAL) are OpenFeature's
// own vocabulary, so they map one to one; the variant is the variation's key.
//
// The providers implement the SDKs' Provider interfaces structurally and import neither SDK, so
// the package has no runtime dependency on them. Each environment's entry (openfeature-node.js,
// openfeature-browser.js, openfeature-workerd.js) registers that environment's init().
import { FlagEvaluator, compile } from './flags.js';
import { RollgateError } from './errors.js';
import { isInitialized } from './runtime.js';

let defaultInit = null;
/** @internal Set by the environment entry files. */
export function setDefaultInit(fn) {
  defaultInit = fn;
}

const TYPE_OF = { boolean: 'boolean', string: 'string', number: 'number', object: 'json' };

class RollgateProviderBase {
  /**
   * @param {object | string | FlagEvaluator} config a flag configuration (object or JSON text), or
   *   an evaluator you compiled yourself (then you keep ownership and dispose it)
   * @param {{init?: (options?: object) => Promise<void>, initOptions?: object, name?: string}} [options]
   */
  constructor(config, options = {}) {
    this.metadata = Object.freeze({ name: options.name || 'rollgate' });
    this.hooks = [];
    this._config = config;
    this._owned = !(config instanceof FlagEvaluator);
    this._ev = config instanceof FlagEvaluator ? config : null;
    this._init = options.init || null;
    this._initOptions = options.initOptions;
  }

  /** Loads the WebAssembly module (if needed) and compiles the configuration. */
  async initialize() {
    if (!isInitialized()) {
      const init = this._init || defaultInit;
      if (!init) throw new Error('rollgate is not initialised: import "rollgate" and await init() first');
      await init(this._initOptions);
    }
    if (!this._ev) this._ev = compile(this._config);
  }

  /**
   * Replaces the configuration atomically: a config that does not compile throws a RollgateError
   * and leaves the current one serving.
   */
  updateConfig(config) {
    const next = config instanceof FlagEvaluator ? config : compile(config);
    const previous = this._ev;
    const previousOwned = this._owned;
    this._ev = next;
    this._owned = !(config instanceof FlagEvaluator);
    this._config = config;
    if (previous && previousOwned && previous !== next) previous.dispose();
  }

  /** Frees the compiled configuration (only if the provider compiled it). */
  async onClose() {
    if (this._ev && this._owned) this._ev.dispose();
    this._ev = null;
  }

  /** @internal */
  _resolve(flagKey, defaultValue, context, type) {
    const ev = this._ev;
    if (!ev) {
      return { value: defaultValue, reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY', errorMessage: 'rollgate provider is not initialised' };
    }
    let r;
    try {
      r = ev.evaluate(flagKey, context, { expectedType: TYPE_OF[type] });
    } catch (e) {
      if (e instanceof RollgateError && e.code === 'rollgate.config.250') {
        return { value: defaultValue, reason: 'ERROR', errorCode: 'INVALID_CONTEXT', errorMessage: e.message };
      }
      return { value: defaultValue, reason: 'ERROR', errorCode: 'GENERAL', errorMessage: e && e.message ? e.message : String(e) };
    }
    if (r.errorCode !== undefined) {
      return { value: defaultValue, reason: 'ERROR', errorCode: r.errorCode, errorMessage: r.errorMessage };
    }
    const out = { value: r.value, variant: r.variant, reason: r.reason, flagMetadata: { ruleIndex: r.ruleIndex } };
    if (type === 'object' && r.value !== null && typeof r.value === 'object') out.value = structuredCloneSafe(r.value);
    return out;
  }
}

// Object values are cached frozen inside the evaluator; OpenFeature callers may mutate what
// they get, so they receive a copy.
function structuredCloneSafe(v) {
  return typeof structuredClone === 'function' ? structuredClone(v) : JSON.parse(JSON.stringify(v));
}

/** Provider for @openfeature/server-sdk (dynamic context: one context per evaluation). */
export class RollgateProvider extends RollgateProviderBase {
  constructor(config, options) {
    super(config, options);
    this.runsOn = 'server';
  }

  resolveBooleanEvaluation(flagKey, defaultValue, context) {
    return Promise.resolve(this._resolve(flagKey, defaultValue, context, 'boolean'));
  }

  resolveStringEvaluation(flagKey, defaultValue, context) {
    return Promise.resolve(this._resolve(flagKey, defaultValue, context, 'string'));
  }

  resolveNumberEvaluation(flagKey, defaultValue, context) {
    return Promise.resolve(this._resolve(flagKey, defaultValue, context, 'number'));
  }

  resolveObjectEvaluation(flagKey, defaultValue, context) {
    return Promise.resolve(this._resolve(flagKey, defaultValue, context, 'object'));
  }
}

/**
 * Provider for @openfeature/web-sdk (static context: the SDK passes the app's current context;
 * evaluation is synchronous, as the web SDK requires).
 */
export class RollgateWebProvider extends RollgateProviderBase {
  constructor(config, options) {
    super(config, options);
    this.runsOn = 'client';
  }

  /** Nothing to prefetch: evaluation is local and takes well under a microsecond. */
  onContextChange() {}

  resolveBooleanEvaluation(flagKey, defaultValue, context) {
    return this._resolve(flagKey, defaultValue, context, 'boolean');
  }

  resolveStringEvaluation(flagKey, defaultValue, context) {
    return this._resolve(flagKey, defaultValue, context, 'string');
  }

  resolveNumberEvaluation(flagKey, defaultValue, context) {
    return this._resolve(flagKey, defaultValue, context, 'number');
  }

  resolveObjectEvaluation(flagKey, defaultValue, context) {
    return this._resolve(flagKey, defaultValue, context, 'object');
  }
}
