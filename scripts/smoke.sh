#!/usr/bin/env bash
# Smoke test of a built binary: copied to an empty directory, run with an empty environment,
# it serves on embedded SQLite, answers /health, and passes its own `simulate`.
set -euo pipefail
bin=$(realpath "${1:-dist/mpesa-cb}")
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
cp "$bin" "$dir/mpesa-cb"
cd "$dir"
port=$(( 20000 + RANDOM % 20000 ))
env -i ./mpesa-cb serve --port "$port" --host 127.0.0.1 > serve.log 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  if env -i ./mpesa-cb health --url "http://127.0.0.1:$port" --quiet; then break; fi
  sleep 0.1
done
env -i ./mpesa-cb health --url "http://127.0.0.1:$port"
env -i ./mpesa-cb simulate --url "http://127.0.0.1:$port"
test -s data/mpesa-cb.sqlite
kill -TERM "$pid"
wait "$pid"
echo "smoke test passed: $(./mpesa-cb --version)"
