import Table from 'cli-table3';
import pc from 'picocolors';
import type { AuditStore, AuditTrail, FieldChange, RowVersion, VerifyResult } from '../../src';
import { renderSpanTree } from './span-tree';
import type { SpanTreeRecorder } from './span-tree';

export function heading(title: string): void {
  console.log(`\n${pc.bold(pc.underline(title))}\n`);
}

/** One line of the scenario: who did what, and how it ended. */
export function logStep(actor: string, action: string, outcome: string): void {
  console.log(`  ${pc.bold(actor.padEnd(16))} ${action.padEnd(36)} ${pc.dim(outcome)}`);
}

export function printSpanTree(recorder: SpanTreeRecorder, traceId: string): void {
  heading(`1. Span tree of one request (trace ${traceId})`);
  for (const line of renderSpanTree(recorder.spansOfTrace(traceId))) console.log(`  ${line}`);
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T(\d{2}:\d{2}:\d{2}\.\d{3})Z$/;

/** A value as JSON; today's timestamps as their UTC time of day, to keep the table narrow. */
function formatValue(value: unknown): string {
  if (value === undefined) return '–';
  const time = typeof value === 'string' ? ISO_TIMESTAMP.exec(value) : null;
  return time ? time[1] : JSON.stringify(value);
}

function formatChanges(changes: readonly FieldChange[]): string {
  return changes
    .map(({ field, from, to }) => `${field}: ${formatValue(from)} → ${formatValue(to)}`)
    .join('\n');
}

function historyRow(version: RowVersion): string[] {
  const actor = version.actor ? `${version.actor.id} (${version.actor.type ?? '?'})` : '–';
  const reason = version.record.reason ? `\n${pc.dim(version.record.reason)}` : '';
  return [
    String(version.version),
    version.operation,
    actor + reason,
    formatChanges(version.changes),
  ];
}

export async function printHistory(trail: AuditTrail, table: string, id: number): Promise<void> {
  heading(`2. History of ${table}#${id} from the audit store`);
  const page = await trail.history(table, id);
  const out = new Table({
    head: ['v', 'operation', 'actor, reason', 'changes (times in UTC)'],
    style: { head: [], border: [] },
  });
  for (const version of page.versions) out.push(historyRow(version));
  console.log(out.toString());
}

/** How many records each table has in the store: the rolled-back checkout left none. */
export async function printRecordCounts(
  store: AuditStore,
  tables: readonly string[],
): Promise<void> {
  const counts = await Promise.all(
    tables.map(async (table) => `${table} ${await store.count({ table })}`),
  );
  console.log(`\n  Audit records per table: ${counts.join(', ')}`);
}

export function printVerify(result: VerifyResult): void {
  const summary = `${result.records} records in ${result.streams} stream(s)`;
  if (result.ok) {
    console.log(`  ${pc.green('OK')}  ${summary}, every hash chain intact`);
    return;
  }
  const at = result.firstBreak;
  console.log(
    `  ${pc.red('BROKEN')}  ${summary}; first break: ${at ? `${at.stream} seq ${at.seq}: ${at.reason}` : 'unknown'}`,
  );
}
