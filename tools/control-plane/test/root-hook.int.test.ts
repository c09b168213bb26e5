import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ApiextensionsV1Api, CoreV1Api } from '@kubernetes/client-node'
import { expect } from 'chai'
import { getTestControlPlane, TestNamespaceLabel, createTestNamespace } from '../src/index.js'
import { readCrdFiles } from '../src/crds.js'

const REPO_CRDS = fileURLToPath(new URL('../../../config/crd/bases', import.meta.url))

describe('control plane: mocha root hook', () => {
  it('exports KUBECONFIG of the shared plane and hands out the same plane to every caller', async () => {
    const plane = await getTestControlPlane()
    expect(process.env.KUBECONFIG).to.equal(plane.kubeconfigPath)
    expect(await getTestControlPlane()).to.equal(plane)
    expect(plane.withControllers).to.equal(true)
  })

  it('installed every CRD of config/crd/bases and serves it', async () => {
    if (!existsSync(REPO_CRDS) || readdirSync(REPO_CRDS).length === 0) {
      // The hook only installs what exists; nothing to verify in a tree without CRDs.
      expect(existsSync(REPO_CRDS) ? readdirSync(REPO_CRDS) : []).to.deep.equal([])
      return
    }
    const plane = await getTestControlPlane()
    const api = plane.kubeConfig().makeApiClient(ApiextensionsV1Api)
    const expected = readCrdFiles(REPO_CRDS)
    expect(expected.length).to.be.greaterThan(0)
    for (const crd of expected) {
      const served = await api.readCustomResourceDefinition({ name: crd.metadata?.name as string })
      expect(served.status?.conditions?.find((c) => c.type === 'Established')?.status).to.equal('True')
    }
  })

  it('creates distinct labelled namespaces from a prefix', async () => {
    const a = await createTestNamespace('My_Test')
    const b = await createTestNamespace('My_Test')
    expect(a).to.match(/^my-test-[0-9a-f]{6}$/)
    expect(b).to.not.equal(a)
    const ns = await (await getTestControlPlane()).kubeConfig().makeApiClient(CoreV1Api).readNamespace({ name: a })
    expect(ns.metadata?.labels?.[TestNamespaceLabel]).to.equal('true')
  })
})
