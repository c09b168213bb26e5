#!/usr/bin/env bash
# Type-checks one Nx project: `typecheck-project.sh <projectRoot>` (the `typecheck` target of every project, from
# nx.json targetDefaults). It checks the project's own files (sources, tests, examples) with the root compiler
# options; imports of other projects resolve to their sources (the @thv/source condition), so a project is
# checked against what its dependencies declare. Ambient declarations of libs and tools (`src/**/*.d.ts`, e.g.
# testkit's for oidc-provider) are included too, as the whole-repository `tsc` sees them. `npm test` still runs one whole-repository `tsc` (faster than
# one process per project); this target is for `nx affected -t typecheck` and for one project at a time.
set -euo pipefail
root=${1%/}
cd "$(dirname "$0")/../.."
repo=$PWD
# Under node_modules so that `types` (node, mocha) resolve from the repository's node_modules/@types.
dir=$repo/node_modules/.cache/thv-typecheck
mkdir -p "$dir"
config=$dir/$(echo "$root" | tr '/' '_').tsconfig.json
cat > "$config" <<JSON
{
  "extends": "$repo/tsconfig.json",
  "include": ["$repo/$root/**/*.ts", "$repo/libs/*/src/**/*.d.ts", "$repo/tools/*/src/**/*.d.ts"],
  "exclude": ["$repo/$root/**/node_modules", "$repo/$root/**/dist"]
}
JSON
exec npx tsc -p "$config"
