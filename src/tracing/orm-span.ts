import { context, SpanKind, trace } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { ATTR_DB_COLLECTION_NAME } from '@opentelemetry/semantic-conventions';
import type { TransactionLike } from '../internal-types';
import type { ModelCall, ModelCallInterceptor } from '../model-call';
import { connectionInfo } from './connection-attributes';
import { recordFailure } from './record-error';
import {
  ATTR_SEQUELIZE_CALL_KIND,
  ATTR_SEQUELIZE_METHOD,
  ATTR_SEQUELIZE_MODEL,
} from './span-attributes';
import { tableNameOf } from './statement-shape';
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
  for (const arg of call.args) {
    if (arg && typeof arg === 'object' && 'transaction' in arg) {
      return (arg as { transaction?: TransactionLike | null }).transaction ?? undefined;
    }
  }
  const cls = (
    call.model.sequelize?.constructor as { _cls?: { get(key: string): unknown } } | undefined
  )?._cls;
  return (cls?.get('transaction') as TransactionLike | undefined) ?? undefined;
}

function ormAttributes(call: ModelCall): Attributes {
  const sequelize = call.model.sequelize;
  const attributes: Attributes = sequelize ? { ...connectionInfo(sequelize).attributes } : {};
  attributes[ATTR_DB_COLLECTION_NAME] = tableNameOf(call.model);
  attributes[ATTR_SEQUELIZE_MODEL] = call.model.name;
  attributes[ATTR_SEQUELIZE_METHOD] = call.method;
  attributes[ATTR_SEQUELIZE_CALL_KIND] = call.kind;
  return attributes;
}

/**
 * An INTERNAL span per outermost model call (`User.update`, `user.save`), active while the
 * call runs so its statements nest under it. Nested calls (`create` → `save`) make none.
 */
export function createOrmSpanInterceptor(
  deps: TracingDeps,
  transactions: TransactionTracing,
): ModelCallInterceptor {
  return (call, next) => {
    const config = deps.config();
    const active = context.active();
    if (config.ormSpans === false || call.parent || isTracingSuppressed(active)) return next();
    const parent = transactions.parentContext(active, transactionOfCall(call));
    if (config.requireParentSpan && !trace.getSpan(parent)) return next();
    const span = deps
      .tracer()
      .startSpan(
        ormSpanName(call),
        { kind: SpanKind.INTERNAL, attributes: ormAttributes(call) },
        parent,
      );
    return context.with(trace.setSpan(parent, span), next).then(
      (result) => {
        span.end();
        return result;
      },
      (error: unknown) => {
        recordFailure(span, error);
        span.end();
        throw error;
      },
    );
  };
}
