-- Records one `otel-sequelize-audit verify --json` result for the dashboard's integrity panels.
-- psql -v result="$(otel-sequelize-audit verify --json)" -f record-verify.sql
CREATE TABLE IF NOT EXISTS audit_verify_runs (
  checked_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  ok BOOLEAN NOT NULL,
  streams INTEGER NOT NULL,
  records BIGINT NOT NULL,
  break_stream TEXT,
  break_seq BIGINT,
  break_reason TEXT
);
INSERT INTO audit_verify_runs (ok, streams, records, break_stream, break_seq, break_reason)
SELECT (run.r ->> 'ok')::boolean, (run.r ->> 'streams')::integer, (run.r ->> 'records')::bigint,
       run.r -> 'firstBreak' ->> 'stream', (run.r -> 'firstBreak' ->> 'seq')::bigint,
       run.r -> 'firstBreak' ->> 'reason'
FROM (SELECT :'result'::jsonb AS r) AS run;
