#!/usr/bin/env bash
# Stored callbacks/s: two instances behind HAProxy on the 3-node Galera cluster beside one instance on one MariaDB
# (127.0.0.1:3306), in one run. Needs wrk and the local MariaDB; the cluster's packages are installed when missing.
# Usage: bash scripts/cluster/bench.sh   (BENCH_SECONDS=10, BENCH_SINGLE_URL=mysql://root@127.0.0.1:3306)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
exec node_modules/.bin/bun scripts/cluster/bench.ts
