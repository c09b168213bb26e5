#!/usr/bin/env bash
# Runs one suite of one Nx project with mocha: `mocha-project.sh unit|int|e2e <projectRoot>`.
# This is the command behind the `test`, `int` and `e2e` targets of every project (nx.json targetDefaults), so
# `npx nx run-many -t test -p @thv/k8s-reconcile` runs that project's unit tests. Where the files live:
#   unit  <projectRoot>/src/**/*.test.ts (no control plane)
#   int   <projectRoot>/test/**/*.int.test.ts (one control plane per mocha run, from the root hook)
#   e2e   <projectRoot>/**/*.e2e.test.ts (one control plane per mocha run, from the root hook)
# A project without files for the suite passes with nothing run. When THV_TEST_RESULTS_DIR is set (run-all.sh),
# the tally goes to <dir>/<suite>/<projectRoot>.json, one file per project and suite (a cached `test` run restores
# it: it is that target's output).
set -uo pipefail
suite=$1 root=${2%/}
cd "$(dirname "$0")/../.."
case $suite in
  unit) pattern="$root/src/**/*.test.ts"; extra=(--timeout 20000) ;;
  int) pattern="$root/test/**/*.int.test.ts"; extra=(--timeout 120000 --require tools/control-plane/src/mocha-root-hook.ts) ;;
  e2e) pattern="$root/**/*.e2e.test.ts"; extra=(--timeout 300000 --require tools/control-plane/src/mocha-root-hook.ts) ;;
  *) echo "mocha-project.sh: unknown suite '$suite' (unit, int or e2e)" >&2; exit 2 ;;
esac
shopt -s globstar nullglob
files=()
for f in $pattern; do
  [[ $suite == unit && $f == *.int.test.ts ]] && continue
  [[ $f == */node_modules/* || $f == */dist/* ]] && continue
  files+=("$f")
done
summary=
if [ -n "${THV_TEST_RESULTS_DIR:-}" ]; then summary="$THV_TEST_RESULTS_DIR/$suite/$root.json"; mkdir -p "$(dirname "$summary")"; fi
if [ ${#files[@]} -eq 0 ]; then
  echo "no $suite tests in $root"
  [ -n "$summary" ] && echo '{"passed":0,"failed":0}' > "$summary"
  exit 0
fi
THV_TEST_SUMMARY_FILE=$summary exec npx mocha --node-option conditions=@thv/source --node-option import=tsx --extension ts \
  --reporter tools/test/summary-reporter.cjs "${extra[@]}" "${files[@]}"
