// Child process of snapshot-store.test.ts: offers a snapshot to a SnapshotStore and prints `collected` when the
// settled listener's full collection freed the snapshot's servers, `kept` when something still referred to them.
// It runs in a process of its own so that hooks other test files install (async context, promise hooks) cannot
// keep objects alive and decide the result.
import type { RegistrySnapshot } from '@thv/registry-model'
import { compactHeap } from '../../src/snapshot/heap-compaction.js'
import { SnapshotStore } from '../../src/snapshot/snapshot-store.js'
import { silentLog } from './api-harness.js'
import { manyVersionsSnapshot } from './snapshots.js'
import { renderToolHiveForTests } from './toolhive.js'

const store = new SnapshotStore({ renderToolHive: renderToolHiveForTests }, silentLog, false)
// A WeakRef keeps its target alive until the job that created it ends: make it in an earlier job than the offer.
const holder: { snapshot?: RegistrySnapshot } = { snapshot: manyVersionsSnapshot() }
const servers = new WeakRef((holder.snapshot as RegistrySnapshot).servers)
store.onSettled(() => {
  compactHeap()
  process.stdout.write(servers.deref() === undefined ? 'collected\n' : 'kept\n')
})
setImmediate(() => {
  const snapshot = holder.snapshot as RegistrySnapshot
  holder.snapshot = undefined
  store.offer(snapshot)
})
