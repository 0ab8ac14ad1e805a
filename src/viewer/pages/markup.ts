import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** Escaped HTML: every interpolated value is text unless it is itself `Markup`. */
export type Markup = HtmlEscapedString;

/** `html` from Hono (escapes every interpolation), for synchronous values only. */
export function markup(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  const result = html(strings, ...values);
  if (result instanceof Promise) throw new TypeError('markup() got a promise as a value');
  return result;
}

/** Path segments, each URL-encoded. */
export function path(...segments: Array<string | number>): string {
  return '/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}

/** A path with query parameters, empty ones left out. */
export function withQuery(base: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `${base}?${text}` : base;
}
