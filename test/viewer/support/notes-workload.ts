import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataTypes } from 'sequelize';
import type { ModelStatic, Model, Sequelize } from 'sequelize';
import { AuditSpanProcessor, withAuditContext } from '../../../src';
import { openAuditStore } from '../../../src/store/open-store';
import { installProvider } from '../../processor/support/harness';

/** A value that would run script if the viewer ever treated stored text as markup. */
export const XSS_BODY = '<img src=x onerror=alert(1)>';
export const XSS_LINK = 'javascript:alert(document.domain)';
export const LONG_BODY = `A long note. ${'The quick brown fox jumps over the lazy dog. '.repeat(6)}`;

export type NoteModel = ModelStatic<Model>;

function defineNote(sequelize: Sequelize): NoteModel {
  return sequelize.define(
    'Note',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      body: DataTypes.TEXT,
      link: DataTypes.STRING,
    },
    { tableName: 'notes' },
  );
}

/**
 * Runs `steps` on a `notes` table under the real instrumentation, as the actor `bob`, with an
 * `AuditSpanProcessor` persisting the audit records into the store at `storeUrl` (stream `stream`).
 */
export async function runNotes(
  sequelize: Sequelize,
  storeUrl: string,
  stream: string,
  steps: (Note: NoteModel) => Promise<void>,
  { sync = false }: { sync?: boolean } = {},
): Promise<void> {
  const Note = defineNote(sequelize);
  if (sync) await Note.sync({ force: true });
  const spool = mkdtempSync(join(tmpdir(), 'osa-viewer-spool-'));
  const store = await openAuditStore(storeUrl);
  const processor = new AuditSpanProcessor({
    store,
    streamId: stream,
    closeStoreOnShutdown: false,
    spool: { directory: spool },
  });
  const provider = installProvider(processor);
  try {
    await withAuditContext({ actor: { id: 'bob', type: 'user' }, reason: 'support ticket' }, () =>
      steps(Note),
    );
    await processor.shutdown();
  } finally {
    provider.restore();
    await processor.shutdown();
    await store.close();
    rmSync(spool, { recursive: true, force: true });
  }
}

/** notes#1 is created with markup and a `javascript:` URL as values, then given a long body. */
export async function runHostileNotes(sequelize: Sequelize, storeUrl: string): Promise<void> {
  await runNotes(
    sequelize,
    storeUrl,
    'viewer-notes',
    async (Note) => {
      await Note.create({ id: 1, body: XSS_BODY, link: XSS_LINK });
      await Note.update({ body: LONG_BODY }, { where: { id: 1 } });
    },
    { sync: true },
  );
}
