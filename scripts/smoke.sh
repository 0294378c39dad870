#!/usr/bin/env bash
# Smoke test of a built binary: copied to an empty directory, run with an empty environment,
# it serves on embedded SQLite, answers /health, and passes its own `simulate`.
# The server binds a free port itself (--port 0); its "listening on URL" line says which.
set -euo pipefail
bin=$(realpath "${1:-dist/mpesa-cb}")
dir=$(mktemp -d)
pid=""
trap '[[ -n $pid ]] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$dir"' EXIT
fail() { echo "smoke test FAILED: $*" >&2; sed 's/^/  serve: /' "$dir/serve.log" >&2 2>/dev/null || true; exit 1; }
cp "$bin" "$dir/mpesa-cb"
cd "$dir"
env -i ./mpesa-cb serve --port 0 --host 127.0.0.1 > serve.log 2>&1 &
pid=$!
url=""
for _ in $(seq 1 300); do # up to 30 s on a busy machine
  url=$(grep -o 'listening on http://[^ ]*' serve.log | head -n 1 | cut -d' ' -f3 || true)
  [[ -n $url ]] && break
  kill -0 "$pid" 2>/dev/null || fail "serve exited before listening"
  sleep 0.1
done
[[ -n $url ]] || fail "serve never logged its listening line"
for _ in $(seq 1 300); do
  if env -i ./mpesa-cb health --url "$url" --quiet; then break; fi
  sleep 0.1
done
env -i ./mpesa-cb health --url "$url" || fail "health at $url"
env -i ./mpesa-cb simulate --url "$url" || fail "simulate at $url"
test -s data/mpesa-cb.sqlite || fail "no data/mpesa-cb.sqlite"
kill -TERM "$pid"
wait "$pid" || fail "serve exited $? on SIGTERM"
pid=""
echo "smoke test passed: $(./mpesa-cb --version) on $url"
