import type { ConfigurationId } from './protocol';

/** How a configuration is named in the tables, and what it installs. */
export interface ConfigurationInfo {
  label: string;
  description: string;
}

export const CONFIGURATIONS: Record<ConfigurationId, ConfigurationInfo> = {
  plain: { label: 'plain', description: 'Sequelize alone, no OpenTelemetry loaded' },
  'plain-aa': {
    label: 'plain (A/A)',
    description: 'plain again: the difference to plain is the noise floor of this run',
  },
  sdk: {
    label: 'SDK only',
    description: 'tracer provider + BatchSpanProcessor + discarding exporter, no instrumentation',
  },
  official: {
    label: 'official 0.15',
    description: 'SDK + @opentelemetry/instrumentation-sequelize',
  },
  'ours-tracing': {
    label: 'ours: tracing',
    description: 'SDK + SequelizeAuditInstrumentation with audit disabled',
  },
  'ours-audit': {
    label: 'ours: tracing+audit',
    description: 'SDK + SequelizeAuditInstrumentation + AuditSpanProcessor into a JsonlAuditStore',
  },
};

/** Configurations without any OpenTelemetry: they make no spans. */
export function isPlain(id: ConfigurationId): boolean {
  return id === 'plain' || id === 'plain-aa';
}
