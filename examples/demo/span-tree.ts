import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { AttributeValue } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import pc from 'picocolors';

/** A span exporter that keeps every finished span in memory, so the demo can print a trace. */
export class SpanTreeRecorder implements SpanExporter {
  private readonly finished: ReadableSpan[] = [];

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.finished.push(...spans);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {}

  async forceFlush(): Promise<void> {}

  /** The finished spans of one trace, in the order they ended. */
  spansOfTrace(traceId: string): ReadableSpan[] {
    return this.finished.filter((span) => span.spanContext().traceId === traceId);
  }
}

interface TreeNode {
  span: ReadableSpan;
  children: TreeNode[];
}

/** Renders the spans of one trace as an indented tree, roots first, children by start time. */
export function renderSpanTree(spans: readonly ReadableSpan[]): string[] {
  const lines: string[] = [];
  for (const root of buildForest(spans)) renderNode(root, '', '', lines);
  return lines;
}

function buildForest(spans: readonly ReadableSpan[]): TreeNode[] {
  const nodes = new Map<string, TreeNode>();
  for (const span of spans) nodes.set(span.spanContext().spanId, { span, children: [] });
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parentId = node.span.parentSpanContext?.spanId;
    const parent = parentId ? nodes.get(parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const byStart = (a: TreeNode, b: TreeNode): number =>
    hrTimeToMilliseconds(a.span.startTime) - hrTimeToMilliseconds(b.span.startTime);
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}

function renderNode(node: TreeNode, ownPrefix: string, childPrefix: string, out: string[]): void {
  out.push(ownPrefix + describeSpan(node.span));
  node.children.forEach((child, index) => {
    const last = index === node.children.length - 1;
    renderNode(
      child,
      childPrefix + (last ? '└─ ' : '├─ '),
      childPrefix + (last ? '   ' : '│  '),
      out,
    );
  });
}

function describeSpan(span: ReadableSpan): string {
  const failed = span.status.code === SpanStatusCode.ERROR ? pc.red(' ERROR') : '';
  const detail = spanDetail(span);
  return [pc.bold(span.name), pc.dim(SpanKind[span.kind]) + failed, detail ? pc.cyan(detail) : '']
    .filter(Boolean)
    .join('  ');
}

/** The one line that tells what a span did: its SQL, its row change, or its transaction. */
function spanDetail(span: ReadableSpan): string {
  const attributes = span.attributes;
  if (attributes['audit.operation'] !== undefined) return describeAuditSpan(span);
  const query = attributes['db.query.text'];
  if (query !== undefined) return shorten(String(query), 110);
  return Object.entries(attributes)
    .filter(([key]) => /transaction\.(?!id$)/.test(key))
    .map(([key, value]) => `${key.slice(key.lastIndexOf('.') + 1)}=${formatValue(value)}`)
    .join(' ');
}

function describeAuditSpan(span: ReadableSpan): string {
  const a = span.attributes;
  const parts = [
    `${String(a['audit.operation'])} ${String(a['db.collection.name'] ?? a['audit.model'] ?? '')}#${String(a['audit.record.id'] ?? '?')}`,
  ];
  if (a['audit.actor.id'] !== undefined) parts.push(`by ${String(a['audit.actor.id'])}`);
  if (a['audit.changed_fields'] !== undefined)
    parts.push(`fields=${formatValue(a['audit.changed_fields'])}`);
  return parts.join(' ');
}

function formatValue(value: AttributeValue | undefined): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

function shorten(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
