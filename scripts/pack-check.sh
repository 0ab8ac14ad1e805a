#!/usr/bin/env bash
# The package as published: packs it, checks the exports map and typings, installs the tarball
# into a scratch application that has only the package's declared dependencies and peers (plus
# the application's own SQLite driver), and runs there the quickstart, the register entry in
# CommonJS and ESM, the CLI, and a type check of a TypeScript consumer.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/osa-pack-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
step() { echo "-- pack-check: $*"; }

step "build, public typings closure"
npm run build --silent
npx tsx scripts/check-public-types.ts build/src

step "npm pack, exports map and types (arethetypeswrong)"
TARBALL="$WORK/$(npm pack --silent --pack-destination "$WORK" | tail -n 1)"
# node10 resolution (TypeScript's legacy mode) cannot see subpath exports; ./register is
# loaded with --require / --import, never typed as an import.
npx attw "$TARBALL" --profile node16

APP="$WORK/app"
mkdir -p "$APP/quickstart" "$APP/esm"
cd "$APP"
cat > package.json <<JSON
{ "name": "pack-check-app", "private": true, "type": "commonjs" }
JSON
echo '{ "type": "module" }' > esm/package.json
for file in main.ts telemetry.ts; do
  sed "s#'../../src'#'otel-sequelize-audit'#" "$REPO/examples/quickstart/$file" > "quickstart/$file"
done
cp "$REPO/scripts/pack-check/consumer.ts" consumer.ts
cp "$REPO/examples/register-cjs/app.js" app.js
cp "$REPO/examples/register-esm/app.js" esm/app.js
cat > tsconfig.json <<JSON
{
  "compilerOptions": {
    "strict": true, "target": "ES2022", "module": "node16", "moduleResolution": "node16",
    "outDir": "out", "rootDir": ".", "types": ["node"], "typeRoots": ["$REPO/node_modules/@types"],
    "skipLibCheck": false, "esModuleInterop": true
  },
  "include": ["consumer.ts", "quickstart/*.ts"]
}
JSON

step "install the tarball with its declared dependencies and peers"
npm install --no-audit --no-fund --loglevel=error "$TARBALL" sequelize
# sqlite3 is the application's driver, not ours: linked to the repository's built copy (a
# symlink npm never sees, so it neither compiles it again nor touches the original).
ln -s "$REPO/node_modules/sqlite3" node_modules/sqlite3
for package in @opentelemetry/sdk-node @opentelemetry/sdk-trace-base @opentelemetry/sdk-trace @opentelemetry/instrumentation; do
  copies="$(npm ls --all --parseable "$package" 2>/dev/null | grep -c "node_modules/$package\$" || true)"
  echo "   $package: $copies cop$([ "$copies" = 1 ] && echo y || echo ies)"
  [ "$copies" -le 1 ] || { npm ls --all "$package"; echo "pack-check: two copies of $package" >&2; exit 1; }
done

step "type-check a TypeScript consumer and the quickstart against the published typings"
node "$REPO/node_modules/typescript/bin/tsc" -p tsconfig.json

step "quickstart"
node out/quickstart/main.js | tee quickstart.out
# the verify result may print over several lines
tr -d '\n' < quickstart.out | grep -qE "verify: \{ *ok: true"

export OTEL_TRACES_EXPORTER=none OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none
step "register, CommonJS (--require)"
AUDIT_STORE_URL=sqlite:cjs.sqlite node --require otel-sequelize-audit/register app.js
step "register, ESM (--import)"
(cd esm && AUDIT_STORE_URL=sqlite:../esm.sqlite node --import otel-sequelize-audit/register app.js)
step "register names a missing driver and, with AUDIT_REQUIRED=true, refuses to start"
if AUDIT_REQUIRED=true AUDIT_STORE_URL=postgres://audit@127.0.0.1:5432/app \
  node --require otel-sequelize-audit/register app.js 2> missing-driver.err; then
  echo "pack-check: started without the pg driver" >&2; exit 1
fi
grep -q 'npm install pg' missing-driver.err

step "CLI: --help, verify, history"
npx --no-install otel-sequelize-audit --help > /dev/null
npx --no-install otel-sequelize-audit verify --store sqlite:cjs.sqlite
npx --no-install otel-sequelize-audit history users 1 --store sqlite:esm.sqlite
step "ok"
