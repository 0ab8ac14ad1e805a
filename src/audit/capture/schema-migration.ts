import * as timers from 'node:timers';
import type { ModelStaticLike, SequelizeLike } from '../../sequelize/internal-types';
import type { QueryCall } from '../../sequelize/query-call';
import { leadingVerb } from '../../sequelize/sql/statement-shape';
import type { PendingAuditEvent } from '../record-builder';
import { addEventMetadata } from './schema-records';
import { modelsOf, primaryKeyAttributesOf, tableOf } from '../../sequelize/sequelize-facts';

/*
 * The migration a schema change belongs to. umzug's SequelizeStorage and sequelize-cli log
 * an applied migration by inserting its name into the `SequelizeMeta` model right after the
 * migration ran (and delete it after a `down`). So on a Sequelize instance that has that model,
 * schema records made outside a transaction are held until the next such insert or delete,
 * which names them (`metadata.migration`, `metadata.migration_direction`), or at most
 * HOLD_MILLIS (a migration that failed logs nothing): they are then emitted without a name.
 * A failing query-interface call releases them at once (its migration fails too).
 */

/** Longest a schema record waits for its migration's name. */
export const HOLD_MILLIS = 1000;

/** The model umzug and sequelize-cli keep applied migrations in. */
const STORAGE_MODEL = 'SequelizeMeta';

const realSetTimeout = timers.setTimeout;
const realClearTimeout = timers.clearTimeout;

interface Held {
  readonly events: PendingAuditEvent[];
  timer?: NodeJS.Timeout;
}

export type EmitSchemaEvents = (events: readonly PendingAuditEvent[]) => void;

/** Holds schema records of migration-managed instances until their migration is named. */
export class MigrationNames {
  private readonly held = new WeakMap<SequelizeLike, Held>();

  constructor(private readonly emit: EmitSchemaEvents) {}

  /** Emits the events, or holds them when the instance logs migrations. */
  dispatch(sequelize: SequelizeLike, events: readonly PendingAuditEvent[]): void {
    if (events.length === 0) return;
    const storage = storageModelOf(sequelize);
    // The storage table's own creation belongs to no migration.
    const own = events.filter(
      ({ event }) => !storage || event.table === tableOf(storage).tableName,
    );
    if (own.length > 0) this.emit(own);
    if (!storage || own.length === events.length) return;
    const migrating = events.filter(({ event }) => event.table !== tableOf(storage).tableName);
    let held = this.held.get(sequelize);
    if (!held) {
      held = { events: [] };
      this.held.set(sequelize, held);
    }
    held.events.push(...migrating);
    if (held.timer) realClearTimeout(held.timer);
    held.timer = realSetTimeout(() => this.release(sequelize), HOLD_MILLIS);
  }

  /** Called with every statement: an insert into or delete from SequelizeMeta names the held records. */
  noteStatement(call: QueryCall): void {
    if (!this.held.has(call.sequelize)) return;
    const storage = storageModelOf(call.sequelize);
    if (!storage || (call.options.model ?? call.options.instance?.constructor) !== storage) return;
    const verb = leadingVerb(call.sql);
    if (verb === 'INSERT') {
      this.release(call.sequelize, nameOf(call.options.instance?.dataValues, storage), 'up');
    } else if (verb === 'DELETE') {
      const where = (call.modelCall?.args[0] as { where?: Record<string, unknown> } | undefined)
        ?.where;
      this.release(call.sequelize, nameOf(where, storage), 'down');
    }
  }

  /**
   * A schema change failed: the migration running it fails too and will log no name, so what
   * is held goes out now, unnamed, rather than after the wait (by then an application that
   * shuts down on the failure may have closed its processor).
   */
  releaseUnnamed(sequelize: SequelizeLike): void {
    this.release(sequelize);
  }

  private release(sequelize: SequelizeLike, name?: string, direction?: string): void {
    const held = this.held.get(sequelize);
    if (!held) return;
    this.held.delete(sequelize);
    if (held.timer) realClearTimeout(held.timer);
    if (name !== undefined && direction !== undefined) {
      for (const { event } of held.events) {
        addEventMetadata(event, { migration: name, migration_direction: direction });
      }
    }
    this.emit(held.events);
  }
}

function storageModelOf(sequelize: SequelizeLike): ModelStaticLike | undefined {
  return modelsOf(sequelize).find((model) => model.name === STORAGE_MODEL);
}

/** The migration name in a row (or where clause) of the storage model: its key column. */
function nameOf(values: unknown, storage: ModelStaticLike): string | undefined {
  if (values === null || typeof values !== 'object') return undefined;
  const column = primaryKeyAttributesOf(storage)[0] ?? 'name';
  const name = (values as Record<string, unknown>)[column];
  return typeof name === 'string' ? name : undefined;
}
