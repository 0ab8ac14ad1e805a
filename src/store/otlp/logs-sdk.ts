import type * as ResourcesModule from '@opentelemetry/resources';
import type * as SdkLogsModule from '@opentelemetry/sdk-logs';

/** The OpenTelemetry logs SDK pieces the OTLP-logs store builds its records with. */
export interface LogsSdk {
  resources: typeof ResourcesModule;
  sdkLogs: typeof SdkLogsModule;
}

/**
 * Loads the logs SDK when an `OtlpLogAuditStore` is made, not when the package loads: both are
 * peers the application brings (one copy, on its own SDK line), and only this store needs them.
 */
export function loadLogsSdk(): LogsSdk {
  try {
    return {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      resources: require('@opentelemetry/resources') as typeof ResourcesModule,
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      sdkLogs: require('@opentelemetry/sdk-logs') as typeof SdkLogsModule,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `OtlpLogAuditStore needs the OpenTelemetry logs SDK (${reason}); run "npm install @opentelemetry/sdk-logs @opentelemetry/resources" with the versions of your SDK line`,
    );
  }
}
