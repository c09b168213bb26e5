#!/usr/bin/env bash
# Installs Debian's chromium for the catalogue's browser tests (apps/registry-api/test/catalogue*.int.test.ts).
# Idempotent and fast when chromium is already installed; runs `apt-get update` only when the package is unknown.
set -euo pipefail
readonly binary=/usr/lib/chromium/chromium
if [[ -x "$binary" ]]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y --no-install-recommends chromium
fi
[[ -x "$binary" ]] || { echo "ensure-chromium: $binary missing after install" >&2; exit 1; }
