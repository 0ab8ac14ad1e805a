// `node --import otel-sequelize-audit/register app.js`: the ESM side of the one-flag start.
// It installs the loader hook OpenTelemetry documents for ESM (import-in-the-middle, through
// @opentelemetry/instrumentation/hook.mjs), so that `import ... from 'sequelize'` is patched
// too, then runs the same start as `--require otel-sequelize-audit/register`.
import { createRequire, register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
createRequire(import.meta.url)('../build/src/register.js');
