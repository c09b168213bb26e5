#!/usr/bin/env bash
# Proves the two published libraries are consumable: builds @thv/registry-model and @thv/converters, packs them
# with `npm pack`, installs the tarballs into a scratch TypeScript project outside the workspace, compiles a small
# program with tsc (module nodenext) that converts the ToolHive fixture, runs it with node and checks the output.
# Then runs publint --strict and attw on the tarballs and `nx release --dry-run`. Exits non-zero on any failure.
#
# Env: THV_TOOLHIVE_FIXTURE (default: $THV_SHARED_DIR/fixtures/toolhive-registry.json, with THV_SHARED_DIR
# defaulting to testdata/ in the repository). fp-ts, io-ts and @types/node come from the workspace's
# node_modules (file: links), so no registry access is needed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
SHARED=${THV_SHARED_DIR:-$ROOT/testdata}
FIXTURE=${THV_TOOLHIVE_FIXTURE:-$SHARED/fixtures/toolhive-registry.json}
LIBS=(libs/registry-model libs/converters)
[ -f "$FIXTURE" ] || { echo "pack-test: no ToolHive fixture at $FIXTURE (set THV_TOOLHIVE_FIXTURE)" >&2; exit 1; }

WORK=$(mktemp -d)
# The build output would shadow the sources for the workspace's typecheck (the `types` condition comes first in
# the exports maps), so it is removed again however this script ends.
cleanup() { rm -rf "$WORK"; for lib in "${LIBS[@]}"; do rm -rf "$ROOT/$lib/dist"; done; }
trap cleanup EXIT
step() { printf "\n--- pack-test [%ss]: %s\n" "$SECONDS" "$*"; }

step "build"
for lib in "${LIBS[@]}"; do rm -rf "$lib/dist"; done
npx nx run-many -t build -p @thv/registry-model @thv/converters

step "npm pack"
mkdir -p "$WORK/tarballs"
for lib in "${LIBS[@]}"; do (cd "$lib" && npm pack --silent --pack-destination "$WORK/tarballs" >/dev/null); done
MODEL_TGZ=$(ls "$WORK"/tarballs/thv-registry-model-*.tgz)
CONVERTERS_TGZ=$(ls "$WORK"/tarballs/thv-converters-*.tgz)
for tgz in "$MODEL_TGZ" "$CONVERTERS_TGZ"; do
  if tar -tzf "$tgz" | grep -E '\.test\.(ts|js|d\.ts)$|tsbuildinfo$'; then echo "pack-test: $tgz ships test files or build info" >&2; exit 1; fi
done

step "publint --strict"
for tgz in "$MODEL_TGZ" "$CONVERTERS_TGZ"; do npx publint --strict "$tgz"; done

step "attw --pack (ESM-only profile)"
for tgz in "$MODEL_TGZ" "$CONVERTERS_TGZ"; do npx attw --pack "$tgz" --profile esm-only; done

step "scratch project in $WORK/app"
APP=$WORK/app
mkdir -p "$APP/src"
cat > "$APP/package.json" <<JSON
{
  "name": "thv-pack-test-app",
  "private": true,
  "type": "module",
  "dependencies": {
    "@thv/registry-model": "file:$MODEL_TGZ",
    "@thv/converters": "file:$CONVERTERS_TGZ",
    "fp-ts": "file:$ROOT/node_modules/fp-ts",
    "io-ts": "file:$ROOT/node_modules/io-ts",
    "@types/node": "file:$ROOT/node_modules/@types/node"
  }
}
JSON
cat > "$APP/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "target": "ES2023", "lib": ["ES2023"], "module": "nodenext", "moduleResolution": "nodenext",
    "strict": true, "noUncheckedIndexedAccess": true, "verbatimModuleSyntax": true,
    "types": ["node"], "outDir": "dist", "rootDir": "src", "skipLibCheck": false
  },
  "include": ["src/**/*.ts"]
}
JSON
cat > "$APP/src/main.ts" <<'TS'
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { buildSnapshot, canonicalJson, filterServers, toToolHiveRegistry, toUpstreamServerList } from '@thv/converters'
import { decodeToolHiveRegistry, parseJson, type RegistrySnapshot } from '@thv/registry-model'

const path = process.argv[2]
if (path === undefined) throw new Error('usage: main.js <toolhive-registry.json>')
const raw = readFileSync(path)
const built = buildSnapshot({
  raw,
  registry: { name: 'pack-test', namespace: 'default', source: { type: 'file', ref: path } },
  now: new Date('2026-01-01T00:00:00Z'),
})
if (E.isLeft(built)) throw new Error(`buildSnapshot failed: ${built.left.code}: ${built.left.message}`)
const snapshot: RegistrySnapshot = built.right
const doc = toToolHiveRegistry(snapshot)
const parsed = parseJson(raw)
if (E.isLeft(parsed)) throw new Error(parsed.left.message)
const redecoded = decodeToolHiveRegistry(doc)
const database = filterServers(snapshot.servers, { tags: { include: ['database'] } })
console.log(JSON.stringify({
  servers: snapshot.servers.length,
  upstreamCount: toUpstreamServerList(snapshot).metadata.count,
  toolhiveServers: Object.keys(doc.servers).length + Object.keys(doc.remote_servers).length,
  roundTripIdentical: canonicalJson(doc) === canonicalJson(parsed.right),
  toolhiveValid: E.isRight(redecoded),
  filterWorks: E.isRight(database) && database.right.length > 0 && database.right.length < snapshot.servers.length,
}))
TS
(cd "$APP" && npm install --offline --no-audit --no-fund --ignore-scripts --loglevel=error)
"$ROOT/node_modules/.bin/tsc" -p "$APP/tsconfig.json"
OUT=$(cd "$APP" && node dist/main.js "$FIXTURE")
echo "$OUT"
EXPECTED='{"servers":86,"upstreamCount":86,"toolhiveServers":86,"roundTripIdentical":true,"toolhiveValid":true,"filterWorks":true}'
[ "$OUT" = "$EXPECTED" ] || { echo "pack-test: expected $EXPECTED" >&2; exit 1; }

step "nx release --dry-run"
npx nx release --dry-run --skip-publish 0.1.1 >"$WORK/release.log" 2>&1 || { cat "$WORK/release.log"; echo "pack-test: nx release dry run failed" >&2; exit 1; }
tail -5 "$WORK/release.log"

step "passed"
