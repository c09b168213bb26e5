#!/usr/bin/env bash
# Installs the npm dependencies from the lockfile (`npm ci`) when node_modules is missing or older than
# package-lock.json, so `npm test` and `npm start` work on a fresh clone. Used by both; prints only when it installs.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json   # npm writes this hidden lockfile on every install
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ ! -d node_modules/tsx ]; then
  printf '[deps] installing npm dependencies (npm ci)\n' >&2
  npm ci --no-audit --no-fund >&2
fi
