import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import winston from 'winston'
import { fileSnapshotBuilder, renderToolHive } from './src/formats.ts'
import { SnapshotStore } from './src/snapshot/snapshot-store.ts'
const gc = (globalThis as any).gc as () => void
const mu = (l: string) => { gc(); gc(); const m = process.memoryUsage(); console.log(l, 'heapUsed', (m.heapUsed/1048576).toFixed(1), 'external', (m.external/1048576).toFixed(1), 'arrayBuffers', (m.arrayBuffers/1048576).toFixed(1), 'rss', (m.rss/1048576).toFixed(1)) }
mu('start')
const store = new SnapshotStore({ renderToolHive }, winston.createLogger({ silent: true }))
const build = fileSnapshotBuilder({ name: 'x', namespace: 'default', path: 'x' }, () => new Date('2026-01-01T00:00:00Z'))
let raw: Buffer | undefined = readFileSync(process.argv[2] as string)
let snap: any = build(raw)
raw = undefined
mu('built snapshot')
store.offer((snap as any).right)
mu('offered (snapshot still referenced)')
snap = undefined
mu('snapshot dropped')
await store.current!.precompress()
mu('precompressed')
