import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { spanExporter } from '../../support/setup';
import type { DialectFixture } from '../../support/dialects';

/** Every span ended since the test began, audit spans left out (their own suites test them). */
export function tracedSpans(): ReadableSpan[] {
  return spanExporter.getFinishedSpans().filter((span) => !span.name.startsWith('audit '));
}

export function spansNamed(name: string): ReadableSpan[] {
  return tracedSpans().filter((span) => span.name === name);
}

/** The one span with this name; fails when there is none or more than one. */
export function onlySpan(name: string): ReadableSpan {
  const found = spansNamed(name);
  const names = tracedSpans().map((span) => span.name);
  assert.equal(
    found.length,
    1,
    `expected one "${name}" span, got ${found.length} among ${names.join(', ')}`,
  );
  return found[0];
}

export function parentOf(span: ReadableSpan): ReadableSpan | undefined {
  const parentId = span.parentSpanContext?.spanId;
  return tracedSpans().find((candidate) => candidate.spanContext().spanId === parentId);
}

/** The children of a span in the order they ended (for sequential work, the order they ran). */
export function childrenOf(span: ReadableSpan): ReadableSpan[] {
  const id = span.spanContext().spanId;
  return tracedSpans().filter((candidate) => candidate.parentSpanContext?.spanId === id);
}

export function childNames(span: ReadableSpan): string[] {
  return childrenOf(span).map((child) => child.name);
}

export function clientSpans(): ReadableSpan[] {
  return tracedSpans().filter((span) => span.kind === SpanKind.CLIENT);
}

/** Every `db.query.text` of the test, joined, to search for leaked literals. */
export function allQueryTexts(): string {
  return clientSpans()
    .map((span) => String(span.attributes['db.query.text']))
    .join('\n');
}

/** The attributes every span of this database carries: system, namespace, server. */
export function assertConnectionAttributes(span: ReadableSpan, db: DialectFixture): void {
  assert.equal(span.attributes['db.system.name'], db.dbSystem);
  if (db.name === 'sqlite') {
    assert.equal(span.attributes['db.namespace'], db.database);
    assert.equal(span.attributes['server.address'], undefined);
    assert.equal(span.attributes['server.port'], undefined);
  } else {
    assert.equal(span.attributes['db.namespace'], db.database);
    const url = new URL(db.url);
    const defaultPort = db.name === 'postgres' ? 5432 : 3306;
    assert.equal(span.attributes['server.address'], url.hostname);
    assert.equal(span.attributes['server.port'], Number(url.port || defaultPort));
  }
}

/** Checks a query span: CLIENT kind, its verb, its table, the name that follows from them. */
export function assertQuerySpan(
  span: ReadableSpan,
  db: DialectFixture,
  expected: { operation: string; collection?: string },
): void {
  assert.equal(span.kind, SpanKind.CLIENT, `${span.name} is a CLIENT span`);
  assert.equal(span.attributes['db.operation.name'], expected.operation);
  assert.equal(span.attributes['db.collection.name'], expected.collection);
  const summary = expected.collection
    ? `${expected.operation} ${expected.collection}`
    : expected.operation;
  assert.equal(span.attributes['db.query.summary'], summary);
  assert.equal(span.name, summary);
  assertConnectionAttributes(span, db);
}
