import { readFileSync } from 'node:fs'
import { fileSnapshotBuilder, renderToolHive } from '../../apps/registry-api/src/formats.js'
import { RegistryView } from '../../apps/registry-api/src/views/registry-view.js'
import { Session } from 'node:inspector/promises'
import { writeFileSync } from 'node:fs'
const raw = readFileSync(process.argv[2] ?? '/tmp/apib/reg-100000.json')
let t = performance.now()
const built = fileSnapshotBuilder({ name: 'r', namespace: 'n', path: 'p' }, () => new Date('2026-01-01T00:00:00Z'))(raw)
if (built._tag === 'Left') throw new Error(built.left.message)
console.log('buildSnapshot ms', Math.round(performance.now() - t))
const session = new Session(); session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.start')
t = performance.now()
const view = new RegistryView(built.right, { renderToolHive })
console.log('view ms', Math.round(performance.now() - t), view.entries.length)
const { profile } = await session.post('Profiler.stop')
writeFileSync('/tmp/apib/profv/view.cpuprofile', JSON.stringify(profile))
