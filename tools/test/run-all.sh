#!/usr/bin/env bash
# Runs every check and test of the repository and ends with one line `N passed, N failed`.
# Unit tests run through Nx (`test` target of every project, cached); each mocha run writes its tally through
# tools/test/summary-reporter.cjs into .test-results/<suite>/<projectRoot>.json (or .test-results/<name>.json), and
# each non-mocha check (typecheck, lint, pack) counts as one test. To add a section, add one `wants X && ...` line
# below and name X in ONLY. Set THV_TEST_SKIP_NODE24=1 to skip the Node 24 rerun and THV_TEST_ONLY="unit int" to run
# a subset while developing.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE=${NX_SKIP_NX_CACHE:-false}
export FORCE_COLOR=${FORCE_COLOR:-0}
RESULTS=$ROOT/.test-results
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
export THV_TEST_RESULTS_DIR=$RESULTS
bash tools/ensure-npm-deps.sh || { echo "FAILED: npm ci"; echo '0 passed, 1 failed'; exit 1; }
ONLY=${THV_TEST_ONLY:-"typecheck lint unit int e2e pack node24 fuzz"}
wants() { [[ " $ONLY " == *" $1 "* ]]; }
section() { printf '\n==== %s ====\n' "$*"; }

# check NAME CMD...: a non-mocha check counted as one test.
check() {
  local name=$1; shift
  section "$name"
  if "$@"; then echo '{"passed":1,"failed":0}' > "$RESULTS/$name.json"
  else echo "FAILED: $name"; echo '{"passed":0,"failed":1}' > "$RESULTS/$name.json"; fi
}

# suite NAME CMD...: a mocha run; a run that dies before its reporter writes counts as one failure.
suite() {
  local name=$1; shift
  section "$name"
  THV_TEST_SUMMARY_FILE="$RESULTS/$name.json" "$@"
  local rc=$?
  if [ ! -s "$RESULTS/$name.json" ]; then
    echo "FAILED: $name exited $rc before reporting results"; echo '{"passed":0,"failed":1}' > "$RESULTS/$name.json"
  elif [ $rc -ne 0 ] && grep -q '"failed":0' "$RESULTS/$name.json"; then
    echo "FAILED: $name exited $rc"; echo '{"passed":0,"failed":1}' > "$RESULTS/$name-exit.json"
  fi
}

# nx_suite NAME TARGET [NX ARGS...]: one Nx target over every project; each project's mocha run writes its own tally
# (tools/test/mocha-project.sh). A failing run that left no failed tally counts as one failure.
nx_suite() {
  local name=$1 target=$2; shift 2
  section "$name (nx run-many -t $target)"
  npx c8 --reporter=text-summary --reports-dir="coverage/$name" npx nx run-many -t "$target" --outputStyle=stream "$@"
  local rc=$?
  if [ $rc -ne 0 ] && ! grep -rqs '"failed":[1-9]' "$RESULTS/$name"; then
    echo "FAILED: $name exited $rc"; echo '{"passed":0,"failed":1}' > "$RESULTS/$name-exit.json"
  fi
}

wants typecheck && check typecheck npx tsc -p tsconfig.json
wants lint && check lint bash -c 'npx nx show projects >/dev/null && npx eslint --max-warnings=0 .'
# Coverage counts the projects whose `test` ran (a cache hit replays its tally without running the tests again).
wants unit && nx_suite unit test --parallel=2
# Integration tests of every project in one mocha run: one control plane for all of them (the root hook starts it).
# `npx nx run-many -t int -p <project>` runs one project's, with a plane of its own.

if wants int || wants e2e || wants node24; then
  section "control-plane binaries"
  if ! bash tools/control-plane/build/build-binaries.sh >/dev/null; then
    echo "FAILED: could not build or find the control-plane binaries"
  fi
  bash tools/test/ensure-chromium.sh >/dev/null || echo "FAILED: could not install Debian's chromium (catalogue browser tests)"
fi
# The OpenTelemetry Collector of the telemetry test (built once from its Go modules, cached like the binaries above).
if wants int || wants node24; then bash tools/otel-collector/build-collector.sh >/dev/null || echo "FAILED: could not build the OpenTelemetry Collector"; fi
wants int && suite int npx mocha --config .mocharc.int.json
wants e2e && [ -n "$(ls e2e/*.e2e.test.ts 2>/dev/null)" ] && suite e2e npx mocha --config .mocharc.e2e.json
wants pack && [ -x tools/test/pack-test.sh ] && check pack bash tools/test/pack-test.sh

if wants node24 && [ "${THV_TEST_SKIP_NODE24:-0}" != 1 ]; then
  section "node 24"
  if NODE24=$(bash tools/test/node24.sh); then
    suite unit-node24 env PATH="$(dirname "$NODE24"):$PATH" npx mocha --config .mocharc.unit.json
    suite int-node24 env PATH="$(dirname "$NODE24"):$PATH" npx mocha --config .mocharc.int.json
  else
    echo "FAILED: could not install Node 24"; echo '{"passed":0,"failed":1}' > "$RESULTS/node24.json"
  fi
fi
wants fuzz && [ -x tools/test/fuzz-api.sh ] && check fuzz bash tools/test/fuzz-api.sh

section "summary"
node -e '
  const fs = require("node:fs"); const dir = process.argv[1]; let p = 0, f = 0
  const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((x) => x.endsWith(".json")).sort()
  for (const file of files) {
    const t = JSON.parse(fs.readFileSync(dir + "/" + file, "utf8")); p += t.passed; f += t.failed
    console.log(`${file.replace(/\.json$/, "").padEnd(36)} ${t.passed} passed, ${t.failed} failed`)
  }
  console.log(`${p} passed, ${f} failed`); process.exit(f > 0 ? 1 : 0)
' "$RESULTS"
