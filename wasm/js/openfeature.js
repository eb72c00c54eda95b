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
//
// A provider can serve a fixed configuration, or one that stays fresh: give it a FlagSource (or
// `{source: FlagSourceOptions}`, and it makes one once the module is initialised). Then it reports
// the source's life the OpenFeature way (spec, "Events"): PROVIDER_CONFIGURATION_CHANGED for each
// new configuration, PROVIDER_STALE when refreshing has failed for longer than the source's
// staleAfterMs (the last good configuration keeps serving), PROVIDER_READY when it recovers, and
// PROVIDER_ERROR when there is no configuration at all. The SDK itself emits READY or ERROR when
// initialize() settles, so the provider does not. With a bootstrap, initialize() settles with no
// network round trip, so the first evaluation the SDK lets through is already the page's (no flash
// of default values).
import { FlagEvaluator, checkFormatIfLoaded, compile } from './flags.js';
import { FlagSource, SourceStatus } from './source.js';
import { RollgateError } from './errors.js';
import { isInitialized } from './runtime.js';

let defaultInit = null;
/** @internal Set by the environment entry files. */
export function setDefaultInit(fn) {
  defaultInit = fn;
}

const TYPE_OF = { boolean: 'boolean', string: 'string', number: 'number', object: 'json' };

/** OpenFeature's provider event names (the same strings in @openfeature/web-sdk and server-sdk). */
export const ProviderEvents = Object.freeze({
  Ready: 'PROVIDER_READY',
  Error: 'PROVIDER_ERROR',
  ConfigurationChanged: 'PROVIDER_CONFIGURATION_CHANGED',
  Stale: 'PROVIDER_STALE',
});

/**
 * The `events` member the SDKs subscribe to (addHandler / removeHandler): the SDKs' own emitter
 * has this shape; a small one here keeps the package free of a runtime dependency on them.
 */
class ProviderEventEmitter {
  constructor() {
    this._handlers = new Map();
  }

  addHandler(type, handler) {
    if (!this._handlers.has(type)) this._handlers.set(type, new Set());
    this._handlers.get(type).add(handler);
  }

  removeHandler(type, handler) {
    this._handlers.get(type)?.delete(handler);
  }

  removeAllHandlers(type) {
    if (type === undefined) this._handlers.clear();
    else this._handlers.delete(type);
  }

  getHandlers(type) {
    return [...(this._handlers.get(type) || [])];
  }

  /** The SDKs hand their logger to emitters; this one logs nothing. */
  setLogger() {
    return this;
  }

  emit(type, details = {}) {
    for (const h of this.getHandlers(type)) {
      try {
        const r = h(details);
        if (r && typeof r.catch === 'function') r.catch(() => {});
      } catch {
        // A handler's bug must not stop the provider.
      }
    }
  }
}

/** An error as event details: OpenFeature's message and code, rollgate's id and pointer as metadata. */
function errorDetails(e, errorCode = 'GENERAL') {
  const metadata = e instanceof RollgateError ? { code: e.code, pointer: e.pointer } : {};
  return { message: e && e.message ? e.message : String(e), errorCode, metadata };
}

const isSourceOptions = (c) => c !== null && typeof c === 'object' && !(c instanceof FlagEvaluator) && !(c instanceof FlagSource) &&
  Object.prototype.hasOwnProperty.call(c, 'source') && !Object.prototype.hasOwnProperty.call(c, 'flags');

class RollgateProviderBase {
  /**
   * @param {object | string | FlagEvaluator | FlagSource | {source: object}} config a flag
   *   configuration (object or JSON text); an evaluator you compiled yourself or a FlagSource you
   *   made (you keep ownership of either and dispose it); or `{source: FlagSourceOptions}` for a
   *   source the provider makes and closes
   * @param {{init?: (options?: object) => Promise<void>, initOptions?: object, name?: string,
   *   format?: 'rollgate' | 'flagd' | 'flagd-js'}} [options] `format`: the configuration's format, as
   *   compile() takes it (a source made from `{source}` gets it too unless its options name one)
   */
  constructor(config, options = {}) {
    this.metadata = Object.freeze({ name: options.name || 'rollgate' });
    this.hooks = [];
    this.events = new ProviderEventEmitter();
    this._config = config;
    this._ev = config instanceof FlagEvaluator ? config : null;
    this._owned = !this._ev;
    this._source = config instanceof FlagSource ? config : null;
    this._sourceOptions = isSourceOptions(config) ? config.source : null;
    this._ownsSource = !!this._sourceOptions;
    this._unsubscribe = [];
    this._initialized = false;
    this._init = options.init || null;
    this._initOptions = options.initOptions;
    this._compileOptions = options.format === undefined ? undefined : { format: options.format };
    if (this._compileOptions) checkFormatIfLoaded(this._compileOptions);
  }

  /** The source the provider serves from, or null (a fixed configuration). */
  get source() {
    return this._source;
  }

  /** Loads the WebAssembly module (if needed) and compiles the configuration, or waits for the source's first one. */
  async initialize() {
    if (!isInitialized()) {
      const init = this._init || defaultInit;
      if (!init) throw new Error('rollgate is not initialised: import "rollgate" and await init() first');
      await init(this._initOptions);
    }
    if (this._sourceOptions && !this._source) {
      this._source = new FlagSource({ format: this._compileOptions?.format, ...this._sourceOptions });
    }
    if (this._source) {
      this._listen(this._source);
      try {
        await this._source.ready();
      } finally {
        this._initialized = true;
      }
      return;
    }
    if (!this._ev) this._ev = compile(this._config, this._compileOptions);
    this._initialized = true;
  }

  _listen(src) {
    if (this._unsubscribe.length) return;
    this._unsubscribe.push(
      src.on('change', (c) => {
        // The bootstrap or first load before initialize() settled is not a change for the SDK.
        if (!this._initialized) return;
        const ev = src._evaluator;
        this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: ev ? [...ev.flagKeys] : [], metadata: { version: c.version, etag: c.etag || '' } });
      }),
      src.on('stale', (e) => this.events.emit(ProviderEvents.Stale, errorDetails(e))),
      // 'ready' after stale or error: the source recovered.
      src.on('ready', () => {
        if (this._initialized) this.events.emit(ProviderEvents.Ready, {});
      }),
      src.on('error', (e) => {
        if (this._initialized && src.status === SourceStatus.Error) this.events.emit(ProviderEvents.Error, errorDetails(e));
      }),
    );
  }

  /**
   * Replaces the configuration atomically: a config that does not compile throws a RollgateError
   * and leaves the current one serving. (A provider on a source follows the source instead.)
   */
  updateConfig(config) {
    if (this._source) throw new RollgateError('rollgate.js.809', '', 'this provider follows a FlagSource: update the configuration where the source loads it');
    const next = config instanceof FlagEvaluator ? config : compile(config, this._compileOptions);
    const previous = this._ev;
    const previousOwned = this._owned;
    this._ev = next;
    this._owned = !(config instanceof FlagEvaluator);
    this._config = config;
    if (previous && previousOwned && previous !== next) previous.dispose();
    if (this._initialized) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [...next.flagKeys] });
  }

  /** Frees the compiled configuration (only if the provider compiled it) and the source it made. */
  async onClose() {
    for (const off of this._unsubscribe) off();
    this._unsubscribe = [];
    if (this._source && this._ownsSource) this._source.close();
    if (this._ownsSource) this._source = null;
    if (this._ev && this._owned) this._ev.dispose();
    this._ev = null;
    this._initialized = false;
  }

  /** @internal The evaluator in force now (the source's current one: a swap never touches one in use). */
  _current() {
    if (this._source) return this._source.status === SourceStatus.Closed ? null : this._source._evaluator;
    return this._ev;
  }

  /** @internal */
  _resolve(flagKey, defaultValue, context, type) {
    const ev = this._current();
    if (!ev) {
      return { value: defaultValue, reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY', errorMessage: 'rollgate provider is not initialised' };
    }
    let r;
    try {
      // One evaluator for the whole evaluation, even if the source swaps meanwhile.
      r = ev.evaluate(flagKey, context, { expectedType: TYPE_OF[type] });
      if (this._source) this._source._exposed(flagKey, context, r);
    } catch (e) {
      if (e instanceof RollgateError && e.code === 'rollgate.config.250') {
        return { value: defaultValue, reason: 'ERROR', errorCode: 'INVALID_CONTEXT', errorMessage: e.message };
      }
      return { value: defaultValue, reason: 'ERROR', errorCode: 'GENERAL', errorMessage: e && e.message ? e.message : String(e) };
    }
    if (r.errorCode !== undefined) {
      return { value: defaultValue, reason: 'ERROR', errorCode: r.errorCode, errorMessage: r.errorMessage };
    }
    if (r.reason === 'DISABLED') {
      // OpenFeature (and flagd): a flag switched off in the management system resolves to the
      // code default; the offVariation stays what rollgate's own API serves (docs/config.md).
      return { value: defaultValue, reason: 'DISABLED', flagMetadata: { ruleIndex: r.ruleIndex } };
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
