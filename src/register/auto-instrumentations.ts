import type { Instrumentation } from '@opentelemetry/instrumentation';
import { isModuleNotFound, requireFromApp } from './sdk-modules';

/** Our name in `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `OTEL_NODE_DISABLED_INSTRUMENTATIONS`. */
export const OWN_INSTRUMENTATION_NAME = 'sequelize-audit';

const AUTO_PACKAGE = '@opentelemetry/auto-instrumentations-node';
/** Left out: it would trace every statement a second time. */
const OFFICIAL_SEQUELIZE = '@opentelemetry/instrumentation-sequelize';

type Env = Record<string, string | undefined>;

function nameList(env: Env, variable: string): string[] | undefined {
  const raw = env[variable]?.trim();
  if (!raw) return undefined;
  return raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/**
 * Whether an instrumentation (short name, as the auto-instrumentations package spells them,
 * e.g. `http`) is enabled by `OTEL_NODE_ENABLED_INSTRUMENTATIONS` /
 * `OTEL_NODE_DISABLED_INSTRUMENTATIONS`: the enabled list, when set, names every one that
 * runs; the disabled list then takes names away.
 */
export function enabledByEnv(name: string, env: Env = process.env): boolean {
  const enabled = nameList(env, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  const disabled = nameList(env, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? [];
  if (enabled && !enabled.includes(name)) return false;
  return !disabled.includes(name);
}

interface AutoInstrumentationsModule {
  getNodeAutoInstrumentations(config?: Record<string, unknown>): Instrumentation[];
}

/**
 * The instrumentations of `@opentelemetry/auto-instrumentations-node` when the application
 * has it installed (which reads the two variables itself), without the official Sequelize
 * one; an empty list when it is not installed.
 */
export function autoInstrumentations(): Instrumentation[] {
  let auto: AutoInstrumentationsModule;
  try {
    auto = requireFromApp(AUTO_PACKAGE) as AutoInstrumentationsModule;
  } catch (error) {
    if (isModuleNotFound(error, AUTO_PACKAGE)) return [];
    throw error;
  }
  return auto
    .getNodeAutoInstrumentations()
    .filter((instrumentation) => instrumentation.instrumentationName !== OFFICIAL_SEQUELIZE);
}
