/*
 * A short script audited by an AuditSpanProcessor that writes 8 rows and then ends on its own,
 * as jobs and CLIs do: it never calls shutdown().
 * argv: <sqlite url> <how: return | exit-code | signal> <spoolDirectory> <streamId>
 * - return: main() returns, the event loop empties;
 * - exit-code: the same with process.exitCode = 3;
 * - signal: it sends itself SIGTERM (no handler of its own) and would otherwise idle for 20 s;
 * - no-context-manager: as `return`, with the provider never registered globally, so there is
 *   no context manager (as in an application that wires a provider by hand).
 */
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  AuditSpanProcessor,
  SequelizeAuditInstrumentation,
  SqlAuditStore,
  withoutAudit,
} from '../../../src';
import type * as SequelizeModule from 'sequelize';

const [url, how, spoolDirectory, streamId] = process.argv.slice(2);
const instrumentation = new SequelizeAuditInstrumentation();

async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DataTypes, Sequelize } = require('sequelize') as typeof SequelizeModule;
  const sequelize = new Sequelize({
    dialect: 'sqlite',
    storage: url.slice('sqlite:'.length),
    logging: false,
  });
  const store = new SqlAuditStore({ sequelize, table: 'audit_exit' });
  const processor = new AuditSpanProcessor({
    store,
    streamId,
    spool: { directory: spoolDirectory },
  });
  // As with the Node SDK: a provider (and its context manager) holding the processor.
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  if (how !== 'no-context-manager') provider.register();
  instrumentation.setTracerProvider(provider);
  const Job = sequelize.define('ExitJob', { name: DataTypes.STRING }, { tableName: 'exit_jobs' });
  // The table's schema record is not what these suites count.
  await withoutAudit(() => Job.sync());
  for (let i = 0; i < 8; i += 1) await Job.create({ name: `job ${i}` });
  if (how === 'exit-code') process.exitCode = 3;
  if (how === 'signal') {
    setTimeout(() => undefined, 20_000);
    process.kill(process.pid, 'SIGTERM');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
