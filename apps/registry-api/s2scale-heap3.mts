import { readFileSync } from 'node:fs'
import { buildSnapshot } from '@thv/converters'
import winston from 'winston'
import { SnapshotStore } from './src/snapshot/snapshot-store.ts'
import { fileSnapshotBuilder, renderToolHive } from './src/formats.ts'
const gc = (globalThis as any).gc as () => void
const mu = (l: string) => { gc(); gc(); const m = process.memoryUsage(); console.log(l, 'heapUsed', (m.heapUsed/1048576).toFixed(1), 'external', (m.external/1048576).toFixed(1)) }
mu('start')
const mode = process.argv[3]
const fb = fileSnapshotBuilder({ name: 'x', namespace: 'default', path: 'x' }, () => new Date('2026-01-01T00:00:00Z'))
let snap: any = mode === 'file' ? (fb(readFileSync(process.argv[2] as string)) as any).right : (buildSnapshot({ raw: readFileSync(process.argv[2] as string), registry: { name: 'x', namespace: 'd', source: { type: 'file', ref: 'x' } }, now: new Date() }) as any).right
mu('built')
const store = new SnapshotStore({ renderToolHive }, winston.createLogger({ silent: true }))
store.offer(snap)
mu('offered')
snap = undefined
mu('dropped snapshot')
await new Promise((r) => setTimeout(r, 100))
mu('after tick')
