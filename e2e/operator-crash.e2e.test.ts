// Issue 8 scenario 7 and issue 9: the operator SIGKILLed in the middle of syncs and restarted converges, the stored
// snapshot is always the old or the new one, and the API never serves a partial snapshot meanwhile (every response
// is exactly the old or the new data).
//
// The issue 9 run kills the operator at 20 points drawn from a seeded PRNG. It prints the seed and the delay span;
// THV_CRASH_SEED and THV_CRASH_SPAN_MS replay a run (same versions, same kill delays).
import { randomInt } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { systemPlane } from '@thv/control-plane'
import { CoordinationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node'
import { computeSnapshotHash } from '@thv/converters'
import { createSeededRandom } from '@thv/generate-registry'
import type { MCPRegistry, RegistrySnapshot } from '@thv/registry-model'
import { ConfigMapStorageManager } from '@thv/storage'
import { expect } from 'chai'
import {
  applySourceConfigMap, flagValue, getToolHiveDocument, httpGet, isApiStatus, loadToolHiveFixture, readRegistry, startRegistryScenario, subsetOf,
  toolHiveKeys, waitForRegistryReady, eventually, type ApiHandle, type RegistryObject, type ToolHiveDocument,
} from '@thv/testkit'
import { getSystem, stopSystem, type E2ESystem } from '@thv/testkit'

after(stopSystem)

describe('operator crash mid-sync (issue 8 scenario 7)', function () {
  const fixture = loadToolHiveFixture()
  const keys = toolHiveKeys(fixture)
  const name = 'crashy'
  let sys: E2ESystem
  let ns: string
  let api: ApiHandle | undefined

  before(async function () {
    sys = await getSystem({ plane: systemPlane })
    ;({ namespace: ns, api } = await startRegistryScenario(sys, 'e2e-crash', name, JSON.stringify(fixture)))
  })

  after(async () => {
    await api?.stop()
  })

  it('converges after SIGKILL during syncs and only ever serves complete snapshots', async function () {
    if (!api) throw new Error('The API is not running; see the before hook')
    // Each version is a distinct, complete key set; a partial snapshot would show a set that is none of them.
    const versions: ToolHiveDocument[] = [fixture, subsetOf(fixture, (k) => keys.indexOf(k) < 40), subsetOf(fixture, (k) => keys.indexOf(k) >= 20)]
    const allowed = new Set(versions.map((v) => toolHiveKeys(v).join(',')))
    const seen: string[] = []
    const bad: string[] = []
    let polling = true
    const poller = (async () => {
      while (polling) {
        const res = await httpGet(`${api!.baseUrl}/api/v1/registry/servers`).catch((err: Error) => ({ status: 0, json: undefined, text: err.message }))
        if (res.status !== 200) { bad.push(`status ${res.status}: ${res.text.slice(0, 200)}`); continue }
        const set = toolHiveKeys(res.json as ToolHiveDocument).join(',')
        if (!allowed.has(set)) bad.push(`partial or unknown key set of ${set.split(',').length} keys`)
        if (seen.at(-1) !== set) seen.push(set)
      }
    })()
    try {
      for (const [i, delayMs] of [[1, 0], [2, 150]] as const) {
        await applySourceConfigMap(sys.kc, ns, 'registry-data', JSON.stringify(versions[i]))
        await new Promise((resolve) => setTimeout(resolve, delayMs)) // the kill lands at different points of the sync
        await sys.killOperator()
        await sys.restartOperator()
        const expected = toolHiveKeys(versions[i] as ToolHiveDocument)
        await waitForRegistryReady(sys.kc, ns, name, { timeoutMs: 60_000, extra: (r) => expect(r.status?.serverCount).to.equal(expected.length) })
        await eventually(async () => expect(toolHiveKeys(await getToolHiveDocument(api!.baseUrl))).to.deep.equal(expected), { timeoutMs: 10_000 })
      }
    } finally {
      polling = false
      await poller
    }
    expect(bad).to.deep.equal([])
    expect(seen.at(-1)).to.equal(toolHiveKeys(versions[2] as ToolHiveDocument).join(','))
  })
})

/** A non-negative integer from the environment, or `fallback` when unset. */
function envInt(name: string, fallback: () => number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback()
  if (!/^[0-9]+$/.test(raw)) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`)
  return Number(raw)
}

const KILLS = 20
const SEED = envInt('THV_CRASH_SEED', () => randomInt(2 ** 31))

/** The stored snapshot of `namespace/name`, checked to be complete: its content hashes to its recorded `hash`. */
async function verifiedSnapshot(kc: KubeConfig, namespace: string, name: string): Promise<RegistrySnapshot> {
  const registry = await readRegistry(kc, namespace, name)
  if (registry === undefined) throw new Error(`MCPRegistry ${namespace}/${name} does not exist`)
  const storage = new ConfigMapStorageManager(kc.makeApiClient(CoreV1Api))
  const snapshot = await storage.get(registry as unknown as MCPRegistry, AbortSignal.timeout(30_000))
  if (snapshot === undefined) throw new Error(`No snapshot stored for ${namespace}/${name}`)
  expect(computeSnapshotHash(snapshot), `the stored content of ${namespace}/${name} hashes to its recorded hash`).to.equal(snapshot.hash)
  return snapshot
}

describe(`operator SIGKILLed at ${KILLS} random points of syncs (issue 9)`, function () {
  const fixture = loadToolHiveFixture()
  const keys = toolHiveKeys(fixture)
  // A seeded PRNG, so that a failing run of kill points can be replayed from its printed seed.
  const rnd = createSeededRandom(SEED)
  const random = (): number => rnd.next()
  const name = 'crash-many'
  let sys: E2ESystem
  let ns: string
  let api: ApiHandle | undefined

  /** A random complete version of the fixture whose size differs from `previous` (so serverCount tells them apart). */
  const nextVersion = (previous: ToolHiveDocument): ToolHiveDocument => {
    const before = toolHiveKeys(previous).length
    for (;;) {
      const keep = 0.3 + 0.6 * random()
      const picked = new Set(keys.filter(() => random() < keep))
      if (picked.size >= 10 && picked.size !== before) return subsetOf(fixture, (k) => picked.has(k))
    }
  }

  before(async function () {
    sys = await getSystem({ plane: systemPlane })
    ;({ namespace: ns, api } = await startRegistryScenario(sys, 'e2e-crash-many', name, JSON.stringify(fixture)))
  })

  after(async () => {
    await api?.stop()
  })

  it(`converges after each kill with the old or the new snapshot stored and served, never a partial one (seed ${SEED})`, async function () {
    this.timeout(900_000)
    if (!api) throw new Error('The API is not running; see the before hook')
    const baseUrl = api.baseUrl
    const leaseName = flagValue(sys.operatorInfo.args, '--leader-election-id') ?? 'thv-operator-leader'
    const leaseNamespace = flagValue(sys.operatorInfo.args, '--leader-election-namespace') ?? sys.operatorInfo.env['POD_NAMESPACE'] ?? sys.operatorInfo.namespace
    const leases = sys.kc.makeApiClient(CoordinationV1Api)
    const ready = (version: ToolHiveDocument): Promise<RegistryObject> =>
      waitForRegistryReady(sys.kc, ns, name, { timeoutMs: 90_000, extra: (r) => expect(r.status?.serverCount).to.equal(toolHiveKeys(version).length) })

    // How long an undisturbed sync takes here, from the source edit to a Ready status with the new hash. The kill
    // delays span 1.5 times that, so kills land before, during and after the sync.
    let current = nextVersion(fixture)
    const initialHash = (await readRegistry(sys.kc, ns, name))?.status?.lastSyncHash
    const edited = Date.now()
    await applySourceConfigMap(sys.kc, ns, 'registry-data', JSON.stringify(current))
    await eventually(async () => {
      const r = await readRegistry(sys.kc, ns, name)
      expect([r?.status?.phase, r?.status?.serverCount, r?.status?.lastSyncHash === initialHash]).to.deep.equal(['Ready', toolHiveKeys(current).length, false])
    }, { timeoutMs: 60_000, intervalMs: 20 })
    const measuredMs = Date.now() - edited
    const spanMs = envInt('THV_CRASH_SPAN_MS', () => Math.min(5_000, Math.max(300, Math.round(measuredMs * 1.5))))
    process.stdout.write(`      [operator-crash] seed ${SEED}, undisturbed sync ${measuredMs} ms, kill delays in [0, ${spanMs}) ms; `
      + `replay: THV_CRASH_SEED=${SEED} THV_CRASH_SPAN_MS=${spanMs}\n`)
    await eventually(async () => expect(toolHiveKeys(await getToolHiveDocument(baseUrl))).to.deep.equal(toolHiveKeys(current)), { timeoutMs: 30_000 })

    // Every API response must be the version before or after the edit in flight.
    let allowed = new Set([toolHiveKeys(current).join(',')])
    const bad: string[] = []
    let polling = true
    const poller = (async () => {
      while (polling) {
        const res = await httpGet(`${baseUrl}/api/v1/registry/servers`).catch((err: Error) => ({ status: 0, json: undefined, text: err.message }))
        if (res.status !== 200) bad.push(`status ${res.status}: ${res.text.slice(0, 200)}`)
        else if (!allowed.has(toolHiveKeys(res.json as ToolHiveDocument).join(','))) bad.push(`partial or unknown key set of ${toolHiveKeys(res.json as ToolHiveDocument).length} keys`)
        await delay(20)
      }
    })()
    const outcomes: string[] = []
    try {
      for (let kill = 1; kill <= KILLS; kill += 1) {
        const previous = current
        const previousHash = (await verifiedSnapshot(sys.kc, ns, name)).hash
        current = nextVersion(previous)
        const delayMs = Math.floor(random() * spanMs)
        const context = `kill ${kill}/${KILLS} after ${delayMs} ms (replay: THV_CRASH_SEED=${SEED} THV_CRASH_SPAN_MS=${spanMs})`
        allowed = new Set([toolHiveKeys(previous).join(','), toolHiveKeys(current).join(',')])

        await applySourceConfigMap(sys.kc, ns, 'registry-data', JSON.stringify(current))
        await delay(delayMs) // the deliberate kill point
        await sys.killOperator()
        const afterKill = await verifiedSnapshot(sys.kc, ns, name)
        const statusHashAfterKill = (await readRegistry(sys.kc, ns, name))?.status?.lastSyncHash
        // The killed holder's Lease would expire in 15 s; deleting it lets the restarted operator lead at once (the
        // takeover after expiry is covered by the test above).
        await leases.deleteNamespacedLease({ namespace: leaseNamespace, name: leaseName }).catch((err: unknown) => {
          if (!isApiStatus(err, 404)) throw new Error(`Cannot delete Lease ${leaseNamespace}/${leaseName}`, { cause: err })
        })
        await sys.restartOperator()
        // The next kill delay is measured from the next edit: let the new operator lead (re-create the Lease) first.
        await eventually(async () => {
          const lease = await leases.readNamespacedLease({ namespace: leaseNamespace, name: leaseName })
          expect(lease.spec?.holderIdentity, context).to.be.a('string').and.not.equal('')
        }, { timeoutMs: 30_000 })

        const converged = await ready(current)
        const stored = await verifiedSnapshot(sys.kc, ns, name)
        expect([stored.hash, stored.servers.length], context).to.deep.equal([converged.status?.lastSyncHash, toolHiveKeys(current).length])
        expect([previousHash, stored.hash], `${context}: the snapshot stored when the operator died`).to.include(afterKill.hash)
        expect(afterKill.servers.length, context).to.equal(toolHiveKeys(afterKill.hash === previousHash ? previous : current).length)
        // Where the kill landed: before the new snapshot was stored, between storing it and recording it in the
        // status, or after the whole sync.
        outcomes.push(afterKill.hash === previousHash ? 'before the store' : statusHashAfterKill === previousHash ? 'before the status write' : 'after the sync')
        await eventually(async () => expect(toolHiveKeys(await getToolHiveDocument(baseUrl)), context).to.deep.equal(toolHiveKeys(current)), { timeoutMs: 30_000 })
      }
    } finally {
      polling = false
      await poller
    }
    const tally = [...new Set(outcomes)].map((where) => `${outcomes.filter((o) => o === where).length} ${where}`)
    process.stdout.write(`      [operator-crash] kills landed: ${tally.join(', ')}\n`)
    expect(bad, `API responses that were not exactly the old or the new data (seed ${SEED})`).to.deep.equal([])
  })
})
