#!/usr/bin/env bash
# Runs every benchmark (bench/*.bench.ts), prints one table and writes bench/results/latest.json.
#
# Contract for a benchmark file bench/<name>.bench.ts:
#   - it is run as `node --conditions=@thv/source --import tsx bench/<name>.bench.ts` from the repository root;
#   - it writes ONE JSON object with its figures to the file named by $THV_BENCH_RESULT_FILE
#     (or, failing that, prints it as the last line of its stdout);
#   - the object is either flat (merged into the section named after the file, see SECTION below) or keyed by
#     section ({"api": {...}, "sync": {...}}); numbers are medians of repeated runs, ratios measured in the same run.
# Required keys of latest.json: api.ratioToBareNode, api.p99Ms, api.authRatio, freshness.p50Ms,
# freshness.p95Ms, sync.tenThousandMs, operator.rssMiB, operator.scaleSeconds, machine. A key no benchmark
# measured is written as null, with the reason under `missing`.
# Usage: npm run bench                     every benchmark
#        npm run bench -- api freshness    only these (by file name without .bench.ts)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/results
mkdir -p "$OUT"
export NX_DAEMON=false FORCE_COLOR=${FORCE_COLOR:-0}

names=()
if [ $# -gt 0 ]; then names=("$@")
else for f in bench/*.bench.ts; do [ -e "$f" ] && names+=("$(basename "$f" .bench.ts)"); done; fi
[ ${#names[@]} -gt 0 ] || { echo "no bench/*.bench.ts found"; exit 1; }

# Benchmarks that need the control plane make sure its binaries exist (cached after the first build).
if grep -lq '@thv/control-plane' $(printf 'bench/%s.bench.ts ' "${names[@]}") 2>/dev/null; then
  bash tools/control-plane/build/build-binaries.sh >/dev/null || echo "warning: control-plane binaries missing"
fi

failed=0
for name in "${names[@]}"; do
  file=bench/$name.bench.ts
  [ -f "$file" ] || { echo "no such benchmark: $file"; failed=1; continue; }
  result=$OUT/$name.tmp
  log=$OUT/$name.log.tmp
  rm -f "$result"
  printf '\n==== bench %s ====\n' "$name"
  start=$(date +%s)
  THV_BENCH_RESULT_FILE=$result node --conditions=@thv/source --import tsx "$file" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  echo "bench $name exited $rc after $(( $(date +%s) - start ))s"
  if [ ! -s "$result" ]; then tail -n 1 "$log" | node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        try { const v = JSON.parse(s); if (v && typeof v === "object") process.stdout.write(JSON.stringify(v)) } catch {} })
    ' > "$result"; fi
  if [ $rc -ne 0 ]; then echo "exited $rc" > "$OUT/$name.err.tmp"; failed=1; else rm -f "$OUT/$name.err.tmp"; fi
done

# Merge: start from the previous latest.json (sections not rerun keep their figures and measuredAt), overlay
# every fresh result, fill the machine description, null what nobody measured, print the table.
node - "$OUT" "${names[@]}" <<'NODE'
const fs = require('node:fs'); const os = require('node:os'); const path = require('node:path')
const [outDir, ...names] = process.argv.slice(2)
const SECTION = { api: 'api', storage: 'sync', sync: 'sync', freshness: 'freshness', 'operator-scale': 'operator', sources: 'sources' }
const REQUIRED = { api: ['ratioToBareNode', 'p99Ms', 'authRatio'], freshness: ['p50Ms', 'p95Ms'], sync: ['tenThousandMs'],
  operator: ['rssMiB', 'scaleSeconds'], ui: ['listP99Ms'] }
const latestPath = path.join(outDir, 'latest.json')
let latest = {}
try { latest = JSON.parse(fs.readFileSync(latestPath, 'utf8')) } catch { latest = {} }
const missing = {}
const now = new Date().toISOString()
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
for (const name of names) {
  const section = SECTION[name] ?? name
  let result
  try { result = JSON.parse(fs.readFileSync(path.join(outDir, `${name}.tmp`), 'utf8')) } catch { result = undefined }
  const failed = fs.existsSync(path.join(outDir, `${name}.err.tmp`))
  if (!isObj(result)) { missing[section] = `bench/${name}.bench.ts ${failed ? 'failed' : 'wrote no result'}`; continue }
  const keyed = Object.keys(result).some((k) => Object.values(SECTION).includes(k) && isObj(result[k]))
  const parts = keyed ? result : { [section]: result }
  for (const [s, v] of Object.entries(parts)) {
    if (!isObj(v)) continue
    // Several benchmark files may report into one section (api.bench.ts and api-memory.bench.ts both write `api`):
    // a file's keys replace the same keys, the section's other keys stay.
    const { incomplete: _incomplete, ...before } = isObj(latest[s]) ? latest[s] : {}
    latest[s] = { ...before, ...v, measuredAt: now, ...(failed ? { incomplete: true } : {}) }
  }
}
const cpus = os.cpus()
latest.machine = { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()}`, arch: os.arch(), node: process.version, measuredAt: now }
for (const [s, keys] of Object.entries(REQUIRED)) {
  latest[s] = isObj(latest[s]) ? latest[s] : {}
  for (const k of keys) {
    if (typeof latest[s][k] !== 'number') {
      latest[s][k] = null
      const file = Object.entries(SECTION).find(([, v]) => v === s)?.[0] ?? s
      missing[`${s}.${k}`] = missing[s] ?? (fs.existsSync(`bench/${file}.bench.ts`) ? `not reported by bench/${file}.bench.ts` : `bench/${file}.bench.ts does not exist yet`)
    }
  }
}
for (const k of Object.keys(latest.missing ?? {})) if (!(k in missing) && !k.includes('.')) delete latest.missing[k]
latest.missing = Object.fromEntries(Object.entries(missing).filter(([k]) => k.includes('.') || !REQUIRED[k]))
if (Object.keys(latest.missing).length === 0) delete latest.missing
fs.writeFileSync(latestPath, JSON.stringify(latest, null, 2) + '\n')
const rows = []
// Nested figures (e.g. freshness.multiSource.p95Ms) print with their dotted path.
const addRows = (prefix, obj) => {
  for (const [k, x] of Object.entries(obj)) {
    if (k === 'measuredAt') continue
    if (isObj(x)) addRows(`${prefix}.${k}`, x)
    else if (typeof x === 'number' || x === null || typeof x === 'boolean')
      rows.push([`${prefix}.${k}`, x === null ? `null (${latest.missing?.[`${prefix}.${k}`] ?? 'not measured'})` : String(Math.round(Number(x) * 1000) / 1000)])
  }
}
for (const [s, v] of Object.entries(latest)) {
  if (s === 'machine' || s === 'missing' || !isObj(v)) continue
  addRows(s, v)
}
const w = Math.max(...rows.map((r) => r[0].length), 6)
console.log(`\n${'figure'.padEnd(w)}  value`)
console.log(`${'-'.repeat(w)}  -----`)
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`)
console.log(`\nmachine: ${latest.machine.cpus} x ${latest.machine.cpuModel}, ${latest.machine.memoryGiB} GiB, ${latest.machine.os}, node ${latest.machine.node}`)
console.log(`wrote ${latestPath}`)
NODE
merge_rc=$?
[ $failed -eq 0 ] && [ $merge_rc -eq 0 ]
