import type { DiagLogger, Meter, Tracer } from '@opentelemetry/api';
import type { ModelCall, ModelCallInterceptor } from '../sequelize/model-call';
import type { QueryInterceptor } from '../sequelize/query-call';
import type { QueryInterfaceInterceptor } from '../sequelize/query-interface-call';
import type { TransactionInterceptor } from '../sequelize/transaction-call';
import type { SequelizeAuditInstrumentationConfig } from '../types';
import { resolveAuditSettings } from './audit-settings';
import { createAccessInterceptor, ignoresNestedCall } from './capture/access-capture';
import { createModelInterceptor } from './capture/model-capture';
import { createQueryInterceptor } from './capture/query-capture';
import { SchemaCapture } from './capture/schema-capture';
import { AuditRecorder } from './recorder';
import { RecordPolicies } from './record-hooks';
import { createTransactionInterceptor } from './transaction-capture';

/** What the audit side needs from the instrumentation. */
export interface AuditWiringDeps {
  tracer(): Tracer;
  config(): SequelizeAuditInstrumentationConfig;
  diag: DiagLogger;
  /** The instrumentation's meter (skipped records, `audit.capture.fallbacks`), asked on every use. */
  meter(): Meter;
}

/** The interceptors through which audit capture joins the patched Sequelize methods. */
export interface AuditWiring {
  modelInterceptors: ModelCallInterceptor[];
  /** Whether a model call made inside another one can skip the audit interceptors. */
  ignoresNestedCall(kind: ModelCall['kind'], method: string): boolean;
  queryInterceptors: QueryInterceptor[];
  transactionInterceptors: TransactionInterceptor[];
  /** Schema changes made through the query interface (`sync`, migrations). */
  queryInterfaceInterceptors: QueryInterfaceInterceptor[];
}

/** Builds the audit interceptors. Audit capture itself lives in the other files of this folder. */
export function createAuditWiring(deps: AuditWiringDeps): AuditWiring {
  const recorder = new AuditRecorder({
    tracer: deps.tracer,
    settings: () => resolveAuditSettings(deps.config().audit, deps.diag),
    policies: new RecordPolicies({
      config: () => deps.config().audit,
      diag: deps.diag,
      meter: deps.meter,
    }),
    diag: deps.diag,
    meter: deps.meter,
  });
  const onError = (error: unknown) =>
    deps.diag.error('audit capture failed; the Sequelize call went on unchanged', error);
  const schema = new SchemaCapture(recorder, onError);
  return {
    modelInterceptors: [
      createModelInterceptor(recorder),
      createAccessInterceptor(recorder, () => deps.config().audit, onError),
    ],
    ignoresNestedCall: (kind, method) => ignoresNestedCall(kind, method, deps.config().audit),
    queryInterceptors: [createQueryInterceptor(recorder, schema)],
    transactionInterceptors: [createTransactionInterceptor(recorder, deps.diag)],
    queryInterfaceInterceptors: [schema.interceptor],
  };
}
