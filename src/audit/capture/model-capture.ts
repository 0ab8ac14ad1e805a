import type { ModelCall, ModelCallInterceptor } from '../../sequelize/model-call';
import { modelInfo } from '../model-info';
import type { AuditRecorder } from '../recorder';
import { isAuditSuppressed } from '../suppression';
import { BULK_SHAPES, captureBulkWrite } from './bulk-capture';
import type { CaptureContext } from './capture-context';
import { captureBulkCreate, captureUpsert } from './create-capture';
import { captureInstanceWrite } from './instance-capture';

type Capture = (
  call: ModelCall,
  next: () => Promise<unknown>,
  capture: CaptureContext,
) => Promise<unknown>;

const bulk =
  (method: keyof typeof BULK_SHAPES): Capture =>
  (call, next, capture) =>
    captureBulkWrite(call, next, capture, BULK_SHAPES[method]);

/**
 * Where each write path is captured. Methods that only delegate are left to the method they
 * delegate to: `create` and `instance.update` to `save`, `decrement` to `increment`,
 * `instance.increment` to `Model.increment`.
 */
const CAPTURES: Readonly<Record<ModelCall['kind'], Readonly<Record<string, Capture>>>> = {
  instance: {
    save: captureInstanceWrite,
    destroy: captureInstanceWrite,
    restore: captureInstanceWrite,
  },
  static: {
    bulkCreate: captureBulkCreate,
    upsert: captureUpsert,
    update: bulk('update'),
    destroy: bulk('destroy'),
    restore: bulk('restore'),
    increment: bulk('increment'),
  },
};

/**
 * Whether Sequelize runs this call on behalf of an enclosing call that is captured already:
 * the `save` inside a paranoid `instance.destroy()` / `restore()`, and the row-by-row saves of
 * `Model.update({ individualHooks: true })`.
 */
function isDelegated(call: ModelCall): boolean {
  const { parent } = call;
  if (!parent || parent.model !== call.model || call.method !== 'save') return false;
  if (parent.kind === 'instance') {
    return (
      parent.instance === call.instance &&
      (parent.method === 'destroy' || parent.method === 'restore')
    );
  }
  return parent.method === 'update';
}

/** The model-call interceptor of the audit side. */
export function createModelInterceptor(recorder: AuditRecorder): ModelCallInterceptor {
  const capture: CaptureContext = { recorder };
  return (call, next) => {
    const chosen = CAPTURES[call.kind][call.method];
    if (!chosen) return next();
    const settings = recorder.settings;
    if (!settings.enabled || isAuditSuppressed() || isDelegated(call)) return next();
    if (!settings.auditsModel(modelInfo(call.model).name)) return next();
    return chosen(call, next, capture);
  };
}
