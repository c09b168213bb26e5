import type { KubernetesObject } from '@kubernetes/client-node'
import { expect } from 'chai'
import { workloadExportChanged, workloadNamespacesOf, workloadNamespacesOfRegistry } from './workloads.js'

const obj = (rv: string, annotations: Record<string, string> = {}): KubernetesObject => ({ metadata: { namespace: 'team-a', name: 'fetch', resourceVersion: rv, annotations } })
const exported = { 'toolhive.stacklok.dev/registry-export': 'true' }

describe('kubernetes source workloads', () => {
  it('passes only events that can change an export: an exported object created, changed, un-exported or deleted', () => {
    expect(workloadExportChanged({ type: 'create', object: obj('1', exported) })).to.equal(true)
    expect(workloadExportChanged({ type: 'create', object: obj('1') })).to.equal(false)
    expect(workloadExportChanged({ type: 'update', old: obj('1', exported), object: obj('2', exported) })).to.equal(true)
    expect(workloadExportChanged({ type: 'update', old: obj('1', exported), object: obj('2') })).to.equal(true)
    expect(workloadExportChanged({ type: 'update', old: obj('1'), object: obj('2', exported) })).to.equal(true)
    expect(workloadExportChanged({ type: 'update', old: obj('1'), object: obj('2') })).to.equal(false)
    expect(workloadExportChanged({ type: 'update', old: obj('2', exported), object: obj('2', exported) })).to.equal(false)
    expect(workloadExportChanged({ type: 'delete', object: obj('2', exported) })).to.equal(true)
    expect(workloadExportChanged({ type: 'update', old: obj('1', { 'toolhive.stacklok.dev/registry-export': 'false' }), object: obj('2', { 'toolhive.stacklok.dev/registry-export': 'yes' }) })).to.equal(false)
  })

  it('indexes a registry by the namespaces its kubernetes sources read, the registry namespace by default', () => {
    const registry = (sources: unknown): KubernetesObject & { spec: unknown } => ({ metadata: { namespace: 'home', name: 'r' }, spec: { sources } })
    expect(workloadNamespacesOfRegistry(registry([{ name: 'a', kubernetes: {} }, { name: 'b', kubernetes: { namespaces: ['x', 'y', 'x'] } }, { name: 'c', configMapRef: { name: 'd' } }])).sort()).to.deep.equal(['home', 'x', 'y'])
    expect(workloadNamespacesOfRegistry(registry([{ name: 'a', kubernetes: { namespaces: [] } }]))).to.deep.equal(['home'])
    expect(workloadNamespacesOfRegistry({ metadata: { namespace: 'home', name: 'r' }, spec: { source: { type: 'configmap' } } } as KubernetesObject)).to.deep.equal([])
    expect(workloadNamespacesOf({ name: 'a', kubernetes: { namespaces: ['y', 'x', 'y'] } }, 'home')).to.deep.equal(['x', 'y'])
    expect(workloadNamespacesOf({ name: 'a', kubernetes: {} }, 'home')).to.deep.equal(['home'])
    expect(workloadNamespacesOf({ name: 'a', configMapRef: { name: 'd', key: 'k' } }, 'home')).to.deep.equal([])
  })
})
