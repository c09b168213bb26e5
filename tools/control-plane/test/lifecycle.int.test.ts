import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { CoreV1Api } from '@kubernetes/client-node'
import { expect } from 'chai'
import { FakeNodeName, startControlPlane, type ControlPlane } from '../src/index.js'
import { eventually, notYet } from '@thv/testkit'
import { processAlive as alive } from '../src/cluster-state.js'

const OWNER = fileURLToPath(new URL('./fixtures/plane-owner.ts', import.meta.url))

/** Resolves true when something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

describe('control plane: lifecycle', function () {
  this.timeout(180_000)

  it('starts a second plane from the binary cache, ready within 60 s, and stop leaves no process or port', async () => {
    const started = Date.now()
    const plane: ControlPlane = await startControlPlane({ withControllers: true })
    const elapsedMs = Date.now() - started
    try {
      for (const [name, located] of Object.entries(plane.binaries)) {
        expect(located?.source, `${name} must come from a cache, not a fresh build`).to.be.oneOf(['cache', 'KUBEBUILDER_ASSETS', 'TEST_ASSET'])
      }
      expect(elapsedMs, 'start-up time with cached binaries').to.be.below(60_000)
      const node = await plane.kubeConfig().makeApiClient(CoreV1Api).readNode({ name: FakeNodeName })
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True')
    } finally {
      await plane.stop()
    }
    const pids = Object.values(plane.pids())
    expect(pids, 'stopped plane reports no live component').to.deep.equal([])
    const startedPids = Object.values(plane.startedPids)
    expect(startedPids).to.have.length(5)
    for (const pid of startedPids) expect(alive(pid), `pid ${pid} still alive`).to.equal(false)
    for (const port of [plane.ports.apiServer, plane.ports.etcdClient, plane.ports.etcdPeer, plane.ports.kwok]) {
      expect(await listening(port), `port ${port} still listening`).to.equal(false)
    }
    expect(existsSync(plane.dir)).to.equal(false)
    const reaper = plane.reaperPid
    expect(reaper).to.be.a('number')
    await eventually(async () => (alive(reaper as number) ? notYet() : true), { description: 'reaper exit after release', timeoutMs: 10_000 })
  })

  it('fails start-up with the component log tail and cleans up when a component dies', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'thv-broken-etcd-'))
    try {
      const broken = join(bin, 'etcd')
      writeFileSync(broken, '#!/bin/sh\necho "etcd: simulated bad flag" >&2\nexit 1\n', { mode: 0o755 })
      const dir = join(bin, 'plane')
      const err = await startControlPlane({ dir, env: { ...process.env, TEST_ASSET_ETCD: broken } }).then(
        () => undefined,
        (e: unknown) => e as Error,
      )
      expect(err?.message).to.contain('Control plane did not start: etcd exited with code 1')
      expect(err?.message).to.contain('etcd: simulated bad flag')
      expect(existsSync(dir), 'plane folder removed').to.equal(false)
    } finally {
      rmSync(bin, { recursive: true, force: true })
    }
  })

  // SIGKILL: only the reaper can clean up. SIGINT (Ctrl-C): the owner's signal handler kills the groups, then the
  // reaper sees the owner gone and removes the folder.
  for (const signal of ['SIGKILL', 'SIGINT'] as const) {
    it(`leaves nothing behind when its owner process gets ${signal}`, async () => {
      const owner = spawn(process.execPath, ['--conditions=@thv/source', '--import', 'tsx', OWNER], { stdio: ['ignore', 'pipe', 'inherit'] })
      try {
        const line = await new Promise<string>((resolve, reject) => {
          createInterface({ input: owner.stdout }).once('line', resolve)
          owner.once('exit', (code) => reject(new Error(`plane owner exited with ${code}`)))
        })
        const info = JSON.parse(line) as { pids: Record<string, number>; ports: { apiServer: number; etcdClient: number }; dir: string }
        const pids = Object.values(info.pids)
        expect(pids).to.have.length(2)
        for (const pid of pids) expect(alive(pid)).to.equal(true)
        expect(await listening(info.ports.apiServer)).to.equal(true)

        owner.kill(signal)
        await eventually(async () => (pids.some(alive) ? notYet() : true), { description: `components gone after ${signal}`, timeoutMs: 30_000 })
        await eventually(async () => (existsSync(info.dir) ? notYet() : true), { description: 'plane folder removed', timeoutMs: 10_000 })
        expect(await listening(info.ports.apiServer)).to.equal(false)
        expect(await listening(info.ports.etcdClient)).to.equal(false)
      } finally {
        owner.kill('SIGKILL')
      }
    })
  }
})
