import type { Histogram } from '@opentelemetry/api';
import type { InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
} from '@opentelemetry/instrumentation';
import {
  alreadyLoadedSequelize,
  queryMethodOf,
  SEQUELIZE_PACKAGES,
} from './sequelize/loaded-sequelize';
import type {
  AsyncMethod,
  PatchableMethods,
  SequelizeModuleLike,
} from './sequelize/internal-types';
import {
  MODEL_INSTANCE_METHODS,
  MODEL_STATIC_METHODS,
  wrapInstanceModelMethod,
  wrapStaticModelMethod,
} from './sequelize/model-call';
import { wrapQuery } from './sequelize/query-call';
import { unpatchQueryInterfaces, wrapGetQueryInterface } from './sequelize/query-interface-call';
import { chainSelectors, createInterceptorChains } from './interceptor-chains';
import type { InterceptorChains } from './interceptor-chains';
import { createDurationHistogram } from './tracing/metrics';
import { TRANSACTION_STEPS, wrapTransactionStep } from './sequelize/transaction-call';
import type { SequelizeAuditInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

/** The Sequelize versions this instrumentation patches: `sequelize` 6, `@sequelize/core` 7. */
export const SUPPORTED_SEQUELIZE_VERSIONS = SEQUELIZE_PACKAGES.map(
  ({ name, versions }) => `${name} ${versions.join(' || ')}`,
);

/**
 * The database drivers Sequelize 6 and 7 load when an application creates a Sequelize
 * instance (`new Sequelize()`), before its first statement: their loading is when every copy
 * of `sequelize` (or `@sequelize/core`) the application uses must be patched.
 */
const SEQUELIZE_DRIVERS = ['pg', 'mysql2', 'mariadb', 'sqlite3', 'tedious', 'oracledb', 'ibm_db'];

// Captured at load: a test's fake timers must not stop the check after a driver loads.
const realSetImmediate = setImmediate;

/**
 * OpenTelemetry instrumentation for Sequelize: a span per SQL statement, per model call and
 * per transaction, and an audit record per changed row.
 *
 * `sequelize` is patched when it loads, or at `enable()` when the application had already
 * required it: either load order works. (Driver instrumentations such as pg still need the SDK
 * started first, so starting it at the top of the entry file remains the safe habit.)
 *
 * @example
 * new NodeSDK({ instrumentations: [new SequelizeAuditInstrumentation({ audit: { redact: [/token/i] } })] })
 */
export class SequelizeAuditInstrumentation extends InstrumentationBase<SequelizeAuditInstrumentationConfig> {
  // Declared only: the base constructor calls init() and enable() before field initializers
  // would run, and an initializer would wipe what enable() set.
  declare private _chains?: InterceptorChains;
  declare private _durationHistogram?: Histogram;
  /** `sequelize` modules loaded before enable() or past the hook, patched directly. */
  declare private _preloaded?: SequelizeModuleLike[];
  /** Every `sequelize` module patched now, by the load hook or directly. */
  declare private _patchedModules?: Set<SequelizeModuleLike>;
  declare private _driverCheckPending?: boolean;
  declare private _warnedNothingPatched?: boolean;
  /** Modules patched through `instrument()`. */
  declare private _handedOver?: Set<SequelizeModuleLike>;

  constructor(config: SequelizeAuditInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    const sequelizes = SEQUELIZE_PACKAGES.map(({ name, versions }) => {
      const definition: InstrumentationModuleDefinition = new InstrumentationNodeModuleDefinition(
        name,
        [...versions],
        (moduleExports: SequelizeModuleLike) => this._patch(moduleExports),
        (moduleExports: SequelizeModuleLike) => this._unpatch(moduleExports),
      );
      // Sequelize 7 is in alpha: its versions are prereleases.
      definition.includePrerelease = true;
      return definition;
    });
    const drivers = SEQUELIZE_DRIVERS.map(
      (driver) =>
        new InstrumentationNodeModuleDefinition(driver, ['*'], (moduleExports: unknown) => {
          this._afterDriverLoaded(driver);
          return moduleExports;
        }),
    );
    return [...sequelizes, ...drivers];
  }

  protected override _updateMetricInstruments(): void {
    this._durationHistogram = createDurationHistogram(this.meter);
  }

  private _histogram(): Histogram {
    this._durationHistogram ??= createDurationHistogram(this.meter);
    return this._durationHistogram;
  }

  /**
   * Patches on load, and also patches a `sequelize` the application required before this
   * instrumentation was enabled (which the load hook never sees).
   */
  override enable(): void {
    super.enable();
    this._patchLoadedCopies('sequelize was loaded before the instrumentation');
  }

  override disable(): void {
    super.disable();
    for (const moduleExports of this._preloaded ?? []) this._unpatch(moduleExports);
    this._preloaded = undefined;
    for (const handed of this._handedOver ?? []) this._unpatch(handed);
    this._handedOver = undefined;
  }

  /**
   * Patches the `sequelize` (6) or `@sequelize/core` (7) module you hand over. Needed where require hooks do not reach:
   * test runners with a module registry of their own (Jest, Vitest), which load `sequelize`
   * without going through Node's loader. Elsewhere the instrumentation patches `sequelize` by
   * itself. Idempotent; `disable()` unpatches it.
   *
   * @example
   * // jest.setup.js (setupFiles), after the SDK is started
   * instrumentation.instrument(require('sequelize'));
   */
  instrument(moduleExports: object): void {
    this._handedOver ??= new Set();
    this._handedOver.add(this._patch(moduleExports as SequelizeModuleLike));
  }

  /**
   * Patches every copy of `sequelize` in the module cache that is not patched yet: one loaded
   * before enable(), or from a path the load hook does not recognise (a linked workspace
   * package). Returns how many it patched.
   */
  private _patchLoadedCopies(why: string): number {
    let patched = 0;
    for (const { entry, moduleExports } of alreadyLoadedSequelize()) {
      if (isWrapped(moduleExports.Sequelize.prototype[queryMethodOf(moduleExports)])) continue;
      this._diag.debug(`${why}; patching ${entry} now`);
      this._preloaded = [...(this._preloaded ?? []), this._patch(moduleExports)];
      patched += 1;
    }
    return patched;
  }

  /**
   * A database driver loaded. Sequelize loads it in `new Sequelize()`, before the instance's
   * first statement, so this is when every copy of `sequelize` in the module cache is patched
   * (also one the load hook missed: a linked package whose real path has no `node_modules`).
   * If, once the current synchronous work is done, no copy at all is patched, the
   * application's statements cannot be traced or audited, and that is said once.
   */
  private _afterDriverLoaded(driver: string): void {
    if (!this.isEnabled()) return;
    this._patchLoadedCopies(`the ${driver} driver loaded`);
    if (this._driverCheckPending || this._warnedNothingPatched) return;
    this._driverCheckPending = true;
    realSetImmediate(() => {
      this._driverCheckPending = false;
      if (!this.isEnabled() || this._warnedNothingPatched) return;
      this._patchLoadedCopies(`the ${driver} driver loaded`);
      if ((this._patchedModules?.size ?? 0) > 0) return;
      this._warnedNothingPatched = true;
      this._diag.warn(
        `the ${driver} driver was loaded, but no sequelize module (${SUPPORTED_SEQUELIZE_VERSIONS.join(
          ', ',
        )}) was found to patch: no statement is traced or audited. Load sequelize 6 or @sequelize/core 7 with ` +
          'require() or import after the instrumentation is registered, or call enable() ' +
          'again once it is loaded.',
      );
    }).unref();
  }

  private _interceptorChains(): InterceptorChains {
    this._chains ??= createInterceptorChains({
      tracer: () => this.tracer,
      config: () => this.getConfig(),
      meter: () => this.meter,
      durationHistogram: () => this._histogram(),
      diag: this._diag,
    });
    return this._chains;
  }

  private _patch(moduleExports: SequelizeModuleLike): SequelizeModuleLike {
    const { Sequelize, Model, Transaction } = moduleExports;
    if (!Sequelize?.prototype || !Model || !Transaction?.prototype) {
      this._diag.warn('sequelize module has an unexpected shape; not patched');
      return moduleExports;
    }
    const chains = this._interceptorChains();
    const { onError } = chains;
    this._patchedModules ??= new Set();
    this._patchedModules.add(moduleExports);
    const select = chainSelectors(chains, () => this.getConfig().audit?.enabled === false);
    const queryMethod = queryMethodOf(moduleExports);
    this._ensureWrapped(Sequelize.prototype, queryMethod, wrapQuery(select.query, onError));
    this._ensureWrapped(Sequelize.prototype, 'transaction', chains.tracing.wrapManagedTransaction);
    this._ensureWrapped(
      Sequelize.prototype,
      'getQueryInterface',
      wrapGetQueryInterface(select.queryInterface, onError) as (
        original: AsyncMethod,
      ) => AsyncMethod,
    );
    for (const method of MODEL_STATIC_METHODS) {
      this._ensureWrapped(Model, method, wrapStaticModelMethod(method, select.model, onError));
    }
    for (const method of MODEL_INSTANCE_METHODS) {
      const wrapper = wrapInstanceModelMethod(method, select.model, onError);
      this._ensureWrapped(Model.prototype, method, wrapper);
    }
    for (const [method, action] of Object.entries(TRANSACTION_STEPS)) {
      const wrapper = wrapTransactionStep(action, chains.transaction, onError);
      this._ensureWrapped(Transaction.prototype, method, wrapper);
    }
    return moduleExports;
  }

  private _unpatch(moduleExports: SequelizeModuleLike): void {
    this._patchedModules?.delete(moduleExports);
    const { Sequelize, Model, Transaction } = moduleExports;
    if (!Sequelize?.prototype || !Model || !Transaction?.prototype) return;
    this._unwrapIfWrapped(Sequelize.prototype, queryMethodOf(moduleExports));
    this._unwrapIfWrapped(Sequelize.prototype, 'transaction');
    this._unwrapIfWrapped(Sequelize.prototype, 'getQueryInterface');
    unpatchQueryInterfaces();
    for (const method of MODEL_STATIC_METHODS) this._unwrapIfWrapped(Model, method);
    for (const method of MODEL_INSTANCE_METHODS) this._unwrapIfWrapped(Model.prototype, method);
    for (const method of Object.keys(TRANSACTION_STEPS)) {
      this._unwrapIfWrapped(Transaction.prototype, method);
    }
  }

  /** Wraps `target[name]`, first unwrapping an earlier wrapper, so patching is idempotent. */
  private _ensureWrapped(
    target: PatchableMethods,
    name: string,
    wrapper: (original: AsyncMethod) => AsyncMethod,
  ): void {
    if (typeof target[name] !== 'function') {
      this._diag.debug(`sequelize has no method ${name}; not patched`);
      return;
    }
    this._unwrapIfWrapped(target, name);
    this._wrap(target, name, wrapper);
  }

  private _unwrapIfWrapped(target: PatchableMethods, name: string): void {
    if (isWrapped(target[name])) this._unwrap(target, name);
  }
}
