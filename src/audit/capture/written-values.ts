import { activeModelCall } from '../../sequelize/model-call';
import type { ModelCall } from '../../sequelize/model-call';
import type { SequelizeLike } from '../../sequelize/internal-types';
import type { RawRow } from '../row-diff';

/*
 * The values `Model.update` wrote, as Sequelize finally wrote them (after validation, setters,
 * the user's hooks and the `updatedAt` stamp), so the rows after a bulk update can be derived
 * from the rows read before it instead of being read again. Sequelize shows them only to
 * `afterBulkUpdate` hooks (`options.attributes`): one universal hook per Sequelize instance
 * hands them to the model call that is waiting for them. It runs after the user's own hooks
 * and changes nothing they see.
 */

const HOOK_NAME = 'otel-sequelize-audit:written-values';

interface HookableSequelize extends SequelizeLike {
  addHook(type: string, name: string, fn: (options: { attributes?: RawRow }) => void): unknown;
}

const hooked = new WeakSet<object>();
const awaiting = new WeakMap<ModelCall, RawRow | undefined>();

/** Starts listening for the values that this `Model.update` call writes. */
export function awaitWrittenValues(call: ModelCall, sequelize: SequelizeLike): void {
  ensureHook(sequelize as HookableSequelize);
  awaiting.set(call, undefined);
}

/** The values the call wrote, by attribute name; undefined when Sequelize ran no hooks. */
export function takeWrittenValues(call: ModelCall): RawRow | undefined {
  const values = awaiting.get(call);
  awaiting.delete(call);
  return values;
}

function ensureHook(sequelize: HookableSequelize): void {
  if (hooked.has(sequelize)) return;
  hooked.add(sequelize);
  sequelize.addHook('afterBulkUpdate', HOOK_NAME, (options) => {
    const call = activeModelCall();
    if (call && awaiting.has(call) && options.attributes)
      awaiting.set(call, { ...options.attributes });
  });
}
