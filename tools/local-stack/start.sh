#!/usr/bin/env bash
# `npm start`: a local control plane (etcd, kube-apiserver, controllers, kwok), the CRDs, the operator, the sample
# registry from config/samples and its registry API on http://127.0.0.1:8080. Foreground until Ctrl-C.
# The first run builds the pinned Kubernetes binaries into ~/.cache/thv-registry (15-30 min on 2 cores, needs Go);
# later runs reuse them and are up in well under a minute.
# Env: THV_LOCAL_PORT (API port, default 8080), LOG_LEVEL (operator and API, default info).
set -euo pipefail
cd "$(dirname "$0")/../.."
log() { printf '[local-stack] %s\n' "$*" >&2; }

bash tools/ensure-npm-deps.sh
log "checking the control-plane binaries (cached in ~/.cache/thv-registry; a first build shows its progress below)"
bash tools/control-plane/build/build-binaries.sh >/dev/null
exec node --conditions=@thv/source --import tsx tools/local-stack/local-stack.main.ts "$@"
