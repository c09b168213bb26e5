#!/usr/bin/env bash
# Builds the pinned control-plane binaries (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)
# and kustomize (e2e renders config/default with it) from their official Go modules into a cache outside the work tree. Idempotent: returns at once when cached.
#
# Why a wrapper module: k8s.io/kubernetes requires its staging modules at v0.0.0 with ./staging replaces, which
# are ignored for a dependency (kubernetes/kubernetes#79384). We generate the replace block from the module's
# own go.mod, mapping each staging module to the matching published v0.<minor>.<patch>.
set -euo pipefail
K8S=${K8S_VERSION:-v1.35.4}
MINOR=$(echo "$K8S" | cut -d. -f2)
STAGING=v0.${K8S#v1.}
ETCD=${ETCD_VERSION:-v3.6.16}
KWOK=${KWOK_VERSION:-v0.8.0}
# kustomize v5.8.3 needs Go >= 1.27; v5.8.2 is the newest that builds with Go 1.26.
KUSTOMIZE=${KUSTOMIZE_VERSION:-v5.8.2}
OUT=${THV_K8S_BIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/thv-registry/k8s-$K8S}
BINS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok kustomize)

log() { printf '[control-plane build] %s\n' "$*" >&2; }

missing=()
for b in "${BINS[@]}"; do [ -x "$OUT/$b" ] || missing+=("$b"); done
# kwok >= 0.6 ships no built-in stages: without Stage documents in its --config it exits with "no stages found".
# We take the "fast" stage set (node initialize + lease heartbeat, pod ready/complete/delete) from the kwok module
# of the pinned version, as kwok's own kustomize/stage/fast does.
[ -f "$OUT/kwok-stages.yaml" ] || missing+=(kwok-stages.yaml)
if [ ${#missing[@]} -eq 0 ]; then log "cached: $OUT"; echo "$OUT"; exit 0; fi

command -v go >/dev/null 2>&1 || { log "ERROR: the Go toolchain is missing (needed to build ${missing[*]}). Install Go >= 1.25, or set KUBEBUILDER_ASSETS to a folder with these binaries."; exit 3; }

mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/thv-k8s-build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
start=$(date +%s)
elapsed() { echo "$(( $(date +%s) - start ))s"; }

need() { for b in "$@"; do [[ " ${missing[*]} " == *" $b "* ]] && return 0; done; return 1; }

if need kube-apiserver kube-controller-manager kube-scheduler; then
  log "resolving k8s.io/kubernetes@$K8S ($(elapsed))"
  MODFILE=$(cd "$WORK" && go mod download -json "k8s.io/kubernetes@$K8S" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -f "$MODFILE" ] || { log "ERROR: could not download k8s.io/kubernetes@$K8S"; exit 4; }
  mkdir -p "$WORK/k8s" && cd "$WORK/k8s"
  {
    echo "module local/thvk8sbins"; echo; echo "go 1.25.0"; echo; echo "godebug default=go1.25"; echo
    echo "require k8s.io/kubernetes $K8S"; echo; echo "replace ("
    grep -oE '^\s*k8s\.io/[a-z0-9-]+ => \./staging' "$MODFILE" | awk -v v="$STAGING" '{print "\t"$1" => "$1" "v}'
    echo ")"
    printf 'tool (\n\tk8s.io/kubernetes/cmd/kube-apiserver\n\tk8s.io/kubernetes/cmd/kube-controller-manager\n\tk8s.io/kubernetes/cmd/kube-scheduler\n)\n'
  } > go.mod
  log "generated go.mod with $(grep -c ' => ' go.mod) staging replaces; downloading modules ($(elapsed))"
  go mod tidy
  LD="-s -w -X k8s.io/component-base/version.gitVersion=$K8S -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$MINOR -X k8s.io/client-go/pkg/version.gitVersion=$K8S"
  for b in kube-apiserver kube-controller-manager kube-scheduler; do
    need "$b" || continue
    log "building $b ($(elapsed))"
    go build -trimpath -ldflags "$LD" -o "$OUT/$b.tmp" "k8s.io/kubernetes/cmd/$b"
    mv "$OUT/$b.tmp" "$OUT/$b"
  done
fi

if need etcd; then
  log "building etcd $ETCD ($(elapsed))"
  mkdir -p "$WORK/etcd" && cd "$WORK/etcd"
  go mod init local/thvetcdbin >/dev/null 2>&1
  go get -tool "go.etcd.io/etcd/server/v3@$ETCD"
  go build -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$OUT/etcd.tmp" "$OUT/etcd"
fi

if need kwok; then
  log "building kwok $KWOK ($(elapsed))"
  mkdir -p "$WORK/kwok" && cd "$WORK/kwok"
  go mod init local/thvkwokbin >/dev/null 2>&1
  go get -tool "sigs.k8s.io/kwok/cmd/kwok@$KWOK"
  go build -trimpath -ldflags "-s -w" -o "$OUT/kwok.tmp" sigs.k8s.io/kwok/cmd/kwok
  mv "$OUT/kwok.tmp" "$OUT/kwok"
fi

if need kwok-stages.yaml; then
  log "collecting kwok $KWOK fast stages ($(elapsed))"
  mkdir -p "$WORK/kwok-stages" && cd "$WORK/kwok-stages"
  KWOKDIR=$(go mod download -json "sigs.k8s.io/kwok@$KWOK" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -d "$KWOKDIR/kustomize/stage" ] || { log "ERROR: could not download sigs.k8s.io/kwok@$KWOK"; exit 4; }
  for f in "$KWOKDIR"/kustomize/stage/node/fast/*.yaml "$KWOKDIR"/kustomize/stage/node/heartbeat-with-lease/*.yaml \
           "$KWOKDIR"/kustomize/stage/pod/fast/*.yaml; do
    [ "$(basename "$f")" = kustomization.yaml ] && continue
    printf -- '---\n'; cat "$f"
  done > "$OUT/kwok-stages.yaml.tmp"
  mv "$OUT/kwok-stages.yaml.tmp" "$OUT/kwok-stages.yaml"
fi

if need kustomize; then
  log "building kustomize $KUSTOMIZE ($(elapsed))"
  mkdir -p "$WORK/kustomize" && cd "$WORK/kustomize"
  go mod init local/thvkustomizebin >/dev/null 2>&1
  go get -tool "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE"
  go build -trimpath -ldflags "-s -w" -o "$OUT/kustomize.tmp" sigs.k8s.io/kustomize/kustomize/v5
  mv "$OUT/kustomize.tmp" "$OUT/kustomize"
fi

log "done in $(elapsed): $OUT"
echo "$OUT"
