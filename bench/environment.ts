import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

function installedVersion(name: string): string {
  try {
    const manifest = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'),
    ) as { version?: string };
    return manifest.version ?? '?';
  } catch {
    return 'not installed';
  }
}

function git(args: string[]): string {
  return execFileSync('git', args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

function gitCommit(): string {
  try {
    const changes = git(['status', '--porcelain']).length > 0 ? ' (+ local changes)' : '';
    return `${git(['rev-parse', '--short', 'HEAD']).trim()}${changes}`;
  } catch {
    // A snapshot without .git (e.g. from `git archive`) names its commit through the environment.
    return process.env.AUDIT_BENCH_COMMIT ?? 'unknown';
  }
}

export function loadAverages(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(' / ');
}

/** Date, machine and versions: the lines that make a stored result comparable later. */
export function describeEnvironment(): string[] {
  const processors = cpus();
  return [
    `- date: ${new Date().toISOString()}`,
    `- machine: ${processors.length} × ${processors[0]?.model ?? 'unknown CPU'}, ` +
      `${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, ${process.platform} ${process.arch}`,
    `- load average at start (1/5/15 min): ${loadAverages()}`,
    `- node ${process.version}; sequelize ${installedVersion('sequelize')}; ` +
      `pg ${installedVersion('pg')}; sqlite3 ${installedVersion('sqlite3')}`,
    `- @opentelemetry/sdk-trace-base ${installedVersion('@opentelemetry/sdk-trace-base')}; ` +
      `@opentelemetry/instrumentation ${installedVersion('@opentelemetry/instrumentation')}; ` +
      `@opentelemetry/instrumentation-sequelize ${installedVersion('@opentelemetry/instrumentation-sequelize')}`,
    `- otel-sequelize-audit at commit ${gitCommit()}`,
  ];
}
