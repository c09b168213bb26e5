#!/usr/bin/env bash
# API fuzz check (issue 9): runs schemathesis against the registry API started with `--file` on the real
# ToolHive fixture, using our own apps/registry-api/src/openapi.yaml, with every schemathesis check (a 5xx; a
# status code, content type, header or body the document does not allow; a schema-valid request refused or a
# schema-invalid one accepted; ...). tools/test/schemathesis.toml says where a documented 400 answers a
# schema-valid request, and why.
# schemathesis lives in a Python virtual environment under ~/.cache/thv-registry/venv (created on first use).
# Env: THV_FUZZ_EXAMPLES (per operation, default 40), THV_FUZZ_SEED (default fixed, so runs are reproducible),
#      THV_FUZZ_CHECKS (comma list, default all), THV_SHARED_DIR (default testdata/ in the repository).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SCHEMATHESIS_VERSION=4.32.5
VENV=${XDG_CACHE_HOME:-$HOME/.cache}/thv-registry/venv
SHARED=${THV_SHARED_DIR:-$ROOT/testdata}
FIXTURE=$SHARED/fixtures/toolhive-registry.json
SPEC=$ROOT/apps/registry-api/src/openapi.yaml
EXAMPLES=${THV_FUZZ_EXAMPLES:-40}
SEED=${THV_FUZZ_SEED:-20261125}
CHECKS=${THV_FUZZ_CHECKS:-all}
CONFIG=$ROOT/tools/test/schemathesis.toml

log() { printf '[fuzz-api] %s\n' "$*"; }
[ -f "$FIXTURE" ] || { log "ERROR: fixture not found: $FIXTURE (set THV_SHARED_DIR)"; exit 2; }
[ -f "$SPEC" ] || { log "ERROR: OpenAPI document not found: $SPEC"; exit 2; }

if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)" != "$SCHEMATHESIS_VERSION" ]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  command -v python3 >/dev/null || { log "ERROR: python3 (>= 3.10, with venv) is needed for schemathesis"; exit 3; }
  rm -rf "$VENV" && python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

PORT=$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
WORK=$(mktemp -d "${TMPDIR:-/tmp}/thv-fuzz.XXXXXX")
API_PID=
cleanup() {
  if [ -n "$API_PID" ] && kill -0 "$API_PID" 2>/dev/null; then
    kill -TERM "$API_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$API_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$API_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

log "starting the registry API on 127.0.0.1:$PORT with --file $FIXTURE"
LOG_LEVEL=warn node --conditions=@thv/source --import tsx apps/registry-api/src/main.ts \
  --file "$FIXTURE" --port "$PORT" > "$WORK/api.log" 2>&1 &
API_PID=$!
deadline=$(( $(date +%s) + 60 ))
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readiness"; do
  if ! kill -0 "$API_PID" 2>/dev/null || [ "$(date +%s)" -gt "$deadline" ]; then
    log "ERROR: the API did not become ready; its log:"; cat "$WORK/api.log"; exit 1
  fi
  sleep 0.2
done

log "schemathesis: checks=$CHECKS, $EXAMPLES examples per operation, seed $SEED"
cd "$WORK"
rc=0
"$VENV/bin/schemathesis" --config-file "$CONFIG" run "$SPEC" --url "http://127.0.0.1:$PORT" \
  --checks "$CHECKS" --max-examples "$EXAMPLES" --seed "$SEED" \
  --phases examples,coverage,fuzzing --workers 2 --request-timeout 10 --no-color \
  --suppress-health-check too_slow || rc=$?
if [ $rc -ne 0 ]; then log "FAILED (schemathesis exit $rc); API log tail:"; tail -n 40 "$WORK/api.log"; fi
exit $rc
