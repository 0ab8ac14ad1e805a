import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpProblem } from './http-problem';
import { isLoopback } from './viewer-options';
import type { ResolvedViewerOptions } from './viewer-options';

/** Equal in constant time whatever the lengths (both sides are hashed first). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** What an Authorization header offers: a bearer token, or basic user and password. */
function credentialsOf(header: string | undefined): { token?: string; basic?: string } {
  if (!header) return {};
  const [scheme, value = ''] = header.split(' ', 2);
  if (/^bearer$/i.test(scheme)) return { token: value.trim() };
  if (/^basic$/i.test(scheme)) {
    const basic = Buffer.from(value.trim(), 'base64').toString('utf8');
    return { basic, token: basic.slice(basic.indexOf(':') + 1) };
  }
  return {};
}

/**
 * Requires the token or basic auth when one is configured. Without one (loopback only), requires
 * a loopback Host header, so a web page elsewhere cannot read the trail by DNS rebinding.
 */
export function authentication(options: ResolvedViewerOptions): MiddlewareHandler {
  const { authToken, basicAuth } = options;
  return async (c, next) => {
    if (!authToken && !basicAuth) {
      const host = hostnameOf(c.req.header('host') ?? '');
      if (!isLoopback(host)) {
        throw new HttpProblem(
          421,
          `this viewer answers only on 127.0.0.1 or localhost, not "${host}"`,
        );
      }
      return next();
    }
    const offered = credentialsOf(c.req.header('authorization'));
    const tokenOk = authToken !== undefined && sameSecret(offered.token ?? '', authToken);
    const basicOk = basicAuth !== undefined && sameSecret(offered.basic ?? '', basicAuth);
    if (!tokenOk && !basicOk) {
      c.header('WWW-Authenticate', 'Basic realm="otel-sequelize-audit", charset="UTF-8"');
      throw new HttpProblem(
        401,
        'authentication required: send "Authorization: Bearer <token>" or basic auth',
      );
    }
    return next();
  };
}

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0];
}
