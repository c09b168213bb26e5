import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { clusterHome, processAlive, readClusterState, removeClusterState, writeClusterState, type ClusterState } from './cluster-state.js'

describe('cluster state', () => {
  let home: string
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'thv-cluster-state-'))
  })
  afterEach(() => rmSync(home, { recursive: true, force: true }))

  it('derives the folder from THV_CLUSTER_HOME, else XDG_CACHE_HOME', () => {
    expect(clusterHome({ THV_CLUSTER_HOME: '/s' })).to.equal('/s')
    expect(clusterHome({ XDG_CACHE_HOME: '/c' })).to.equal('/c/thv-registry/cluster')
  })

  it('writes, reads and removes the state', () => {
    const state: ClusterState = {
      pid: 42,
      kubeconfigPath: '/k',
      server: 'https://127.0.0.1:1',
      dir: '/d',
      startedAt: '2026-11-25T00:00:00.000Z',
      components: { etcd: 7 },
    }
    expect(readClusterState(home)).to.equal(undefined)
    writeClusterState(home, state)
    expect(readClusterState(home)).to.deep.equal(state)
    removeClusterState(home)
    expect(readClusterState(home)).to.equal(undefined)
  })

  it('tells live from dead processes', () => {
    expect(processAlive(process.pid)).to.equal(true)
    expect(processAlive(2 ** 22 + 1)).to.equal(false)
  })
})
