#!/usr/bin/env bash
# Stops the cluster started by up.sh (it removes its temp directory itself) and waits up to 30 s for it.
set -euo pipefail
pidfile="${TMPDIR:-/tmp}/mpesa-cb-cluster.pid"
[ -f "$pidfile" ] || { echo "no cluster running (no $pidfile)"; exit 0; }
pid=$(cat "$pidfile")
kill -TERM "$pid" 2>/dev/null || { echo "cluster process $pid is gone"; rm -f "$pidfile"; exit 0; }
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || { echo "cluster stopped"; exit 0; }; sleep 0.1; done
echo "cluster process $pid did not stop within 30 s" >&2; exit 1
