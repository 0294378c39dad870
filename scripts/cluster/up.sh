#!/usr/bin/env bash
# Starts a local cluster (3 Galera nodes, 2 mpesa-cb serve instances, HAProxy) and stays in the foreground.
# Usage: bash scripts/cluster/up.sh [--binary dist/mpesa-cb]    (stop: Ctrl-C, or bash scripts/cluster/down.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node_modules/.bin/bun scripts/cluster/up.ts "$@"
