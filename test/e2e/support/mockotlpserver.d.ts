/* Types for the parts of @elastic/mockotlpserver the end-to-end tests use (it ships none). */
declare module '@elastic/mockotlpserver' {
  export interface OtlpRequestInfo {
    transport: 'http' | 'grpc';
    method?: string;
    path?: string;
    headers?: Record<string, string | string[] | undefined>;
  }

  export interface MockOtlpServerOptions {
    logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
    services?: Array<'http' | 'grpc' | 'ui'>;
    httpHostname?: string;
    /** 0 picks a free port. */
    httpPort?: number;
    onTrace?: (rawTrace: unknown) => void;
    onMetrics?: (rawMetrics: unknown) => void;
    onLogs?: (rawLogs: unknown) => void;
    onRequest?: (request: OtlpRequestInfo) => void;
  }

  export class MockOtlpServer {
    constructor(options?: MockOtlpServerOptions);
    /** Set once `start()` resolved, e.g. `http://127.0.0.1:40123`. */
    httpUrl: URL | null;
    start(): Promise<void>;
    close(): Promise<void>;
  }

  /** An exported span after normalization: hex ids, enum names, attributes as an object. */
  export interface NormalizedSpan {
    traceId: string;
    spanId: string;
    parentSpanId?: string;
    name: string;
    kind: string;
    attributes?: Record<string, unknown>;
    status?: { code?: string; message?: string };
  }

  export interface NormalizedTrace {
    resourceSpans: Array<{
      resource?: { attributes?: Record<string, unknown> };
      scopeSpans: Array<{ scope?: { name: string; version?: string }; spans?: NormalizedSpan[] }>;
    }>;
  }

  /** Turns an OTLP/JSON or OTLP/protobuf trace request into one common shape. */
  export function normalizeTrace(rawTrace: unknown): NormalizedTrace;
}
