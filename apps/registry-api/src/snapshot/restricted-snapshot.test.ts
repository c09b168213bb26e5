import { expect } from 'chai'
import { claimsSnapshot } from '../../test/support/claims-snapshot.js'
import { restrictView } from './restricted-snapshot.js'

const names = (s: { servers: readonly { server: { name: string } }[] }) => [...new Set(s.servers.map((e) => e.server.name))].sort()
const hiding = (sources: string[], views: string[] = []) => ({ key: `v:${views.join(',')};s:${sources.join(',')}`, hiddenSources: new Set(sources), hiddenViews: new Set(views) })

describe('restrictView (issue 16)', () => {
  const { snapshot, names: bySource } = claimsSnapshot()

  it('leaves out the entries of hidden sources in the first view and in later views', () => {
    expect(names(restrictView(snapshot, 0, hiding(['platform'])))).to.deep.equal([...bySource.community, ...bySource.secret].sort())
    expect(names(restrictView(snapshot, 2, hiding(['secret'])))).to.deep.equal([...bySource.platform].sort())
  })

  it('lists only visible views and sources, and drops the fields a restricted view does not need', () => {
    const r = restrictView(snapshot, 0, hiding(['secret'], ['internal']))
    expect(r.views).to.deep.equal([{ name: 'all', sources: ['platform', 'community'] }, { name: 'community-only', sources: ['community'] }])
    expect(r.sources?.map((s) => s.name)).to.deep.equal(['platform', 'community'])
    expect([r.extraServers, r.entrySources]).to.deep.equal([undefined, undefined])
  })

  it('fails closed on a snapshot without entry sources: nothing of a view with a hidden source, everything otherwise', () => {
    const { entrySources: _e, ...old } = snapshot
    expect(restrictView(old, 0, hiding(['secret'])).servers).to.deep.equal([])
    expect(names(restrictView(old, 1, hiding(['secret'])))).to.deep.equal([...bySource.community].sort())
  })
})
