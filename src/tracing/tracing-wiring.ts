import type { DiagLogger, Histogram, Tracer } from '@opentelemetry/api';
import type { AsyncMethod } from '../sequelize/internal-types';
import type { ModelCall, ModelCallInterceptor } from '../sequelize/model-call';
import type { QueryInterceptor } from '../sequelize/query-call';
import type { TransactionInterceptor } from '../sequelize/transaction-call';
import type { SequelizeAuditInstrumentationConfig } from '../types';
import { createDriverSpanSuppression } from './driver-suppression';
import { createOrmSpanInterceptor } from './orm-span';
import { createQuerySpanInterceptor } from './query-span';
import { TransactionTracing } from './transaction-span';

/** What the tracing side needs from the instrumentation; read lazily so `setConfig()` applies. */
export interface TracingDeps {
  tracer(): Tracer;
  config(): SequelizeAuditInstrumentationConfig;
  /** The `db.client.operation.duration` histogram, recreated when the meter provider changes. */
  durationHistogram(): Histogram;
  diag: DiagLogger;
  /**
   * Which parameter names of a model's statements are masked in `db.query.parameter.*`
   * (the audit redaction rules, handed in so that tracing does not depend on audit).
   */
  parameterRedaction(modelName: string | undefined): (name: string) => boolean;
  /**
   * Whether the audit side reads rows around this static write (pre-reads, reads back), which
   * makes it a call of several statements that gets an ORM span.
   */
  auditReads(call: ModelCall): boolean;
}

/** The tracing interceptors (outermost) and the innermost driver-span suppression. */
export interface TracingWiring {
  modelInterceptors: ModelCallInterceptor[];
  queryInterceptors: QueryInterceptor[];
  transactionInterceptors: TransactionInterceptor[];
  /** Runs last, right around the driver call. */
  driverSuppression: QueryInterceptor;
  /** Replacement of `Sequelize.prototype.transaction`: managed callbacks run in the span. */
  wrapManagedTransaction: (original: AsyncMethod) => AsyncMethod;
}

export function createTracingWiring(deps: TracingDeps): TracingWiring {
  const transactions = new TransactionTracing(deps);
  return {
    modelInterceptors: [createOrmSpanInterceptor(deps, transactions)],
    queryInterceptors: [createQuerySpanInterceptor(deps, transactions)],
    transactionInterceptors: [transactions.interceptor],
    driverSuppression: createDriverSpanSuppression(deps.config),
    wrapManagedTransaction: transactions.wrapManagedTransaction,
  };
}
