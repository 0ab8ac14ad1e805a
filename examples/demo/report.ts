import Table from 'cli-table3';
import pc from 'picocolors';
import type { AuditTrail, FieldChange, RowVersion, VerifyResult } from '../../src';
import { renderSpanTree } from './span-tree';
import type { SpanTreeRecorder } from './span-tree';

export function heading(title: string): void {
  console.log(`\n${pc.bold(pc.underline(title))}\n`);
}

export function printSpanTree(recorder: SpanTreeRecorder, traceId: string): void {
  heading(`1. Span tree of one request (trace ${traceId})`);
  for (const line of renderSpanTree(recorder.spansOfTrace(traceId))) console.log(`  ${line}`);
}

function formatValue(value: unknown): string {
  return value === undefined ? '–' : JSON.stringify(value);
}

function formatChanges(changes: readonly FieldChange[]): string {
  return changes
    .map(({ field, from, to }) => `${field}: ${formatValue(from)} → ${formatValue(to)}`)
    .join('\n');
}

function historyRow(version: RowVersion): string[] {
  const actor = version.actor ? `${version.actor.id} (${version.actor.type ?? '?'})` : '–';
  return [
    String(version.version),
    version.operation,
    actor,
    version.record.reason ?? '',
    formatChanges(version.changes),
  ];
}

export async function printHistory(trail: AuditTrail, table: string, id: number): Promise<void> {
  heading(`2. History of ${table}#${id} from the audit store`);
  const page = await trail.history(table, id);
  const out = new Table({
    head: ['v', 'operation', 'actor', 'reason', 'changes'],
    style: { head: [], border: [] },
  });
  for (const version of page.versions) out.push(historyRow(version));
  console.log(out.toString());
}

export function printVerify(result: VerifyResult): void {
  heading('3. verify(): the hash chains of the audit store');
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
