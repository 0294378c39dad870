#!/usr/bin/env bash
# `npm run bench`: installs wrk from Debian's packages when it is missing, then runs the benchmark (scripts/bench.ts)
# with the project's Bun. Arguments go to the benchmark: npm run bench -- --quick
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
bun=$(command -v bun || echo node_modules/.bin/bun)
exec "$bun" scripts/bench.ts "$@"
