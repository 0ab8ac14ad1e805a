import { MockOtlpServer, normalizeTrace } from '@elastic/mockotlpserver';
import type { NormalizedSpan } from '@elastic/mockotlpserver';

/** One span as an OTLP backend received it, with its scope and resource. */
export interface ReceivedSpan extends NormalizedSpan {
  attributes: Record<string, unknown>;
  scope: string;
  serviceName: unknown;
}

/**
 * A real OTLP/HTTP receiver (JSON and protobuf) on 127.0.0.1 with a free port, that keeps
 * every span it receives, decoded, and the content type of every export request.
 */
export class OtlpReceiver {
  private readonly received: ReceivedSpan[] = [];
  private readonly types: string[] = [];
  private readonly server: MockOtlpServer;

  private constructor() {
    this.server = new MockOtlpServer({
      logLevel: 'warn',
      services: ['http'],
      httpHostname: '127.0.0.1',
      httpPort: 0,
      onTrace: (raw) => this.keep(raw),
      onRequest: (request) => {
        if (request.path === '/v1/traces')
          this.types.push(String(request.headers?.['content-type']));
      },
    });
  }

  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    await receiver.server.start();
    return receiver;
  }

  /** Base URL for `OTEL_EXPORTER_OTLP_ENDPOINT`, e.g. `http://127.0.0.1:40123`. */
  get endpoint(): string {
    const url = this.server.httpUrl;
    if (!url) throw new Error('OtlpReceiver: not started');
    return url.origin;
  }

  spans(): readonly ReceivedSpan[] {
    return this.received;
  }

  /** Content types of the trace export requests received, e.g. `application/x-protobuf`. */
  contentTypes(): readonly string[] {
    return this.types;
  }

  reset(): void {
    this.received.length = 0;
    this.types.length = 0;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private keep(raw: unknown): void {
    for (const resourceSpans of normalizeTrace(raw).resourceSpans) {
      const serviceName = resourceSpans.resource?.attributes?.['service.name'];
      for (const scopeSpans of resourceSpans.scopeSpans) {
        const scope = scopeSpans.scope?.name ?? '';
        for (const span of scopeSpans.spans ?? []) {
          this.received.push({ ...span, attributes: span.attributes ?? {}, scope, serviceName });
        }
      }
    }
  }
}
