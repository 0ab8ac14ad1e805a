import { createRequire } from 'module';
import { join } from 'path';
import type { Instrumentation } from '@opentelemetry/instrumentation';

/** `require` of this package's own location (dependencies and peers resolve from here). */
const requireHere = createRequire(__filename);

/** The parts of `@opentelemetry/sdk-node`'s `NodeSDK` the one-flag start uses (2.x and 3.x lines). */
export interface NodeSdkLike {
  start(): void;
  shutdown(): Promise<void>;
}

/** A span processor as both SDK lines define it (structurally). */
export interface SpanProcessorLike {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  onStart(span: never, parentContext: never): void;
  onEnd(span: never): void;
}

export interface NodeSdkConstructor {
  new (configuration: {
    instrumentations?: Instrumentation[];
    spanProcessors?: SpanProcessorLike[];
  }): NodeSdkLike;
}

/**
 * Requires a package the way the application would: from the application's directory first
 * (its own node_modules), then from where this package is installed.
 */
export function requireFromApp(name: string): unknown {
  const fromApp = createRequire(join(process.cwd(), 'noop.js'));
  try {
    return fromApp(name);
  } catch (error) {
    if (!isModuleNotFound(error, name)) throw error;
    return requireHere(name);
  }
}

export function isModuleNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'MODULE_NOT_FOUND' && error instanceof Error && error.message.includes(`'${name}'`)
  );
}

/** `@opentelemetry/sdk-node`'s `NodeSDK`; throws a clear error when the package is missing. */
export function loadNodeSdk(): NodeSdkConstructor {
  try {
    return (requireHere('@opentelemetry/sdk-node') as { NodeSDK: NodeSdkConstructor }).NodeSDK;
  } catch (error) {
    if (!isModuleNotFound(error, '@opentelemetry/sdk-node')) throw error;
    throw new Error(
      '@opentelemetry/sdk-node is not installed; run "npm install @opentelemetry/sdk-node" (0.223.x on Node 20, 0.301.x on Node 22)',
    );
  }
}

type SpanProcessorsFromEnv = (meterProvider?: unknown) => SpanProcessorLike[];

/**
 * The span processors `NodeSDK` builds from `OTEL_TRACES_EXPORTER` and the OTLP variables
 * when it is given none. Giving it the audit processor replaces that list, so the list is
 * built here by the SDK's own function (both lines keep it in the module beside their entry,
 * not exported): the exporters then follow the environment exactly as without audit.
 */
export function spanProcessorsFromEnv(): SpanProcessorLike[] {
  const sdkRequire = createRequire(require.resolve('@opentelemetry/sdk-node'));
  for (const file of ['./utils', './utils.cjs']) {
    let utils: { getSpanProcessorsFromEnv?: SpanProcessorsFromEnv };
    try {
      utils = sdkRequire(file) as typeof utils;
    } catch {
      continue;
    }
    if (typeof utils.getSpanProcessorsFromEnv === 'function')
      return utils.getSpanProcessorsFromEnv();
  }
  throw new Error(
    'this @opentelemetry/sdk-node has no getSpanProcessorsFromEnv; spans are not exported (audit records still are)',
  );
}
