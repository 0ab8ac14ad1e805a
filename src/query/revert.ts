import { REDACTED_MARKER } from '../semconv';
import { ENCRYPTED_VALUE, ERASED_VALUE } from '../store/keys/personal-cipher';
import { sameValue } from './record-key';
import type { RevertPlan, RowState, RowValues } from './trail-types';

/** Values the trail holds in place of the real one: masked, keyed hash, truncated. */
const STAND_IN = /^hmac-sha256:[0-9a-f]{64}$|^\[truncated: \d+ bytes\]$/;

const HAS_VALUES = new Set(['present', 'soft_deleted']);

/**
 * What to write so that the row goes from `current` back to `target`. `changedSince` names the
 * fields that records after the target version changed: a field the trail holds only as a
 * stand-in (redacted, hashed, truncated) may look equal on both sides though its value moved, so
 * such a field is planned (with its stand-in) and listed in `unrecoverableFields`.
 */
export function planRevert(
  current: RowState,
  target: RowState,
  toVersion: number,
  changedSince: ReadonlySet<string> = new Set(),
): RevertPlan {
  const plan = { table: current.table, recordId: current.recordId, toVersion, current, target };
  const targetValues = HAS_VALUES.has(target.status) ? (target.lastValues ?? {}) : null;
  const currentValues = HAS_VALUES.has(current.status) ? (current.lastValues ?? {}) : null;
  if (!targetValues) {
    const action = currentValues ? 'delete' : 'none';
    return { ...plan, action, values: {}, unrecoverableFields: [] };
  }
  if (!currentValues) {
    return { ...plan, action: 'insert', ...withRecoverability({ ...targetValues }) };
  }
  const values = changedValues(currentValues, targetValues, changedSince);
  const restoring = current.status === 'soft_deleted' && target.status === 'present';
  const action = restoring ? 'restore' : Object.keys(values).length > 0 ? 'update' : 'none';
  return { ...plan, action, ...withRecoverability(values) };
}

/**
 * Target values of the fields that differ, and of the stand-ins whose field changed since;
 * fields the target never had are left alone.
 */
function changedValues(
  current: RowValues,
  target: RowValues,
  changedSince: ReadonlySet<string>,
): RowValues {
  const values: RowValues = {};
  for (const [field, value] of Object.entries(target)) {
    const hidden = isStandIn(value) || isStandIn(current[field]);
    if (!sameValue(current[field], value) || (hidden && changedSince.has(field))) {
      values[field] = value;
    }
  }
  return values;
}

function withRecoverability(values: RowValues): Pick<RevertPlan, 'values' | 'unrecoverableFields'> {
  const unrecoverableFields = Object.keys(values)
    .filter((field) => isStandIn(values[field]))
    .sort();
  return { values, unrecoverableFields };
}

function isStandIn(value: unknown): boolean {
  return (
    value === REDACTED_MARKER ||
    value === ERASED_VALUE ||
    value === ENCRYPTED_VALUE ||
    (typeof value === 'string' && STAND_IN.test(value))
  );
}
