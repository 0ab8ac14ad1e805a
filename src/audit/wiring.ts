import type { DiagLogger, Tracer } from '@opentelemetry/api';
import type { ModelCallInterceptor } from '../model-call';
import type { QueryInterceptor } from '../query-call';
import type { TransactionInterceptor } from '../transaction-call';
import type { SequelizeAuditInstrumentationConfig } from '../types';

/** What the audit side needs from the instrumentation. */
export interface AuditWiringDeps {
  tracer(): Tracer;
  config(): SequelizeAuditInstrumentationConfig;
  diag: DiagLogger;
}

/** The interceptors through which audit capture joins the patched Sequelize methods. */
export interface AuditWiring {
  modelInterceptors: ModelCallInterceptor[];
  queryInterceptors: QueryInterceptor[];
  transactionInterceptors: TransactionInterceptor[];
}

/** Builds the audit interceptors. Audit capture itself lives in the other files of this folder. */
export function createAuditWiring(_deps: AuditWiringDeps): AuditWiring {
  return { modelInterceptors: [], queryInterceptors: [], transactionInterceptors: [] };
}
