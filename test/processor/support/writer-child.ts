/*
 * A child process that writes rows through Sequelize, audited by an AuditSpanProcessor, and
 * prints `committed <name> <epoch ms>` after each write returns, and `flushed <name> <epoch ms>`
 * after every 20th write once `forceFlush()` has returned, until it is killed. On SIGTERM it
 * stops writing, shuts the tracer provider down (as an application does with the Node SDK)
 * and exits with 0.
 * argv: <dialect> <url> <durability> <streamId> <spoolDirectory>
 */
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  AuditSpanProcessor,
  SequelizeAuditInstrumentation,
  SqlAuditStore,
  withoutAudit,
} from '../../../src';
import type { AuditDurability } from '../../../src';
import type * as SequelizeModule from 'sequelize';

const [dialect, url, durability, streamId, spoolDirectory] = process.argv.slice(2);
const instrumentation = new SequelizeAuditInstrumentation();

async function main(): Promise<void> {
  // Required after the instrumentation is enabled, as in an application.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DataTypes, Sequelize } = require('sequelize') as typeof SequelizeModule;
  const sequelize =
    dialect === 'sqlite'
      ? new Sequelize({ dialect: 'sqlite', storage: url.slice('sqlite:'.length), logging: false })
      : new Sequelize(url, { logging: false });
  const store = new SqlAuditStore({ sequelize, table: 'audit_kill' });
  const processor = new AuditSpanProcessor({
    store,
    streamId,
    durability: durability as AuditDurability,
    flushIntervalMs: 100,
    spool: { directory: spoolDirectory },
  });
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register();
  instrumentation.setTracerProvider(provider);
  const Item = sequelize.define(
    'KillItem',
    { name: DataTypes.STRING },
    { tableName: 'kill_items' },
  );
  // The table's schema record is not what these suites count.
  await withoutAudit(() => Item.sync());
  await store.init();
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
  });
  process.stdout.write('ready\n');
  for (let i = 0; !stopping; i += 1) {
    const name = `item-${i}`;
    if (durability === 'transactional') {
      await sequelize.transaction(async (transaction) => {
        await Item.create({ name }, { transaction });
      });
    } else {
      await Item.create({ name });
    }
    process.stdout.write(`committed ${name} ${Date.now()}\n`);
    if (i % 20 === 19) {
      await processor.forceFlush();
      process.stdout.write(`flushed ${name} ${Date.now()}\n`);
    }
  }
  await provider.shutdown();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
