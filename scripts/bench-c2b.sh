#!/usr/bin/env bash
# C2B and B2C results beside STK on MariaDB, in one run (issues 11 and 12): unique STK successes, unique C2B
# confirmations, unique B2C payout results, each at 64 connections for 10 s; then C2B confirmations at 60 connections while 4 connections ask
# /c2b/validation, for the validation answer's p50/p99 under that load. Needs wrk (Debian) and the local MariaDB.
# Usage: bash scripts/bench-c2b.sh [mysql://root@127.0.0.1:3306/test]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
base=${1:-mysql://root@127.0.0.1:3306/test}
run=$(date +%s | tail -c 7)
db="mpesa_cb_bench_c2b_$run"
url="${base%/*}/$db"
bun=node_modules/.bin/bun
mariadb -uroot -e "CREATE DATABASE $db"
trap 'kill $serve 2>/dev/null; wait $serve 2>/dev/null; mariadb -uroot -e "DROP DATABASE IF EXISTS $db"' EXIT
$bun src/cli/main.ts migrate --db "$url" >/dev/null
port=$($bun -e 'const s=Bun.serve({port:0,fetch:()=>new Response()});console.log(s.port);s.stop(true)')
$bun src/cli/main.ts serve --db "$url" --port "$port" --host 127.0.0.1 --log-level warn & serve=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
stored() { mariadb -uroot -N -e "SELECT COUNT(*) FROM $db.$1"; }
line() { grep -o 'BENCH.*' <<<"$1"; }
echo "== STK successes, 64 connections, 10 s"
out=$(BENCH_RUN="S$run" BENCH_SECONDS=10 wrk -t2 -c64 -d10s --latency -s scripts/bench-callbacks.lua "http://127.0.0.1:$port")
echo "$(line "$out")  $(grep Requests/sec <<<"$out")  stored=$(stored transactions)"
echo "== C2B confirmations, 64 connections, 10 s"
out=$(BENCH_RUN="C$run" BENCH_SECONDS=10 BENCH_ROUTE=/c2b/confirmation wrk -t2 -c64 -d10s --latency -s scripts/bench-c2b.lua "http://127.0.0.1:$port")
echo "$(line "$out")  $(grep Requests/sec <<<"$out")  stored=$(stored c2b_payments)"
echo "== B2C payout results, 64 connections, 10 s"
out=$(BENCH_RUN="R$run" BENCH_SECONDS=10 BENCH_ROUTE=/results/b2c wrk -t2 -c64 -d10s --latency -s scripts/bench-c2b.lua "http://127.0.0.1:$port")
echo "$(line "$out")  $(grep Requests/sec <<<"$out")  stored=$(stored daraja_results)"
echo "== C2B confirmations at 60 connections, with validation requests on 4 connections, 10 s"
BENCH_RUN="D$run" BENCH_SECONDS=10 BENCH_ROUTE=/c2b/confirmation wrk -t1 -c60 -d10s --latency -s scripts/bench-c2b.lua "http://127.0.0.1:$port" >/tmp/bench-c2b-load.txt &
load=$!
out=$(BENCH_RUN="V$run" BENCH_SECONDS=10 BENCH_ROUTE=/c2b/validation wrk -t1 -c4 -d10s --latency -s scripts/bench-c2b.lua "http://127.0.0.1:$port")
wait $load
echo "confirmations: $(line "$(cat /tmp/bench-c2b-load.txt)")  $(grep Requests/sec /tmp/bench-c2b-load.txt)"
echo "validation:    $(line "$out")  $(grep Requests/sec <<<"$out")  recorded=$(stored c2b_validations)"
