#!/usr/bin/env bash
# Builds the self-contained binary dist/mpesa-cb (host target) with bun build --compile.
# Flags per DESIGN.md: no autoloaded bunfig/.env in the binary, pg-hstore left out (sequelize's postgres-only dep).
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
mkdir -p dist
node_modules/.bin/bun build src/cli/main.ts --compile --minify --bytecode --format=esm \
  --no-compile-autoload-bunfig --no-compile-autoload-dotenv --external pg-hstore \
  --define "BUILD_COMMIT=\"${commit}\"" --outfile dist/mpesa-cb
ls -l dist/mpesa-cb | awk '{printf "dist/mpesa-cb: %.1f MiB\n", $5/1048576}'
