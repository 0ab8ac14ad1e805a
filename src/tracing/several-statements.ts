import type { ModelCall } from '../sequelize/model-call';

/*
 * Which model calls can issue more than one statement, decided from the method and its
 * arguments before the call runs. Only those get an ORM span by default: the span of a call
 * that issues one statement would only repeat its single child, at the cost of a whole span.
 */

/** Always several statements: a read and a write, a count and a read, a schema walk. */
const ALWAYS_SEVERAL: ReadonlySet<string> = new Set([
  'findOrCreate',
  'findCreateFind',
  'findAndCountAll',
  'sync',
  'drop',
]);

/** Where each method's options argument is, by call kind. */
const OPTIONS_INDEX: Readonly<Record<ModelCall['kind'], Readonly<Record<string, number>>>> = {
  static: {
    findAll: 0,
    findOne: 0,
    findByPk: 1,
    findOrBuild: 0,
    create: 1,
    bulkCreate: 1,
    update: 1,
    destroy: 0,
    restore: 0,
  },
  instance: { save: 0, update: 1, reload: 0 },
};

/** Static writes the audit side may read rows around (pre-reads, reads back). */
export const AUDIT_READ_METHODS: ReadonlySet<string> = new Set([
  'bulkCreate',
  'upsert',
  'update',
  'destroy',
  'restore',
  'increment',
  'decrement',
]);

interface IncludeLike {
  readonly separate?: unknown;
  readonly include?: unknown;
}

/** Whether an `include` option, at any depth, loads an association with its own statement. */
function includesSeparately(include: unknown): boolean {
  if (Array.isArray(include)) return include.some(includesSeparately);
  if (!include || typeof include !== 'object') return false;
  const entry = include as IncludeLike;
  return entry.separate === true || includesSeparately(entry.include);
}

interface SeveralStatementOptions {
  readonly include?: unknown;
  readonly individualHooks?: unknown;
}

function optionsOf(call: ModelCall): SeveralStatementOptions | undefined {
  const index = OPTIONS_INDEX[call.kind][call.method];
  if (index === undefined) return undefined;
  const options = call.args[index];
  return options && typeof options === 'object' ? (options as SeveralStatementOptions) : undefined;
}

/**
 * Whether `call` can issue more than one statement: `findOrCreate`, `findAndCountAll`, `sync`,
 * finders with a `separate` include, writes that save associations (`include`), bulk writes with
 * `individualHooks`, and (`auditReads`) static writes whose audit capture reads rows.
 */
export function mayIssueSeveralStatements(
  call: ModelCall,
  auditReads: (call: ModelCall) => boolean,
): boolean {
  if (call.kind === 'static' && ALWAYS_SEVERAL.has(call.method)) return true;
  const options = optionsOf(call);
  if (options) {
    const reads = call.method.startsWith('find') || call.method === 'reload';
    if (reads ? includesSeparately(options.include) : options.include !== undefined) return true;
    if (call.kind === 'static' && options.individualHooks === true) return true;
  }
  if (call.method === 'reload' && call.instance) {
    // reload() reads with the includes the instance was loaded with.
    const loaded = (call.instance as { _options?: { include?: unknown } })._options;
    if (includesSeparately(loaded?.include)) return true;
  }
  return call.kind === 'static' && AUDIT_READ_METHODS.has(call.method) && auditReads(call);
}
