import { expect } from 'chai'
import type { SkippedObject } from '@thv/sources'
import { skippedMessage, skippedObjectRef, SkippedWarnings } from './skipped-workloads.js'

const skipped = (name: string, message: string): SkippedObject => ({ kind: 'MCPServer', apiVersion: 'toolhive.stacklok.dev/v1alpha1', namespace: 'team-a', name, uid: `uid-${name}`, message })

describe('skipped workload warnings', () => {
  it('warns once per object and reason, again after the object was exported and broke again', () => {
    const w = new SkippedWarnings()
    const bad = skipped('fetch', 'annotation toolhive.stacklok.dev/authz-claims is not valid JSON')
    expect(w.next('uid-r', 'running', [bad])).to.deep.equal([bad])
    expect(w.next('uid-r', 'running', [bad])).to.deep.equal([])
    expect(w.next('uid-r', 'other', [bad]), 'another source warns on its own').to.deep.equal([bad])
    const worse = skipped('fetch', 'annotation toolhive.stacklok.dev/registry-url is not a valid URL')
    expect(w.next('uid-r', 'running', [worse])).to.deep.equal([worse])
    expect(w.next('uid-r', 'running', [])).to.deep.equal([])
    expect(w.next('uid-r', 'running', [worse])).to.deep.equal([worse])
    w.forget('uid-r')
    expect(w.next('uid-r', 'running', [worse])).to.deep.equal([worse])
  })

  it('addresses the Event to the workload and names registry, source and reason', () => {
    const bad = skipped('fetch', 'annotation toolhive.stacklok.dev/registry-description is missing')
    expect(skippedObjectRef(bad)).to.deep.equal({ apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPServer', metadata: { namespace: 'team-a', name: 'fetch', uid: 'uid-fetch' } })
    expect(skippedMessage({ namespace: 'home', name: 'r' }, 'running', bad)).to.equal('Not exported to MCPRegistry home/r (source running): annotation toolhive.stacklok.dev/registry-description is missing')
  })
})
