/**
 * The one-flag start: `node --require otel-sequelize-audit/register app.js`, or for ESM
 * `node --import otel-sequelize-audit/register app.js` (which also installs OpenTelemetry's
 * ESM loader hook). Builds a NodeSDK with the Sequelize instrumentation and the
 * AuditSpanProcessor from the environment alone (`OTEL_*`, `AUDIT_*`; see the README).
 */
import { startFromEnv } from './register/start-from-env';

// Once per process, even when both `--require` and `--import` name it, or two copies load.
const STARTED = Symbol.for('otel-sequelize-audit.register.started');
const holder = globalThis as { [STARTED]?: true };
if (!holder[STARTED]) {
  holder[STARTED] = true;
  startFromEnv();
}
