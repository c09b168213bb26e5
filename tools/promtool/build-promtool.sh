#!/usr/bin/env bash
# Builds promtool (Prometheus's rule checker) from its Go module into a cache outside the work tree, for the
# alert rule test. Idempotent: returns at once when cached. Prints the binary's path on stdout.
set -euo pipefail
PROM=${PROMETHEUS_MODULE_VERSION:-v0.316.0}
OUT=${THV_PROMTOOL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv-registry/promtool-$PROM}
BIN=$OUT/promtool

log() { printf '[promtool build] %s\n' "$*" >&2; }

if [ -x "$BIN" ]; then log "cached: $BIN"; echo "$BIN"; exit 0; fi
command -v go >/dev/null 2>&1 || { log "ERROR: the Go toolchain is missing (needed to build promtool). Install Go >= 1.25."; exit 3; }
mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock 9
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=${GOTOOLCHAIN:-local}
start=$(date +%s)
log "building github.com/prometheus/prometheus/cmd/promtool@$PROM"
GOBIN="$OUT/.bin" go install -trimpath -ldflags "-s -w" "github.com/prometheus/prometheus/cmd/promtool@$PROM"
mv "$OUT/.bin/promtool" "$BIN"
rmdir "$OUT/.bin" 2>/dev/null || true
log "built $BIN ($(( $(date +%s) - start ))s)"
echo "$BIN"
