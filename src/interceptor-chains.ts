import type { DiagLogger, Histogram, Meter, Tracer } from '@opentelemetry/api';
import { resolveAuditSettings } from './audit/audit-settings';
import { createAuditWiring } from './audit/wiring';
import type { AuditWiring } from './audit/wiring';
import type { InterceptorErrorHandler } from './sequelize/interceptor-chain';
import type { ModelCallInterceptor, ModelCallInterceptors } from './sequelize/model-call';
import type { QueryInterceptor, QueryInterceptors } from './sequelize/query-call';
import type {
  QueryInterfaceInterceptor,
  QueryInterfaceInterceptors,
} from './sequelize/query-interface-call';
import type { TransactionInterceptor } from './sequelize/transaction-call';
import { createTracingWiring } from './tracing/tracing-wiring';
import type { TracingWiring } from './tracing/tracing-wiring';
import type { SequelizeAuditInstrumentationConfig } from './types';

/** The interceptor chains of the four seams, tracing first (outermost), then audit. */
export interface InterceptorChains {
  model: ModelCallInterceptor[];
  query: QueryInterceptor[];
  transaction: TransactionInterceptor[];
  /** Schema-changing query-interface calls (audit only). */
  queryInterface: QueryInterfaceInterceptor[];
  /**
   * The model and query chains without the audit interceptors, for when audit is disabled:
   * there they only pass the call on, and each level costs closures and calls on every model
   * call and statement. (The transaction chain keeps them: a transaction begun while audit
   * was enabled still needs its held records settled.)
   */
  tracingOnly: { model: ModelCallInterceptor[]; query: QueryInterceptor[] };
  /** Whether a nested model call can skip audit (tracing acts on outermost calls only). */
  auditIgnoresNestedCall: AuditWiring['ignoresNestedCall'];
  tracing: TracingWiring;
  onError: InterceptorErrorHandler;
}

/** What the chains read from the instrumentation, on every use (its config can change). */
export interface InterceptorChainDeps {
  tracer(): Tracer;
  config(): SequelizeAuditInstrumentationConfig;
  meter(): Meter;
  durationHistogram(): Histogram;
  diag: DiagLogger;
}

/** Tracing and audit wired into one set of chains. */
export function createInterceptorChains(deps: InterceptorChainDeps): InterceptorChains {
  const { tracer, config, diag } = deps;
  const onError: InterceptorErrorHandler = (error) =>
    diag.error('an interceptor failed; the Sequelize call went on unchanged', error);
  const tracing = createTracingWiring({
    tracer,
    config,
    durationHistogram: deps.durationHistogram,
    diag,
    parameterRedaction: (modelName) => {
      const { redactor } = resolveAuditSettings(config().audit, diag).fieldsOf(modelName ?? '');
      return (name) => redactor.isRedacted(name);
    },
    auditReads: (call) => {
      const settings = resolveAuditSettings(config().audit, diag);
      return settings.enabled && settings.auditsModel(call.model.name);
    },
  });
  const audit = createAuditWiring({ tracer, config, diag, meter: deps.meter });
  return {
    model: [...tracing.modelInterceptors, ...audit.modelInterceptors],
    query: [...tracing.queryInterceptors, ...audit.queryInterceptors, tracing.driverSuppression],
    transaction: [...tracing.transactionInterceptors, ...audit.transactionInterceptors],
    queryInterface: audit.queryInterfaceInterceptors,
    tracingOnly: {
      model: tracing.modelInterceptors,
      query: [...tracing.queryInterceptors, tracing.driverSuppression],
    },
    auditIgnoresNestedCall: audit.ignoresNestedCall,
    tracing,
    onError,
  };
}

const NO_MODEL_INTERCEPTORS: readonly ModelCallInterceptor[] = [];
const NO_SCHEMA_INTERCEPTORS: readonly QueryInterfaceInterceptor[] = [];

/** The chains a call runs through, chosen per call: with audit off, only tracing's. */
export interface ChainSelectors {
  model: ModelCallInterceptors;
  query: QueryInterceptors;
  queryInterface: QueryInterfaceInterceptors;
}

export function chainSelectors(chains: InterceptorChains, auditOff: () => boolean): ChainSelectors {
  const { tracingOnly } = chains;
  return {
    // Tracing's model interceptors act on the outermost call only: a nested call that audit
    // has nothing to do with (any, with audit off) runs unwrapped.
    model: (nested, kind, method) => {
      if (auditOff()) return nested ? NO_MODEL_INTERCEPTORS : tracingOnly.model;
      return nested && chains.auditIgnoresNestedCall(kind, method)
        ? NO_MODEL_INTERCEPTORS
        : chains.model;
    },
    query: () => (auditOff() ? tracingOnly.query : chains.query),
    queryInterface: () => (auditOff() ? NO_SCHEMA_INTERCEPTORS : chains.queryInterface),
  };
}
