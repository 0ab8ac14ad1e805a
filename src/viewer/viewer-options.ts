/**
 * Options of the read-only web viewer (`otel-sequelize-audit serve`).
 *
 * @example
 * const viewer = await startViewer(trail, { port: 4600, traceUrl: 'http://localhost:16686/trace/{traceId}' });
 * console.log(viewer.url);
 */
export interface ViewerOptions {
  /** Interface to listen on. Any other than loopback needs `authToken` or `basicAuth`. @default '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one. @default 4600 */
  port?: number;
  /** Requests must carry it (`Authorization: Bearer T`, or as the password of basic auth). */
  authToken?: string;
  /** `user:password` that requests must give by basic auth. */
  basicAuth?: string;
  /** Link template to a trace in Jaeger or Tempo, with `{traceId}`. */
  traceUrl?: string;
  /** Time between two looks at the store for the live page, in milliseconds. @default 1000 */
  liveIntervalMs?: number;
  /** Records per page of search results when the request does not say. @default 50 */
  pageSize?: number;
}

/** Largest page a request may ask for. */
export const MAX_PAGE_SIZE = 500;

/** The options with their defaults filled in and checked. */
export interface ResolvedViewerOptions {
  host: string;
  port: number;
  authToken?: string;
  basicAuth?: string;
  traceUrl?: string;
  liveIntervalMs: number;
  pageSize: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Fills in defaults; throws a `RangeError` saying what to change for an unsafe or wrong option. */
export function resolveViewerOptions(options: ViewerOptions): ResolvedViewerOptions {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4600;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port ${port} is not a TCP port: use 0 to 65535`);
  }
  if (options.authToken !== undefined && options.authToken.length < 16) {
    throw new RangeError('the auth token is too short: use at least 16 characters');
  }
  if (options.basicAuth !== undefined && !/^[^:]+:.{8,}$/.test(options.basicAuth)) {
    throw new RangeError(
      'basic auth must be "user:password" with a password of 8 characters or more',
    );
  }
  if (!isLoopback(host) && !options.authToken && !options.basicAuth) {
    throw new RangeError(
      `refusing to serve the audit trail on ${host} without authentication: pass --auth-token (or set AUDIT_VIEWER_BASIC_AUTH=user:password), or bind 127.0.0.1`,
    );
  }
  if (options.traceUrl !== undefined) checkTraceTemplate(options.traceUrl);
  const pageSize = options.pageSize ?? 50;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`page size ${pageSize} must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return {
    host,
    port,
    authToken: options.authToken,
    basicAuth: options.basicAuth,
    traceUrl: options.traceUrl,
    liveIntervalMs: options.liveIntervalMs ?? 1000,
    pageSize,
  };
}

/** A trace link template must hold `{traceId}` and give an http(s) URL. */
export function checkTraceTemplate(template: string): void {
  if (!template.includes('{traceId}')) {
    throw new RangeError(`trace URL "${template}" has no {traceId} placeholder`);
  }
  let protocol = '';
  try {
    protocol = new URL(template.split('{traceId}').join('0')).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new RangeError(
      `trace URL "${template}" must be an http:// or https:// URL, e.g. 'http://localhost:16686/trace/{traceId}'`,
    );
  }
}

/** The link to a trace, or undefined without a template. */
export function traceLink(template: string | undefined, traceId: string): string | undefined {
  return template?.split('{traceId}').join(encodeURIComponent(traceId));
}
