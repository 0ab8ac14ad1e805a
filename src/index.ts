export { SequelizeAuditInstrumentation } from './instrumentation';
export type * from './types';
export type * from './store/audit-store';
export { registerAuditReceiver } from './audit/receivers';
export type { AuditEventReceiver } from './audit/receivers';
