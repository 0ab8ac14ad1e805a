import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataTypesOf } from '../../support/dialects';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore } from '../../../src';
import type {
  AuditSpanProcessorOptions,
  AuditStore,
  SequelizeAuditInstrumentationConfig,
} from '../../../src';
import { installProvider } from '../../processor/support/harness';
import type { DialectFixture } from '../../support/dialects';
import { configureInstrumentation } from '../../support/setup';

/** The models of the hooks suites: tickets (timestamps) and sessions (noise). */
export interface HooksModels {
  Ticket: ModelStatic<Model>;
  Session: ModelStatic<Model>;
}

export async function defineModels(sequelize: Sequelize): Promise<HooksModels> {
  const DataTypes = dataTypesOf(sequelize);
  const Ticket = sequelize.define('Ticket', {
    title: DataTypes.STRING,
    status: DataTypes.STRING,
    views: DataTypes.INTEGER,
  });
  const Session = sequelize.define('Session', { token: DataTypes.STRING, user: DataTypes.STRING });
  await sequelize.sync({ force: true });
  return { Ticket, Session };
}

/**
 * A real pipeline: the instrumentation configured as given, a tracer provider with an
 * `AuditSpanProcessor` writing to `store` (a SQL store in the suite's database by default).
 */
export class AuditedApp {
  readonly processor: AuditSpanProcessor;
  readonly provider: ReturnType<typeof installProvider>;
  private readonly spool = mkdtempSync(join(tmpdir(), 'osa-hooks-'));

  constructor(
    readonly store: AuditStore,
    config: SequelizeAuditInstrumentationConfig = {},
    processorOptions: Partial<AuditSpanProcessorOptions> = {},
  ) {
    configureInstrumentation(config);
    this.processor = new AuditSpanProcessor({
      store,
      streamId: 'hooks-app',
      spool: { directory: this.spool },
      closeStoreOnShutdown: false,
      ...processorOptions,
    });
    this.provider = installProvider(this.processor);
  }

  static sql(db: DialectFixture, table: string, config?: SequelizeAuditInstrumentationConfig) {
    return new AuditedApp(new SqlAuditStore({ url: db.url, table }), config);
  }

  /** The audit spans exported so far. */
  auditSpans() {
    return this.provider.exporter
      .getFinishedSpans()
      .filter((span) => span.name.startsWith('audit '));
  }

  async flush(): Promise<void> {
    await this.processor.forceFlush();
  }

  async stop(): Promise<void> {
    this.provider.restore();
    await this.processor.shutdown();
    await this.store.close();
    rmSync(this.spool, { recursive: true, force: true });
  }
}
