import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, use } from 'chai'
import chaiAsPromised from 'chai-as-promised'
import { binaryCacheDir, ensureBinaries, findBinaries, findKwokStages, KubernetesVersion, KwokStagesFile, testAssetVariable } from './binaries.js'

use(chaiAsPromised)

describe('binary lookup', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'thv-bins-'))
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  function executable(dir: string, name: string, mode = 0o755): string {
    mkdirSync(dir, { recursive: true })
    const path = join(dir, name)
    writeFileSync(path, '#!/bin/sh\n')
    chmodSync(path, mode)
    return path
  }

  it('derives the cache folder from THV_K8S_BIN_DIR, else XDG_CACHE_HOME', () => {
    expect(binaryCacheDir({ THV_K8S_BIN_DIR: '/x' })).to.equal('/x')
    expect(binaryCacheDir({ XDG_CACHE_HOME: '/c' })).to.equal(`/c/thv-registry/k8s-${KubernetesVersion}`)
  })

  it('names the envtest-style variable of each binary', () => {
    expect(testAssetVariable('kube-apiserver')).to.equal('TEST_ASSET_KUBE_APISERVER')
    expect(testAssetVariable('etcd')).to.equal('TEST_ASSET_ETCD')
  })

  it('prefers TEST_ASSET_*, then KUBEBUILDER_ASSETS, then the cache, and lists what is missing', () => {
    const cache = join(root, 'cache')
    const assets = join(root, 'assets')
    executable(cache, 'etcd')
    executable(cache, 'kube-apiserver')
    executable(cache, 'kwok')
    writeFileSync(join(cache, KwokStagesFile), 'kind: Stage\n')
    executable(assets, 'kube-apiserver')
    const explicit = executable(join(root, 'explicit'), 'my-etcd')
    const env = { THV_K8S_BIN_DIR: cache, KUBEBUILDER_ASSETS: assets, TEST_ASSET_ETCD: explicit }
    const lookup = findBinaries(['etcd', 'kube-apiserver', 'kwok', 'kube-scheduler'], env)
    expect(lookup.found.etcd).to.deep.equal({ path: explicit, source: 'TEST_ASSET' })
    expect(lookup.found['kube-apiserver']).to.deep.equal({ path: join(assets, 'kube-apiserver'), source: 'KUBEBUILDER_ASSETS' })
    expect(lookup.found.kwok).to.deep.equal({ path: join(cache, 'kwok'), source: 'cache' })
    expect(lookup.missing).to.deep.equal(['kube-scheduler'])
    expect(lookup.cacheDir).to.equal(cache)
  })

  it('counts kwok as missing without its stages file', () => {
    const cache = join(root, 'cache')
    executable(cache, 'kwok')
    expect(findBinaries(['kwok'], { THV_K8S_BIN_DIR: cache }).missing).to.deep.equal(['kwok'])
    writeFileSync(join(cache, KwokStagesFile), 'kind: Stage\n')
    expect(findBinaries(['kwok'], { THV_K8S_BIN_DIR: cache }).missing).to.deep.equal([])
    expect(findKwokStages(join(cache, 'kwok'), { THV_K8S_BIN_DIR: cache })).to.equal(join(cache, KwokStagesFile))
  })

  it('ignores files that are not executable', () => {
    const cache = join(root, 'cache')
    executable(cache, 'etcd', 0o644)
    expect(findBinaries(['etcd'], { THV_K8S_BIN_DIR: cache }).missing).to.deep.equal(['etcd'])
  })

  it('returns cached binaries without building', async () => {
    const cache = join(root, 'cache')
    executable(cache, 'etcd')
    executable(cache, 'kube-apiserver')
    const found = await ensureBinaries(['etcd', 'kube-apiserver'], { env: { THV_K8S_BIN_DIR: cache }, onProgress: () => undefined })
    expect(found.etcd.source).to.equal('cache')
    expect(found['kube-apiserver'].path).to.equal(join(cache, 'kube-apiserver'))
  })

  it('fails with a message naming the missing binaries and the missing Go toolchain', async () => {
    const progress: string[] = []
    const env = { THV_K8S_BIN_DIR: join(root, 'empty'), PATH: '/usr/bin:/bin', HOME: root }
    await expect(ensureBinaries(['etcd'], { env, onProgress: (l) => progress.push(l) })).to.be.rejectedWith(
      /Cannot build the control-plane binaries etcd: the Go toolchain \(go >= 1\.25\) is not installed/,
    )
    expect(progress[0]).to.contain('missing etcd')
  })
})
