import type { Histogram } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
} from '@opentelemetry/instrumentation';
import { resolveAuditSettings } from './audit/audit-settings';
import { createAuditWiring } from './audit/wiring';
import { alreadyLoadedSequelize } from './sequelize/loaded-sequelize';
import type { InterceptorErrorHandler } from './sequelize/interceptor-chain';
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
import type { ModelCallInterceptor } from './sequelize/model-call';
import { wrapQuery } from './sequelize/query-call';
import type { QueryInterceptor } from './sequelize/query-call';
import { createDurationHistogram } from './tracing/metrics';
import { createTracingWiring } from './tracing/tracing-wiring';
import type { TracingWiring } from './tracing/tracing-wiring';
import { TRANSACTION_STEPS, wrapTransactionStep } from './sequelize/transaction-call';
import type { TransactionInterceptor } from './sequelize/transaction-call';
import type { SequelizeAuditInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

/** The Sequelize versions this instrumentation patches. */
export const SUPPORTED_SEQUELIZE_VERSIONS = ['>=6 <7'];

/** The interceptor chains of the three seams, tracing first (outermost), then audit. */
interface InterceptorChains {
  model: ModelCallInterceptor[];
  query: QueryInterceptor[];
  transaction: TransactionInterceptor[];
  /**
   * The model and query chains without the audit interceptors, for when audit is disabled:
   * there they only pass the call on, and each level costs closures and calls on every model
   * call and statement. (The transaction chain keeps them: a transaction begun while audit
   * was enabled still needs its held records settled.)
   */
  tracingOnly: { model: ModelCallInterceptor[]; query: QueryInterceptor[] };
  tracing: TracingWiring;
  onError: InterceptorErrorHandler;
}

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
  /** A `sequelize` module loaded before enable(), patched directly rather than on load. */
  declare private _preloaded?: SequelizeModuleLike;

  constructor(config: SequelizeAuditInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return new InstrumentationNodeModuleDefinition(
      'sequelize',
      SUPPORTED_SEQUELIZE_VERSIONS,
      (moduleExports: SequelizeModuleLike) => this._patch(moduleExports),
      (moduleExports: SequelizeModuleLike) => this._unpatch(moduleExports),
    );
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
    if (this._preloaded) return;
    const loaded = alreadyLoadedSequelize();
    if (!loaded || isWrapped(loaded.Sequelize?.prototype?.query)) return;
    this._diag.debug('sequelize was loaded before the instrumentation; patching it now');
    this._preloaded = this._patch(loaded);
  }

  override disable(): void {
    super.disable();
    if (this._preloaded) this._unpatch(this._preloaded);
    this._preloaded = undefined;
  }

  private _interceptorChains(): InterceptorChains {
    if (this._chains) return this._chains;
    const tracer = () => this.tracer;
    const onError: InterceptorErrorHandler = (error) =>
      this._diag.error('an interceptor failed; the Sequelize call went on unchanged', error);
    const config = () => this.getConfig();
    const tracing = createTracingWiring({
      tracer,
      config,
      durationHistogram: () => this._histogram(),
      diag: this._diag,
      parameterRedaction: (modelName) => {
        const { redactor } = resolveAuditSettings(config().audit, this._diag).fieldsOf(
          modelName ?? '',
        );
        return (name) => redactor.isRedacted(name);
      },
      auditReads: (call) => {
        const settings = resolveAuditSettings(config().audit, this._diag);
        return settings.enabled && settings.auditsModel(call.model.name);
      },
    });
    const audit = createAuditWiring({ tracer, config, diag: this._diag, meter: () => this.meter });
    this._chains = {
      model: [...tracing.modelInterceptors, ...audit.modelInterceptors],
      query: [...tracing.queryInterceptors, ...audit.queryInterceptors, tracing.driverSuppression],
      transaction: [...tracing.transactionInterceptors, ...audit.transactionInterceptors],
      tracingOnly: {
        model: tracing.modelInterceptors,
        query: [...tracing.queryInterceptors, tracing.driverSuppression],
      },
      tracing,
      onError,
    };
    return this._chains;
  }

  private _patch(moduleExports: SequelizeModuleLike): SequelizeModuleLike {
    const { Sequelize, Model, Transaction } = moduleExports;
    if (!Sequelize?.prototype || !Model || !Transaction?.prototype) {
      this._diag.warn('sequelize module has an unexpected shape; not patched');
      return moduleExports;
    }
    const chains = this._interceptorChains();
    const { onError, tracingOnly } = chains;
    const auditOff = () => this.getConfig().audit?.enabled === false;
    const modelChain = () => (auditOff() ? tracingOnly.model : chains.model);
    const queryChain = () => (auditOff() ? tracingOnly.query : chains.query);
    this._ensureWrapped(Sequelize.prototype, 'query', wrapQuery(queryChain, onError));
    this._ensureWrapped(Sequelize.prototype, 'transaction', chains.tracing.wrapManagedTransaction);
    for (const method of MODEL_STATIC_METHODS) {
      this._ensureWrapped(Model, method, wrapStaticModelMethod(method, modelChain, onError));
    }
    for (const method of MODEL_INSTANCE_METHODS) {
      const wrapper = wrapInstanceModelMethod(method, modelChain, onError);
      this._ensureWrapped(Model.prototype, method, wrapper);
    }
    for (const [method, action] of Object.entries(TRANSACTION_STEPS)) {
      const wrapper = wrapTransactionStep(action, chains.transaction, onError);
      this._ensureWrapped(Transaction.prototype, method, wrapper);
    }
    return moduleExports;
  }

  private _unpatch(moduleExports: SequelizeModuleLike): void {
    const { Sequelize, Model, Transaction } = moduleExports;
    if (!Sequelize?.prototype || !Model || !Transaction?.prototype) return;
    this._unwrapIfWrapped(Sequelize.prototype, 'query');
    this._unwrapIfWrapped(Sequelize.prototype, 'transaction');
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
