import { createRequire } from 'module';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { SequelizeAuditInstrumentation } from '../instrumentation';
import { AuditSpanProcessor } from '../processor/audit-span-processor';
import type { AuditSpanProcessorOptions } from '../processor/processor-options';
import { createAuditStore } from '../store/open-store';
import type { AuditStore } from '../store/audit-store';
import type { SequelizeAuditInstrumentationConfig } from '../types';
import {
  OWN_INSTRUMENTATION_NAME,
  autoInstrumentations,
  enabledByEnv,
} from './auto-instrumentations';
import {
  RegisterConfigError,
  auditRequired,
  readBoolean,
  readRegisterSettings,
} from './env-config';
import type { IntegrityFromEnv, RegisterSettings } from './env-config';
import { installExitHooks } from './exit-hooks';
import { loadNodeSdk, spanProcessorsFromEnv } from './sdk-modules';
import type { NodeSdkLike, SpanProcessorLike } from './sdk-modules';

const PREFIX = 'otel-sequelize-audit/register:';

/** What the one-flag start started (nothing when `OTEL_SDK_DISABLED=true`). */
export interface StartedFromEnv {
  sdk?: NodeSdkLike;
  auditProcessor?: AuditSpanProcessor;
  /** Flushes and shuts the SDK and the audit processor down (what the exit hooks run). */
  shutdown(): Promise<void>;
}

/** The driver package a store URL's dialect needs. */
const DRIVERS: Record<string, string> = {
  sqlite: 'sqlite3',
  postgres: 'pg',
  postgresql: 'pg',
  mariadb: 'mariadb',
  mysql: 'mysql2',
};

/** Resolves a package as Sequelize (which loads the drivers) would. */
function resolvableBesideSequelize(name: string): boolean {
  try {
    createRequire(require.resolve('sequelize')).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** `AUDIT_STORE_URL`, or a SQLite file in the working directory (JSONL without sqlite3). */
function storeUrl(settings: RegisterSettings): string {
  if (settings.storeUrl) return settings.storeUrl;
  return resolvableBesideSequelize('sqlite3') ? 'sqlite:audit.sqlite' : 'jsonl:audit.jsonl';
}

function openStore(url: string): AuditStore {
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  const driver = DRIVERS[scheme];
  if (driver && !resolvableBesideSequelize(driver)) {
    throw new RegisterConfigError(
      'AUDIT_STORE_URL',
      url,
      `needs the database driver "${driver}"; run "npm install ${driver}"`,
    );
  }
  try {
    return createAuditStore(url);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RegisterConfigError('AUDIT_STORE_URL', url, `cannot be used (${reason})`);
  }
}

function instrumentationConfig(settings: RegisterSettings): SequelizeAuditInstrumentationConfig {
  const config: SequelizeAuditInstrumentationConfig = {
    audit: { enabled: settings.auditEnabled, redact: settings.redact },
  };
  if (settings.maxQueryTextLength !== undefined)
    config.maxQueryTextLength = settings.maxQueryTextLength;
  if (settings.captureParameters !== undefined)
    config.captureParameters = settings.captureParameters;
  if (settings.sanitizeQueries !== undefined) config.sanitizeQueries = settings.sanitizeQueries;
  if (settings.requireParentSpan !== undefined)
    config.requireParentSpan = settings.requireParentSpan;
  return config;
}

function hasIntegrity(integrity: IntegrityFromEnv): boolean {
  return Object.values(integrity).some((value) => value !== undefined);
}

function createProcessor(settings: RegisterSettings): AuditSpanProcessor {
  // `integrity` is passed through as the contract names it; a processor without integrity
  // support ignores it.
  const options: AuditSpanProcessorOptions & { integrity?: IntegrityFromEnv } = {
    store: openStore(storeUrl(settings)),
  };
  if (settings.durability) options.durability = settings.durability;
  if (settings.spoolDirectory) options.spool = { directory: settings.spoolDirectory };
  if (settings.flushIntervalMs) options.flushIntervalMs = settings.flushIntervalMs;
  if (hasIntegrity(settings.integrity)) options.integrity = settings.integrity;
  return new AuditSpanProcessor(options);
}

/** Settings with audit off and every tracing option at its default: the fallback of bad config. */
function withoutAudit(settings?: RegisterSettings): RegisterSettings {
  return {
    ...(settings ?? readRegisterSettings({})),
    auditEnabled: false,
    redact: [],
  };
}

/** Reads the settings; on bad config, one line on stderr and audit off (or exit with AUDIT_REQUIRED). */
function settingsOrFallback(env: NodeJS.ProcessEnv): RegisterSettings {
  try {
    return readRegisterSettings(env);
  } catch (error) {
    return refuseOrContinue(error, env);
  }
}

function refuseOrContinue(
  error: unknown,
  env: NodeJS.ProcessEnv,
  settings?: RegisterSettings,
): RegisterSettings {
  if (!(error instanceof RegisterConfigError)) throw error;
  if (auditRequired(env)) {
    console.error(`${PREFIX} ${error.message}; not starting, since AUDIT_REQUIRED=true`);
    process.exit(1);
  }
  console.error(
    `${PREFIX} ${error.message}; starting WITHOUT audit (set AUDIT_REQUIRED=true to refuse to start instead)`,
  );
  return withoutAudit(settings);
}

/**
 * Starts a `NodeSDK` with the Sequelize instrumentation and the `AuditSpanProcessor`,
 * configured from `OTEL_*` and `AUDIT_*` variables only, and flushes it on the way out.
 * What `otel-sequelize-audit/register` runs.
 */
export function startFromEnv(env: NodeJS.ProcessEnv = process.env): StartedFromEnv {
  let sdkDisabled = false;
  try {
    sdkDisabled = readBoolean(env, 'OTEL_SDK_DISABLED') ?? false;
  } catch {
    // the SDK itself reports a malformed OTEL_SDK_DISABLED
  }
  if (sdkDisabled) return { shutdown: () => Promise.resolve() };

  let settings = settingsOrFallback(env);
  let auditProcessor: AuditSpanProcessor | undefined;
  if (settings.auditEnabled) {
    try {
      auditProcessor = createProcessor(settings);
    } catch (error) {
      settings = refuseOrContinue(error, env, settings);
    }
  }

  const instrumentations: Instrumentation[] = autoInstrumentations();
  if (enabledByEnv(OWN_INSTRUMENTATION_NAME, env)) {
    instrumentations.push(new SequelizeAuditInstrumentation(instrumentationConfig(settings)));
  }
  const NodeSDK = loadNodeSdk();
  const spanProcessors: SpanProcessorLike[] | undefined = auditProcessor
    ? [auditProcessor, ...exportProcessors()]
    : undefined; // without audit, the SDK builds its exporters from the environment itself
  const sdk = new NodeSDK({ instrumentations, spanProcessors });
  sdk.start();

  const shutdown = async (): Promise<void> => {
    await sdk.shutdown(); // shuts the audit processor down too: it is one of the SDK's processors
  };
  installExitHooks({
    shutdown,
    timeoutMs: settings.shutdownTimeoutMs,
    onProblem: (message) => console.error(`${PREFIX} ${message}`),
  });
  return { sdk, auditProcessor, shutdown };
}

function exportProcessors(): SpanProcessorLike[] {
  try {
    return spanProcessorsFromEnv();
  } catch (error) {
    console.error(`${PREFIX} ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}
