import assert from 'node:assert/strict';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import type { Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';
import type { DialectName } from '../support/dialects';
import { configureInstrumentation, resetInstrumentation, tracerProvider } from '../support/setup';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { parentOf, tracedSpans } from './support/spans';

/** The official driver instrumentations whose spans would duplicate ours, and their driver. */
const DRIVERS: Partial<Record<DialectName, { module: string; instrument: () => Instrumentation }>> =
  {
    postgres: { module: 'pg', instrument: () => new PgInstrumentation() },
    mysql: { module: 'mysql2', instrument: () => new MySQL2Instrumentation() },
  };

/**
 * Drops a driver already loaded by earlier suites from the require cache: a driver
 * instrumentation patches the driver when it is loaded, as in an application that starts
 * the SDK first.
 */
function forgetLoadedModule(name: string): void {
  const marker = `/node_modules/${name}/`;
  for (const path of Object.keys(require.cache)) {
    if (path.includes(marker)) delete require.cache[path];
  }
}

describeEachDialect('driver-level spans', (db) => {
  const driverSetup = DRIVERS[db.name];
  if (!driverSetup) return;
  let driver: Instrumentation;
  let sequelize: Sequelize;

  before(() => {
    forgetLoadedModule(driverSetup.module);
    // Sequelize 7's dialect package loads the driver once, when it is itself loaded.
    forgetLoadedModule(`@sequelize/${db.name}`);
    driver = driverSetup.instrument();
    driver.setTracerProvider(tracerProvider);
    driver.enable();
    // Created after the driver instrumentation, as Sequelize requires the driver here.
    sequelize = db.connect();
  });

  after(() => driver.disable());
  afterEach(() => resetInstrumentation());

  const isOurs = (span: ReadableSpan) => span.instrumentationScope.name === 'otel-sequelize-audit';
  const driverSpans = () => tracedSpans().filter((span) => !isOurs(span));
  const ourQuerySpan = () => {
    const ours = tracedSpans().filter((span) => isOurs(span) && span.name === 'SELECT');
    assert.equal(ours.length, 1);
    return ours[0];
  };

  it('lets the driver instrumentation trace the statement under ours when suppressDriverSpans is false', async () => {
    configureInstrumentation({ suppressDriverSpans: false, audit: { enabled: false } });
    await sequelize.query('SELECT 1 AS one');
    const ours = ourQuerySpan();
    const theirs = driverSpans();
    assert.ok(theirs.length > 0, 'the driver instrumentation is active');
    assert.ok(
      theirs.some((span) => parentOf(span) === ours),
      'a driver span nests under the query span',
    );
  });

  it('suppresses the driver spans under ours by default, so a statement is traced once', async () => {
    configureInstrumentation({ audit: { enabled: false } });
    await sequelize.query('SELECT 2 AS two');
    ourQuerySpan();
    assert.deepEqual(
      driverSpans().map((span) => span.name),
      [],
    );
  });
});
