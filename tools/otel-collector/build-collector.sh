#!/usr/bin/env bash
# Builds a minimal OpenTelemetry Collector (OTLP receiver + debug exporter) from its Go modules with the
# collector builder (ocb) into a cache outside the work tree, for the telemetry tests. Idempotent: returns at once
# when cached. Prints the binary's path on stdout. About 70 s on 2 cores once the modules are downloaded.
set -euo pipefail
OTEL=${OTEL_COLLECTOR_VERSION:-v0.165.0}
OUT=${THV_OTELCOL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv-registry/otelcol-$OTEL}
BIN=$OUT/otelcol-thv

log() { printf '[otelcol build] %s\n' "$*" >&2; }

if [ -x "$BIN" ]; then log "cached: $BIN"; echo "$BIN"; exit 0; fi
command -v go >/dev/null 2>&1 || { log "ERROR: the Go toolchain is missing (needed to build the OpenTelemetry Collector). Install Go >= 1.25."; exit 3; }

mkdir -p "$OUT"
# One build at a time: concurrent test runs wait for the first one.
exec 9>"$OUT/.lock"
flock 9
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/thv-otelcol-build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=${GOTOOLCHAIN:-local}
start=$(date +%s)
elapsed() { echo "$(( $(date +%s) - start ))s"; }

log "installing the collector builder $OTEL ($(elapsed))"
GOBIN="$WORK/bin" go install "go.opentelemetry.io/collector/cmd/builder@$OTEL"
cat > "$WORK/builder.yaml" <<YAML
dist:
  name: otelcol-thv
  description: OpenTelemetry Collector for the thv-registry telemetry tests
  output_path: $WORK/dist
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver $OTEL
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter $OTEL
YAML
log "building the collector ($(elapsed))"
"$WORK/bin/builder" --config "$WORK/builder.yaml" >&2
mv "$WORK/dist/otelcol-thv" "$BIN.tmp"
mv "$BIN.tmp" "$BIN"
log "built $BIN ($(elapsed))"
echo "$BIN"
