import type { Attributes } from '@opentelemetry/api';
import type {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_SUMMARY,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import type { ModelCall } from '../sequelize/model-call';
import type { StatementShape } from '../sequelize/sql/statement-shape';
import type { ConnectionInfo } from './connection-attributes';
import { metricAttributes } from './metrics';
import type {
  ATTR_SEQUELIZE_CALL_KIND,
  ATTR_SEQUELIZE_METHOD,
  ATTR_SEQUELIZE_MODEL,
} from './span-attributes';

/*
 * The attributes a statement span starts with, built as one object literal of fixed keys.
 * Literal keys (not the computed `[ATTR_...]` ones, nor a spread of a shared object plus the
 * text) give every such object one hidden class made from a boilerplate: a spread followed by
 * a computed key made a dictionary-mode object, which the SDK then copies twice with `for in`
 * (its `sanitizeAttributes`), about four times slower in all. Keys whose value is absent hold
 * `undefined`, which the SDK skips. The type below checks the keys against the constants.
 */

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const KEYS_ARE_THE_CONVENTIONS: [
  Same<typeof ATTR_DB_SYSTEM_NAME, 'db.system.name'>,
  Same<typeof ATTR_DB_NAMESPACE, 'db.namespace'>,
  Same<typeof ATTR_SERVER_ADDRESS, 'server.address'>,
  Same<typeof ATTR_SERVER_PORT, 'server.port'>,
  Same<typeof ATTR_DB_OPERATION_NAME, 'db.operation.name'>,
  Same<typeof ATTR_DB_QUERY_SUMMARY, 'db.query.summary'>,
  Same<typeof ATTR_DB_COLLECTION_NAME, 'db.collection.name'>,
  Same<typeof ATTR_SEQUELIZE_MODEL, 'sequelize.model.name'>,
  Same<typeof ATTR_SEQUELIZE_METHOD, 'sequelize.method'>,
  Same<typeof ATTR_SEQUELIZE_CALL_KIND, 'sequelize.method.kind'>,
  Same<typeof ATTR_DB_QUERY_TEXT, 'db.query.text'>,
] = [true, true, true, true, true, true, true, true, true, true, true];
void KEYS_ARE_THE_CONVENTIONS;

/** What every statement of one shape on one connection shares. */
export interface ShapeAttributes {
  readonly connection: ConnectionInfo;
  readonly shape: StatementShape;
  /** The metric attributes of a statement of this shape that succeeded. */
  readonly metric: Readonly<Attributes>;
}

const attributesByShape = new WeakMap<StatementShape, ShapeAttributes>();

function describeShape(shape: StatementShape, connection: ConnectionInfo): ShapeAttributes {
  const metric = Object.freeze(metricAttributes(statementAttributes(shape, connection)));
  return { connection, shape, metric };
}

/** Built once per shared shape and connection; anew for a shape read from the text. */
export function shapeAttributes(
  shape: StatementShape,
  connection: ConnectionInfo,
): ShapeAttributes {
  if (!shape.shared) return describeShape(shape, connection);
  let cached = attributesByShape.get(shape);
  if (cached?.connection !== connection) {
    cached = describeShape(shape, connection);
    attributesByShape.set(shape, cached);
  }
  return cached;
}

/**
 * A statement span's attributes: its connection and shape, the model call it belongs to when
 * that call has no ORM span of its own (`modelCall`), and its text.
 */
export function statementAttributes(
  shape: StatementShape,
  connection: ConnectionInfo,
  modelCall?: ModelCall,
  text?: string,
): Attributes {
  return {
    'db.system.name': connection.dbSystem,
    'db.namespace': connection.namespace || undefined,
    'server.address': connection.serverAddress,
    'server.port': connection.serverPort,
    'db.operation.name': shape.operation,
    'db.query.summary': shape.summary,
    'db.collection.name': shape.collection,
    'sequelize.model.name': modelCall?.model.name,
    'sequelize.method': modelCall?.method,
    'sequelize.method.kind': modelCall?.kind,
    'db.query.text': text,
  };
}
