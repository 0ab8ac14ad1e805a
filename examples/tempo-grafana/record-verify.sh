#!/usr/bin/env sh
# Runs verify over the audit store and records the result for the Grafana dashboard.
# Run it from cron or a CI schedule, e.g. every 15 minutes:
#   AUDIT_STORE_URL=postgres://postgres@localhost:5433/audit examples/tempo-grafana/record-verify.sh
set -eu
: "${AUDIT_STORE_URL:?set AUDIT_STORE_URL to the PostgreSQL audit store}"
here=$(dirname "$0")
# verify exits 1 on a broken chain and still prints its JSON result: record it either way.
result=$(npx otel-sequelize-audit --store "$AUDIT_STORE_URL" verify --json) || [ $? -eq 1 ]
psql "${AUDIT_STORE_URL%%\?*}" -v ON_ERROR_STOP=1 -v result="$result" -f "$here/record-verify.sql"
