import type { Attributes, DiagLogger } from '@opentelemetry/api';
import { resolveAuditSettings } from '../audit/audit-settings';
import { ATTR_DB_QUERY_PARAMETER_PREFIX } from '../semconv';
import type { SequelizeAuditInstrumentationConfig } from '../types';

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
 * index (`0`, `1`, ...), named ones by name. A named parameter is masked when the audit
 * redaction rules (built-in secret names, `audit.redact`, the model's `redact`) match its
 * name; positional ones carry no name to match and are kept.
 */
export function parameterAttributes(
  parameters: unknown,
  config: SequelizeAuditInstrumentationConfig,
  modelName: string | undefined,
  diag: DiagLogger,
): Attributes {
  const attributes: Attributes = {};
  if (!parameters || typeof parameters !== 'object') return attributes;
  if (Array.isArray(parameters)) {
    parameters.forEach((value, index) => {
      attributes[`${ATTR_DB_QUERY_PARAMETER_PREFIX}${index}`] = parameterText(value);
    });
    return attributes;
  }
  const { redactor } = resolveAuditSettings(config.audit, diag).fieldsOf(modelName ?? '');
  for (const [name, value] of Object.entries(parameters)) {
    attributes[`${ATTR_DB_QUERY_PARAMETER_PREFIX}${name}`] = redactor.isRedacted(name)
      ? '[REDACTED]'
      : parameterText(value);
  }
  return attributes;
}
