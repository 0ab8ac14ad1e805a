import { observeDownstream } from '../../sequelize/interceptor-chain';
import type { InterceptorErrorHandler } from '../../sequelize/interceptor-chain';
import type { AuditableModelLike } from '../../sequelize/internal-types';
import type { ModelCall, ModelCallInterceptor } from '../../sequelize/model-call';
import type { AuditConfig } from '../../types';
import type { AuditSettings } from '../audit-settings';
import type { AuditRecorder } from '../recorder';
import { isAuditSuppressed } from '../suppression';
import { ACCESS_ROW_CAP, buildAccessEvents } from './access-records';
import { accessedRowsOf } from './access-rows';
import type { ReadsAudited } from './access-rows';
import { optionsAt, transactionOfCall } from './capture-context';
import type { CallOptions } from './capture-context';
import { DeferredWork } from './deferred-work';

/*
 * Access audit (`audit.models.X = { reads: true }`). On the call path only the keys and field
 * names of the rows returned are read, with the origin (actor, trace, transaction); the
 * records are built and emitted on the next turn, in one batch. They are emitted whatever
 * becomes of the transaction: rows read inside a rolled-back transaction were read all the same.
 */

/** The find methods whose results disclose rows; each captured at the outermost one only. */
const READ_METHODS: ReadonlySet<string> = new Set([
  'findAll',
  'findOne',
  'findByPk',
  'findAndCountAll',
]);

/** Index of the options argument of each read method. */
const OPTIONS_INDEX: Readonly<Record<string, number>> = {
  findAll: 0,
  findOne: 0,
  findByPk: 1,
  findAndCountAll: 0,
};

/**
 * Whether audit has nothing to do with a model call made inside another one: a find, while no
 * model has `reads: true` (writes capture their rows through their own statements and reads).
 */
export function ignoresNestedCall(
  kind: ModelCall['kind'],
  method: string,
  config: AuditConfig | undefined,
): boolean {
  return kind === 'static' && READ_METHODS.has(method) && readModelsOf(config).size === 0;
}

/** Whether an enclosing call is a read captured already (`findByPk` around `findOne`). */
function insideCapturedRead(call: ModelCall): boolean {
  for (let parent = call.parent; parent; parent = parent.parent) {
    if (parent.kind === 'static' && READ_METHODS.has(parent.method)) return true;
  }
  return false;
}

/** The models with `reads: true` in a config, resolved once per config object. */
const readModels = new WeakMap<AuditConfig, ReadonlySet<string>>();

function readModelsOf(config: AuditConfig | undefined): ReadonlySet<string> {
  if (!config?.models) return EMPTY;
  let names = readModels.get(config);
  if (!names) {
    const models = config.models;
    names = new Set(Object.keys(models).filter((name) => models[name]?.reads === true));
    readModels.set(config, names);
  }
  return names;
}

const EMPTY: ReadonlySet<string> = new Set();

/** The model-call interceptor of access audit. */
export function createAccessInterceptor(
  recorder: AuditRecorder,
  config: () => AuditConfig | undefined,
  onError: InterceptorErrorHandler,
): ModelCallInterceptor {
  const deferred = new DeferredWork(onError);
  return (call, next) => {
    if (call.kind !== 'static' || !READ_METHODS.has(call.method)) return next();
    const names = readModelsOf(config());
    if (names.size === 0) return next();
    const settings = recorder.settings;
    if (!settings.enabled || isAuditSuppressed() || insideCapturedRead(call)) return next();
    const readsAudited: ReadsAudited = (model) =>
      names.has(model.name) && settings.auditsModel(model.name);
    const options = optionsAt(call.args, OPTIONS_INDEX[call.method]);
    return observeDownstream(
      next(),
      (result, _error, failed) => {
        if (!failed)
          noteAccess(call, options, result, { recorder, settings, readsAudited, deferred });
      },
      onError,
    );
  };
}

interface AccessDeps {
  readonly recorder: AuditRecorder;
  readonly settings: AuditSettings;
  readonly readsAudited: ReadsAudited;
  readonly deferred: DeferredWork;
}

/** On the call path: what was read, and by whom; the records follow on the next turn. */
function noteAccess(call: ModelCall, options: CallOptions, result: unknown, deps: AccessDeps) {
  const accessed = accessedRowsOf(result, call.model, deps.readsAudited);
  if (accessed.length === 0) return;
  const model = call.model as AuditableModelLike;
  const origin = deps.recorder.originNow(transactionOfCall(model, options));
  const source = { model: call.model, method: call.method, where: options.where };
  const cap = Math.min(ACCESS_ROW_CAP, deps.settings.maxRowsPerStatement);
  deps.deferred.add(() => {
    const events = accessed.flatMap((rows) => buildAccessEvents(rows, origin, source, cap));
    deps.recorder.emit(deps.recorder.admitted(events, origin));
  });
}
