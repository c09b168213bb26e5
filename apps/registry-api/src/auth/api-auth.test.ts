import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { ApiAuth, bearerToken } from './api-auth.js'
import { parseApiAuthSettings } from './auth-settings.loader.js'
import type { TokenVerifier } from './token-verifier.js'

const settingsOf = (yaml: string) => {
  const parsed = parseApiAuthSettings('auth.yaml', yaml)
  if (E.isLeft(parsed)) throw parsed.left
  return parsed.right
}

const oauth = settingsOf(`
mode: oauth
publicPaths: [/docs, /ui/assets/*]
oauth:
  scopesSupported: [mcp-registry:read]
  providers: [{name: corp, issuerUrl: "https://idp.test/", audience: registry}]
sourceClaims: {secret: {groups: admins}}
`)

/** A verifier that accepts the tokens it knows, with their claims, until `exp`. */
const verifier = (known: Record<string, Record<string, unknown>>) => ({
  calls: 0,
  async verify(token: string) {
    this.calls += 1
    const claims = known[token]
    return claims === undefined ? E.left({ description: 'The token is malformed' }) : E.right({ provider: 'corp', claims, expiresAtMs: 2_000 })
  },
})

describe('ApiAuth', () => {
  it('reads a bearer token from the Authorization header', () => {
    expect([bearerToken(undefined), bearerToken('Bearer abc'), bearerToken('bearer  abc '), bearerToken('Basic abc'), bearerToken('Bearer a b')])
      .to.deep.equal([null, 'abc', 'abc', '', ''])
  })

  it('opens probes, metrics, the metadata, openapi.yaml and the configured paths (exact or prefix with *)', () => {
    const auth = new ApiAuth(oauth, undefined)
    const open = ['/health', '/readiness', '/metrics', '/openapi.yaml', '/.well-known/oauth-protected-resource', '/docs', '/ui/assets/catalogue.css']
    const closed = ['/', '/docs/x', '/v0.1/servers', '/registry/all/openapi.yaml', '/healthz']
    expect([...open, ...closed].map((p) => [p, auth.isPublic(p)])).to.deep.equal([...open.map((p) => [p, true]), ...closed.map((p) => [p, false])])
  })

  it('verifies a token once and answers it from the cache until it expires; the scope decides scopeOk', async () => {
    let now = 1_000
    const v = verifier({ good: { scope: 'openid mcp-registry:read', groups: 'admins' }, unscoped: { scope: 'openid' } })
    const auth = new ApiAuth(oauth, v as unknown as TokenVerifier, () => now)
    expect(auth.cachedAuthentication('/v0.1/servers', 'Bearer good')).to.equal(undefined)
    const first = await auth.authenticate('/v0.1/servers', 'Bearer good')
    expect(first.kind === 'caller' && [first.principal.scopeOk, first.principal.visibility.key]).to.deep.equal([true, ''])
    expect(auth.cachedAuthentication('/v0.1/servers', 'Bearer good')).to.deep.equal(first)
    await auth.authenticate('/v0.1/servers', 'Bearer good')
    expect(v.calls).to.equal(1)
    now = 2_000
    expect(auth.cachedAuthentication('/v0.1/servers', 'Bearer good')).to.equal(undefined)
    const unscoped = await auth.authenticate('/v0.1/servers', 'Bearer unscoped')
    expect(unscoped.kind === 'caller' && [unscoped.principal.scopeOk, unscoped.principal.visibility.key]).to.deep.equal([false, 'v:;s:secret'])
  })

  it('tells a missing token from a refused one, and gives public paths the visibility of a caller without claims', async () => {
    const auth = new ApiAuth(oauth, verifier({}) as unknown as TokenVerifier)
    expect(await auth.authenticate('/v0.1/servers', undefined)).to.deep.equal({ kind: 'missing' })
    expect(await auth.authenticate('/v0.1/servers', 'Bearer nope')).to.deep.equal({ kind: 'invalid', description: 'The token is malformed' })
    const open = await auth.authenticate('/docs', undefined)
    expect(open.kind === 'open' && open.visibility.key).to.equal('v:;s:secret')
  })

  it('lets everyone see everything in anonymous mode', async () => {
    const auth = new ApiAuth(settingsOf('mode: anonymous\nsourceClaims: {secret: {groups: admins}}'), undefined)
    const result = await auth.authenticate('/v0.1/servers', undefined)
    expect(result.kind === 'open' && result.visibility.key).to.equal('')
  })

  it('rejects invalid settings with every problem and its path', () => {
    const bad = parseApiAuthSettings('auth.yaml', 'mode: oauth\npublicPaths: [docs]\n')
    expect(E.isLeft(bad) ? bad.left.message : 'accepted').to.match(/^Auth settings auth.yaml: /).and.match(/publicPaths/)
    const missing = parseApiAuthSettings('auth.yaml', 'mode: oauth\n')
    expect(E.isLeft(missing) ? missing.left.message : 'accepted').to.match(/oauth is required when mode is oauth/)
  })
})
