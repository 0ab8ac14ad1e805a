import type { Attributes } from '@opentelemetry/api';
import { ATTR_DB_QUERY_PARAMETER_PREFIX, REDACTED_MARKER } from '../semconv';
import { positionalParameterColumns } from './positional-parameter-columns';

const MAX_PARAMETER_LENGTH = 256;

function parameterText(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > MAX_PARAMETER_LENGTH ? `${text.slice(0, MAX_PARAMETER_LENGTH)}...` : text;
}

/**
 * `db.query.parameter.<key>` attributes for bind parameters or replacements: array items by
 * index (`0`, `1`, ...), named ones by name. A parameter is masked when the audit redaction
 * rules (built-in secret names, `audit.redact`, the model's `redact`) match its name, or for
 * a positional one the column it is compared with or inserted into.
 */
export function parameterAttributes(
  parameters: unknown,
  sql: string,
  isRedacted: (name: string) => boolean,
): Attributes {
  const attributes: Attributes = {};
  if (!parameters || typeof parameters !== 'object') return attributes;
  const record = (key: string | number, name: string | undefined, value: unknown) => {
    const redacted = name !== undefined && isRedacted(name);
    attributes[`${ATTR_DB_QUERY_PARAMETER_PREFIX}${key}`] = redacted
      ? REDACTED_MARKER
      : parameterText(value);
  };
  if (Array.isArray(parameters)) {
    const columns = positionalParameterColumns(sql);
    parameters.forEach((value, index) => record(index, columns.get(index), value));
  } else {
    for (const [name, value] of Object.entries(parameters)) record(name, name, value);
  }
  return attributes;
}
