import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { fillCliStore } from '../cli/support/cli-store';
import type { CliStore } from '../cli/support/cli-store';
import { runCli } from '../cli/support/run-cli';
import { describeEachDialect } from '../support/dialects';
import { expandGrafanaMacros } from './support/grafana-macros';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'tempo-grafana');
const read = (file: string) => readFileSync(join(EXAMPLE, file), 'utf8');

interface Target {
  refId: string;
  datasource: { type: string; uid: string };
  rawSql: string;
  format: string;
  rawQuery: boolean;
  editorMode: string;
}
interface Link {
  title: string;
  url: string;
  internal?: { datasourceUid: string; query: { query: string } };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Target[];
  fieldConfig: {
    defaults: object;
    overrides: Array<{
      matcher: { id: string; options: string };
      properties: Array<{ id: string; value: Link[] }>;
    }>;
  };
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  time: { from: string; to: string };
  panels: Panel[];
}
interface Datasource {
  name: string;
  type: string;
  uid: string;
}

const dashboard = JSON.parse(read('grafana/dashboards/audit-trail.json')) as Dashboard;
const { datasources } = parse(read('grafana/datasources.yaml')) as { datasources: Datasource[] };
const PANEL_TYPES = new Set(['stat', 'table', 'timeseries']);
const TARGET_FORMATS = new Set(['table', 'time_series']);

describe('the Grafana dashboard of examples/tempo-grafana', () => {
  it('is provisioned: a file provider whose folder compose mounts, and both data sources', () => {
    const { providers } = parse(read('grafana/dashboards.yaml')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    const compose = parse(read('docker-compose.yml')) as {
      services: { grafana: { volumes: string[] } };
    };
    const mounts = compose.services.grafana.volumes;
    assert.equal(providers[0].type, 'file');
    assert.ok(
      mounts.includes(`./grafana/dashboards:${providers[0].options.path}:ro`),
      mounts.join(', '),
    );
    assert.ok(
      mounts.some((m) =>
        m.startsWith('./grafana/dashboards.yaml:/etc/grafana/provisioning/dashboards/'),
      ),
    );
    assert.deepEqual(
      datasources.map((d) => [d.uid, d.type]),
      [
        ['tempo', 'tempo'],
        ['audit-postgres', 'grafana-postgresql-datasource'],
      ],
    );
  });

  it('has a uid, a title, a schema version and panels that fit the 24-column grid without overlapping', () => {
    assert.match(dashboard.uid, /^[\w-]{1,40}$/);
    assert.ok(dashboard.title);
    assert.ok(Number.isInteger(dashboard.schemaVersion) && dashboard.schemaVersion >= 36);
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      assert.ok(PANEL_TYPES.has(panel.type), `${panel.title}: type ${panel.type}`);
      const { x, y, w, h } = panel.gridPos;
      assert.ok(x >= 0 && w >= 1 && x + w <= 24 && y >= 0 && h >= 1, `${panel.title}: gridPos`);
      for (let cx = x; cx < x + w; cx++)
        for (let cy = y; cy < y + h; cy++) {
          assert.ok(!cells.has(`${cx},${cy}`), `${panel.title} overlaps another panel`);
          cells.add(`${cx},${cy}`);
        }
    }
  });

  it('queries only the provisioned PostgreSQL data source, with raw SQL targets of known formats', () => {
    const postgres = datasources.find((d) => d.type === 'grafana-postgresql-datasource')!;
    for (const panel of dashboard.panels) {
      assert.deepEqual(panel.datasource, { type: postgres.type, uid: postgres.uid }, panel.title);
      assert.ok(panel.targets.length > 0, `${panel.title} has no query`);
      const refIds = panel.targets.map((t) => t.refId);
      assert.equal(new Set(refIds).size, refIds.length);
      for (const target of panel.targets) {
        assert.deepEqual(target.datasource, panel.datasource);
        assert.ok(TARGET_FORMATS.has(target.format), `${panel.title}: format ${target.format}`);
        assert.equal(target.rawQuery, true);
        assert.equal(target.editorMode, 'code');
        assert.match(target.rawSql, /\bFROM audit_(log|verify_runs)\b/);
        if (target.format === 'time_series') assert.match(target.rawSql, /\$__timeGroupAlias\(/);
      }
    }
  });

  it('links the newest changes to their trace in Tempo and their row history in the viewer', () => {
    const newest = dashboard.panels.find((p) => p.title === 'Newest changes')!;
    const linksOf = (field: string) =>
      newest.fieldConfig.overrides
        .find((o) => o.matcher.options === field)!
        .properties.find((p) => p.id === 'links')!.value;
    const [trace] = linksOf('trace_id');
    assert.equal(trace.internal?.datasourceUid, 'tempo');
    assert.equal(trace.internal?.query.query, '${__value.raw}');
    const [history] = linksOf('record_id');
    assert.match(
      history.url,
      /^http:\/\/localhost:4600\/history\/\$\{__data\.fields\.table_name\}\//,
    );
  });
});

describeEachDialect('the Grafana dashboard queries', (db) => {
  if (db.name !== 'postgres') return;
  let filled: CliStore;
  const range = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) };

  async function recordVerifyRun(): Promise<void> {
    const verify = await runCli(['--store', filled.url, 'verify', '--json']);
    assert.ok(verify.code === 0 || verify.code === 1, verify.stderr);
    // As record-verify.sh does it: psql with the JSON result as a variable.
    await promisify(execFile)('psql', [
      db.url,
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-v',
      `result=${verify.stdout.trim()}`,
      '-f',
      join(EXAMPLE, 'record-verify.sql'),
    ]);
  }

  async function run(panelTitle: string): Promise<Array<Record<string, unknown>>> {
    const panel = dashboard.panels.find((p) => p.title === panelTitle)!;
    const rows: Array<Record<string, unknown>> = [];
    for (const target of panel.targets) {
      const [result] = await db.connect().query(expandGrafanaMacros(target.rawSql, range));
      rows.push(...(result as Array<Record<string, unknown>>));
    }
    return rows;
  }

  before(async function () {
    this.timeout(120_000);
    filled = await fillCliStore(db, 'sql');
    await recordVerifyRun();
  });
  after(() => filled?.cleanUp());

  it('runs every query of every panel against a real audit table', async () => {
    for (const panel of dashboard.panels) {
      const rows = await run(panel.title);
      assert.ok(rows.length > 0, `${panel.title} returned no rows`);
    }
  });

  it('counts changes per table and per actor in time buckets', async () => {
    const perTable = await run('Changes per table');
    assert.deepEqual(Object.keys(perTable[0]).sort(), ['metric', 'time', 'value']);
    const tables = new Map(perTable.map((r) => [r.metric, 0]));
    for (const row of perTable)
      tables.set(row.metric, (tables.get(row.metric) ?? 0) + Number(row.value));
    assert.deepEqual([...tables.keys()].sort(), ['order_lines', 'orders', 'users']);
    const total = [...tables.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, filled.trail.records);
    const actors = new Set((await run('Changes per actor')).map((r) => r.metric));
    assert.deepEqual([...actors].sort(), ['alice', 'nightly-job']);
  });

  it('lists the newest changes first, with their trace ids', async () => {
    const rows = await run('Newest changes');
    assert.equal(rows.length, filled.trail.records);
    assert.equal(rows[0].operation, 'restore');
    assert.ok(
      rows.every((r) => typeof r.trace_id === 'string' && /^[0-9a-f]{32}$/.test(r.trace_id)),
    );
  });

  it('shows integrity OK, then BROKEN once a stored record is edited and verify runs again', async function () {
    this.timeout(60_000);
    assert.equal(Number((await run('Integrity (last verify run)'))[0].intact), 1);
    await db.connect().query("UPDATE audit_log SET reason = 'tampered' WHERE seq = 2");
    await new Promise((resolve) => setTimeout(resolve, 20)); // a later checked_at
    await recordVerifyRun();
    assert.equal(Number((await run('Integrity (last verify run)'))[0].intact), 0);
    const [latest] = await run('Verify runs');
    assert.equal(latest.status, 'BROKEN');
    assert.equal(Number(latest.break_seq), 2);
    assert.match(String(latest.break_reason), /content changed/);
  });
});
