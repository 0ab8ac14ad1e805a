import { context, SpanKind, trace } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { ATTR_DB_COLLECTION_NAME } from '@opentelemetry/semantic-conventions';
import type { TransactionLike } from '../sequelize/internal-types';
import type { ModelCall, ModelCallInterceptor } from '../sequelize/model-call';
import { connectionInfo } from './connection-attributes';
import { clsTransactionOf } from '../sequelize/cls-transaction';
import { observeDownstream } from '../sequelize/interceptor-chain';
import type { SettlementObserver } from '../sequelize/interceptor-chain';
import { recordFailure } from './record-error';
import {
  ATTR_SEQUELIZE_CALL_KIND,
  ATTR_SEQUELIZE_METHOD,
  ATTR_SEQUELIZE_MODEL,
} from './span-attributes';
import { tableNameOf } from '../sequelize/sql/statement-shape';
import { mayIssueSeveralStatements } from './several-statements';
import type { TransactionTracing } from './transaction-span';
import type { TracingDeps } from './tracing-wiring';

/** `User.findAll` for a static call, `user.save` for an instance call. */
export function ormSpanName(call: ModelCall): string {
  const name = call.model.name;
  const owner = call.kind === 'static' ? name : name.charAt(0).toLowerCase() + name.slice(1);
  return `${owner}.${call.method}`;
}

/** The transaction a model call runs in: `options.transaction`, else the CLS one. */
function transactionOfCall(call: ModelCall): TransactionLike | undefined {
  // From the end: the options come last, and a values object may hold a `transaction` field.
  for (let index = call.args.length - 1; index >= 0; index -= 1) {
    const arg = call.args[index];
    if (arg && typeof arg === 'object' && 'transaction' in arg) {
      return (arg as { transaction?: TransactionLike | null }).transaction ?? undefined;
    }
  }
  return clsTransactionOf(call.model.sequelize);
}

/** Name and attributes of the span of one method of one model: the same for every call. */
interface OrmSpanTemplate {
  readonly name: string;
  readonly attributes: Attributes;
}

const templates: Record<
  ModelCall['kind'],
  WeakMap<ModelCall['model'], Map<string, OrmSpanTemplate>>
> = { static: new WeakMap(), instance: new WeakMap() };

function ormSpanTemplate(call: ModelCall): OrmSpanTemplate {
  const byModel = templates[call.kind];
  let byMethod = byModel.get(call.model);
  if (!byMethod) {
    byMethod = new Map();
    byModel.set(call.model, byMethod);
  }
  const key = call.method;
  let template = byMethod.get(key);
  if (!template) {
    const sequelize = call.model.sequelize;
    const attributes: Attributes = sequelize ? { ...connectionInfo(sequelize).attributes } : {};
    attributes[ATTR_DB_COLLECTION_NAME] = tableNameOf(call.model);
    attributes[ATTR_SEQUELIZE_MODEL] = call.model.name;
    attributes[ATTR_SEQUELIZE_METHOD] = call.method;
    attributes[ATTR_SEQUELIZE_CALL_KIND] = call.kind;
    template = { name: ormSpanName(call), attributes };
    byMethod.set(key, template);
  }
  return template;
}

/** The outermost model calls that have an ORM span. */
const spannedCalls = new WeakSet<ModelCall>();

/**
 * The model call whose `sequelize.*` attributes a statement of `modelCall` carries: the
 * outermost one (the application's call), unless that call has an ORM span that says them.
 */
export function unspannedModelCall(modelCall: ModelCall | undefined): ModelCall | undefined {
  if (!modelCall) return undefined;
  let outermost = modelCall;
  while (outermost.parent) outermost = outermost.parent;
  return spannedCalls.has(outermost) ? undefined : outermost;
}

/**
 * An INTERNAL span per outermost model call that can issue several statements (`User.findOrCreate`,
 * an audited `User.update`), or per every outermost call with `ormSpans: 'all'`; active while
 * the call runs so its statements nest under it. Nested calls (`create` → `save`) make none.
 */
export function createOrmSpanInterceptor(
  deps: TracingDeps,
  transactions: TransactionTracing,
): ModelCallInterceptor {
  const onError = (error: unknown) => deps.diag.error('ending a model call span failed', error);
  return (call, next) => {
    // Nested calls (findByPk → findOne → findAll) are the common case: decide them first.
    if (call.parent) return next();
    const config = deps.config();
    const active = context.active();
    const { ormSpans } = config;
    if (ormSpans === false || isTracingSuppressed(active)) return next();
    if (ormSpans !== 'all' && !mayIssueSeveralStatements(call, deps.auditReads)) return next();
    const parent = transactions.parentContext(active, transactionOfCall(call));
    if (config.requireParentSpan && !trace.getSpan(parent)) return next();
    const { name, attributes } = ormSpanTemplate(call);
    const span = deps.tracer().startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
    spannedCalls.add(call);
    const endSpan: SettlementObserver = (_result, error, failed) => {
      try {
        if (failed) recordFailure(span, error);
      } finally {
        span.end();
      }
    };
    return observeDownstream(context.with(trace.setSpan(parent, span), next), endSpan, onError);
  };
}
