// Baseline for bench/api.bench.ts: a bare node:http server answering fixed paths with pre-built bytes.
// Usage: node --conditions=@thv/source --import tsx bench/api.bare-server.ts <manifest.json>
// The manifest lists {path, acceptEncoding, headers, file}; prints {"port": N} once listening on 127.0.0.1.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

interface ManifestEntry { path: string; acceptEncoding: string; headers: Record<string, string>; file: string }

const manifestPath = process.argv[2]
if (manifestPath === undefined) {
  process.stderr.write('usage: api.bare-server.ts <manifest.json>\n')
  process.exit(2)
}
const entries = (JSON.parse(readFileSync(manifestPath, 'utf8')) as ManifestEntry[])
  .map((e) => ({ ...e, bytes: readFileSync(e.file) }))
const byKey = new Map(entries.map((e) => [`${e.acceptEncoding}|${e.path}`, e]))

const server = createServer((req, res) => {
  const gzip = (req.headers['accept-encoding'] ?? '').includes('gzip') ? 'gzip' : ''
  const entry = byKey.get(`${gzip}|${req.url ?? ''}`)
  if (entry === undefined) {
    res.writeHead(404).end()
    return
  }
  res.writeHead(200, { ...entry.headers, 'content-length': entry.bytes.length })
  res.end(entry.bytes)
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address !== null ? address.port : 0 })}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
