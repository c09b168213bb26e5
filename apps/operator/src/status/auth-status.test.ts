import { expect } from 'chai'
import { claimsEnforcement } from './auth-status.js'

describe('ClaimsEnforced (issue 16)', () => {
  const sources = [{ name: 'a', configMapRef: { name: 'd', key: 'k' }, claims: { groups: 'x' } }, { name: 'b', configMapRef: { name: 'e', key: 'k' } }]
  const registries = [{ name: 'v', sources: ['a'] }, { name: 'w', sources: ['b'], claims: { dept: ['eng', 'ops'] } }]
  const oauth = { mode: 'oauth' as const, oauth: { providers: [{ name: 'corp', issuerUrl: 'https://idp.test/', audience: 'registry' }] } }

  it('is False (AnonymousMode) naming every claims path when claims are set without oauth', () => {
    const expected = {
      status: 'False', reason: 'AnonymousMode',
      message: 'claims are set (spec.sources[0].claims, spec.registries[1].claims) but authConfig.mode is anonymous, so every caller sees everything: set authConfig.mode to oauth or remove them',
    }
    expect(claimsEnforcement({ sources, registries })).to.deep.equal(expected)
    expect(claimsEnforcement({ sources, registries, authConfig: { mode: 'anonymous' } })).to.deep.equal(expected)
  })

  it('is True with oauth, and absent without claims', () => {
    expect(claimsEnforcement({ sources, registries, authConfig: oauth })).to.deep.include({ status: 'True', reason: 'ClaimsAuthorized' })
    expect(claimsEnforcement({ sources: [{ name: 'b', configMapRef: { name: 'e', key: 'k' } }], authConfig: oauth })).to.equal(null)
  })
})
