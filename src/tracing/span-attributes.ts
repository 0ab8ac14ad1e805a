/*
 * Names of this package's own span attributes (ORM and transaction spans); the db.* and
 * audit.* names live in ../semconv.ts and the stable conventions.
 */
export const ATTR_SEQUELIZE_MODEL = 'sequelize.model.name';
export const ATTR_SEQUELIZE_METHOD = 'sequelize.method';
export const ATTR_SEQUELIZE_CALL_KIND = 'sequelize.method.kind';
export const ATTR_TRANSACTION_ID = 'sequelize.transaction.id';
export const ATTR_TRANSACTION_ISOLATION_LEVEL = 'sequelize.transaction.isolation_level';
export const ATTR_TRANSACTION_TYPE = 'sequelize.transaction.type';
export const ATTR_TRANSACTION_READ_ONLY = 'sequelize.transaction.read_only';
export const ATTR_TRANSACTION_SAVEPOINT = 'sequelize.transaction.savepoint';
export const ATTR_TRANSACTION_OUTCOME = 'sequelize.transaction.outcome';

/** The name of every transaction span (savepoints included). */
export const TRANSACTION_SPAN_NAME = 'transaction';
