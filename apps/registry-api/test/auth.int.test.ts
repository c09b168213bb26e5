// The registry API with authentication on (issue 16): bearer tokens from real OpenID providers (oidc-provider over
// TLS on 127.0.0.1, client-credentials grant, resource indicators, custom claims), verified by the app over real
// HTTP; claims decide which views and sources each caller sees. Tokens a provider cannot make (a wrong signature,
// `alg: none`, expired by hours, not valid yet) are made with jose.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { PassThrough } from 'node:stream'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { toolHiveKeyOf } from '@thv/converters'
import { decodeApiAuthSettings } from '@thv/registry-model'
import { eventually, makeTestTls, newSigningKey, ReadScope, startTestIdp, type TestClient, type TestIdp, type TestTls } from '@thv/testkit'
import * as E from 'fp-ts/lib/Either.js'
import winston from 'winston'
import { exportSPKI, importJWK, SignJWT } from 'jose'
import { buildApiAuth } from '../src/auth/auth-settings.loader.js'
import { startApi, type RunningApi } from './support/api-harness.js'
import { claimsSnapshot, type ClaimsSnapshot, type SourceName } from './support/claims-snapshot.js'
import { getChecked } from './support/http-client.js'
import { renderToolHiveForTests } from './support/toolhive.js'

const Audience = 'https://registry.test/'
const secret = (id: string) => `${id}-secret-of-at-least-thirty-two-characters`
const client = (id: string, claims: Record<string, unknown>, extra: Partial<TestClient> = {}): TestClient => ({ id, secret: secret(id), claims, ...extra })

// Callers and what their claims let them see (sourceClaims: platform needs groups platform-team, secret needs
// department eng or ops; viewClaims: internal needs groups admins or platform-team).
const alice = client('alice', { groups: ['platform-team'], department: 'eng' })
const bob = client('bob', { groups: ['devs'] })
const carol = client('carol', { groups: 'admins', department: 'ops' })
const noScope = client('no-scope', { groups: ['platform-team'] }, { scope: 'other:read' })
const dave = client('dave', { department: 'eng' })
const eve = client('eve', { groups: ['platform-team'] }, { opaque: true })
const registryApi = client('registry-api', {})
const mallory = client('mallory', { groups: ['platform-team'] })

const Sees: Record<string, readonly SourceName[]> = {
  alice: ['platform', 'community', 'secret'], bob: ['community'], carol: ['community', 'secret'],
  dave: ['community', 'secret'], eve: ['platform', 'community'],
}

const namesOf = (json: unknown): string[] => [...new Set((json as { servers: Array<{ server: { name: string } }> }).servers.map((s) => s.server.name))].sort()
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')

describe('registry API authentication and claims-based authorization (issue 16)', function () {
  this.timeout(60_000)
  let tls: TestTls
  let corp: TestIdp
  let partner: TestIdp
  let rogue: TestIdp
  let api: RunningApi
  let data: ClaimsSnapshot
  let dir: string
  const tokens: Record<string, string> = {}
  // Everything the API and its auth layer log, at debug level, to check that no token ever appears in it.
  const logged: string[] = []
  const sink = new PassThrough()
  sink.on('data', (chunk: Buffer) => logged.push(chunk.toString('utf8')))
  const log = winston.createLogger({ level: 'debug', format: winston.format.json(), transports: [new winston.transports.Stream({ stream: sink })] })
  // carol alone has groups admins, which the entries of `data.adminOnly` require (their own claims).
  const expected = (who: string): string[] => (Sees[who] ?? []).flatMap((s) => data.names[s]).filter((n) => who === 'carol' || n !== data.adminOnly).sort()

  before(async () => {
    tls = makeTestTls()
    corp = await startTestIdp(tls, [alice, bob, carol, noScope], 'corp')
    partner = await startTestIdp(tls, [dave, eve, registryApi], 'partner')
    rogue = await startTestIdp(tls, [mallory], 'rogue')
    dir = mkdtempSync(join(tmpdir(), 'thv-auth-'))
    writeFileSync(join(dir, 'ca.pem'), tls.caPem)
    writeFileSync(join(dir, 'client-secret'), `${registryApi.secret}\n`)
    const settings = decodeApiAuthSettings({
      mode: 'oauth',
      publicPaths: ['/docs'],
      oauth: {
        realm: 'mcp-registry', scopesSupported: [ReadScope],
        providers: [
          { name: 'corp', issuerUrl: corp.issuer, audience: Audience, caCertFile: join(dir, 'ca.pem') },
          {
            name: 'partner', issuerUrl: partner.issuer, audience: Audience, caCertFile: join(dir, 'ca.pem'),
            introspectionUrl: `${partner.issuer}/token/introspection`, clientId: registryApi.id, clientSecretFile: join(dir, 'client-secret'),
          },
        ],
      },
      sourceClaims: { platform: { groups: 'platform-team' }, secret: { department: ['eng', 'ops'] } },
      viewClaims: { internal: { groups: ['admins', 'platform-team'] } },
    })
    if (E.isLeft(settings)) throw new Error(`Test settings do not decode: ${settings.left.message}`)
    const auth = await buildApiAuth('test', settings.right, log, { minRefreshIntervalMs: 0 })
    data = claimsSnapshot()
    api = await startApi(renderToolHiveForTests, data.snapshot, undefined, { auth, log })
    for (const c of [alice, bob, carol, noScope]) tokens[c.id] = await corp.token(c, Audience)
    for (const c of [dave, eve]) tokens[c.id] = await partner.token(c, Audience)
  })
  after(async () => {
    await api?.close()
    await Promise.all([corp?.close(), partner?.close(), rogue?.close()])
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it('answers 401 problem+json with a Bearer challenge pointing at the RFC 9728 metadata, which it serves', async () => {
    const res = await getChecked(`${api.url}/v0.1/servers`, '/v0.1/servers')
    expect(res.status).to.equal(401)
    expect(res.headers.get('content-type')).to.equal('application/problem+json')
    expect(res.headers.get('www-authenticate')).to.equal(`Bearer realm="mcp-registry", resource_metadata="${api.url}/.well-known/oauth-protected-resource"`)
    expect(res.json).to.deep.include({ status: 401, title: 'Unauthorized', detail: 'A bearer token is required (Authorization: Bearer <token>)', instance: '/v0.1/servers' })
    const meta = await getChecked(`${api.url}/.well-known/oauth-protected-resource`, undefined)
    expect(meta.json).to.deep.equal({
      resource: `${api.url}/`, authorization_servers: [corp.issuer, partner.issuer], bearer_methods_supported: ['header'],
      scopes_supported: [ReadScope], resource_name: 'mcp-registry',
    })
  })

  it('refuses every bad token with 401 invalid_token and says why', async () => {
    const kid = corp.keys[0]?.kid as string
    const key = await importJWK(corp.keys[0]?.privateJwk ?? {}, 'RS256')
    const now = Math.floor(Date.now() / 1000)
    const claims = { groups: ['platform-team'], scope: ReadScope }
    const signed = (build: (j: SignJWT) => SignJWT) => build(new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(corp.issuer).setAudience(Audience)).sign(key)
    const publicPem = await exportSPKI(await importJWK(corp.keys[0]?.publicJwk ?? {}, 'RS256', { extractable: true }) as Parameters<typeof exportSPKI>[0])
    const cases: ReadonlyArray<[string, string, string]> = [
      ['a malformed token', 'not.a-jwt.at-all', 'The token is malformed'],
      ['a token for another audience', await corp.token(alice, 'https://other.test/'), 'The token is not meant for this API (audience)'],
      ['a token of an issuer not configured', await rogue.token(mallory, Audience), 'The token issuer is not accepted'],
      ['a token expired hours ago', await signed((j) => j.setIssuedAt(now - 4 * 3600).setExpirationTime(now - 3 * 3600)), 'The token has expired'],
      ['a token not valid for another hour', await signed((j) => j.setNotBefore(now + 3600).setExpirationTime(now + 7200)), 'The token is not valid yet'],
      ['an unsigned token (alg none)', `${b64url({ alg: 'none', kid })}.${b64url({ ...claims, iss: corp.issuer, aud: Audience, exp: now + 600 })}.`, 'The token signature algorithm is not allowed (asymmetric algorithms only)'],
      ['a token HMAC-signed with the public key', await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid }).setIssuer(corp.issuer).setAudience(Audience).setExpirationTime(now + 600).sign(new TextEncoder().encode(publicPem)), 'The token signature algorithm is not allowed (asymmetric algorithms only)'],
      ['a token whose signature does not match', `${(tokens.alice as string).split('.').slice(0, 2).join('.')}.${Buffer.alloc(256, 7).toString('base64url')}`, 'The token signature is invalid'],
    ]
    for (const [what, token, detail] of cases) {
      const res = await getChecked(`${api.url}/v0.1/servers`, '/v0.1/servers', { headers: bearer(token) })
      expect([what, res.status, res.json]).to.deep.equal([what, 401, { type: 'urn:thv-registry:problem:unauthorized', title: 'Unauthorized', status: 401, detail, instance: '/v0.1/servers', error: detail }])
      expect(res.headers.get('www-authenticate'), what).to.equal(`Bearer realm="mcp-registry", resource_metadata="${api.url}/.well-known/oauth-protected-resource", error="invalid_token", error_description="${detail}"`)
    }
    const basic = await getChecked(`${api.url}/v0.1/servers`, '/v0.1/servers', { headers: { authorization: 'Basic YTpi' } })
    expect([basic.status, (basic.json as { detail: string }).detail]).to.deep.equal([401, 'The Authorization header is not a bearer token'])
  })

  it('accepts a token within the 60 s clock skew (expired 30 s ago)', async () => {
    const now = Math.floor(Date.now() / 1000)
    const token = await new SignJWT({ groups: ['devs'], scope: ReadScope }).setProtectedHeader({ alg: 'RS256', kid: corp.keys[0]?.kid as string })
      .setIssuer(corp.issuer).setAudience(Audience).setIssuedAt(now - 600).setExpirationTime(now - 30).sign(await importJWK(corp.keys[0]?.privateJwk ?? {}, 'RS256'))
    const res = await getChecked(`${api.url}/v0.1/servers?limit=100`, '/v0.1/servers', { headers: bearer(token) })
    expect([res.status, namesOf(res.json)]).to.deep.equal([200, expected('bob')])
  })

  it('answers 403 insufficient_scope for a valid token without a supported scope', async () => {
    const res = await getChecked(`${api.url}/v0.1/servers`, '/v0.1/servers', { headers: bearer(tokens['no-scope'] as string) })
    expect(res.status).to.equal(403)
    expect(res.headers.get('content-type')).to.equal('application/problem+json')
    expect(res.headers.get('www-authenticate')).to.match(/^Bearer realm="mcp-registry", resource_metadata="[^"]+", error="insufficient_scope", error_description="[^"]+", scope="mcp-registry:read"$/)
  })

  it('keeps probes, metrics, the metadata and the listed public paths open', async () => {
    for (const path of ['/health', '/readiness', '/metrics', '/openapi.yaml', '/docs', '/.well-known/oauth-protected-resource']) {
      const res = await fetch(`${api.url}${path}`)
      expect([path, res.status]).to.deep.equal([path, 200])
      await res.arrayBuffer()
    }
  })

  it('shows each caller only the entries of the sources its claims match, in lists, counts, search, info and the ToolHive document', async () => {
    for (const who of ['alice', 'bob', 'carol']) {
      const headers = bearer(tokens[who] as string)
      const want = expected(who)
      const list = await getChecked(`${api.url}/v0.1/servers?limit=100`, '/v0.1/servers', { headers, upstream: 'ServerList' })
      expect([who, namesOf(list.json)]).to.deep.equal([who, want])
      const v0 = await getChecked(`${api.url}/v0/servers?limit=100`, '/v0/servers', { headers })
      expect([who, namesOf(v0.json)]).to.deep.equal([who, want])
      const upstream = await getChecked(`${api.url}/api/v1/registry/servers?format=upstream`, '/api/v1/registry/servers', { headers })
      expect([who, namesOf(upstream.json)]).to.deep.equal([who, want])
      const doc = await getChecked(`${api.url}/api/v1/registry/servers`, '/api/v1/registry/servers', { headers })
      const keys = Object.keys({ ...(doc.json as { servers?: object }).servers, ...(doc.json as { remote_servers?: object }).remote_servers }).sort()
      expect([who, keys]).to.deep.equal([who, want.map(toolHiveKeyOf).sort()])
      const info = await getChecked(`${api.url}/api/v1/registry/info`, '/api/v1/registry/info', { headers })
      expect([who, (info.json as { serverCount: number }).serverCount]).to.deep.equal([who, want.length])
      for (const hidden of data.snapshot.servers.map((s) => s.server.name).filter((n) => !want.includes(n))) {
        const search = await getChecked(`${api.url}/v0.1/servers?search=${encodeURIComponent(hidden)}`, '/v0.1/servers', { headers })
        expect([who, hidden, namesOf(search.json)]).to.deep.equal([who, hidden, []])
        const one = await getChecked(`${api.url}/v0.1/servers/${encodeURIComponent(hidden)}/versions/latest`, '/v0.1/servers/{serverName}/versions/{version}', { headers })
        expect([who, hidden, one.status]).to.deep.equal([who, hidden, 404])
      }
    }
  })

  it('hides views by their claims (404 like an unknown view, absent from info) and sources inside visible views', async () => {
    const internal = (who: string) => getChecked(`${api.url}/registry/internal/v0.1/servers?limit=100`, undefined, { headers: bearer(tokens[who] as string) })
    const unknown = await getChecked(`${api.url}/registry/nope/v0.1/servers`, undefined, { headers: bearer(tokens.bob as string) })
    const hidden = await internal('bob')
    expect([hidden.status, (hidden.json as { detail: string }).detail]).to.deep.equal([404, 'No registry view named "internal"'])
    expect([unknown.status, (unknown.json as { detail: string }).detail]).to.deep.equal([404, 'No registry view named "nope"'])
    for (const path of ['/registry/internal', '/registry/internal/', '/registry/internal/openapi.yaml']) {
      const res = await fetch(`${api.url}${path}`, { headers: bearer(tokens.bob as string), redirect: 'manual' })
      expect([path, res.status, ((await res.json()) as { detail: string }).detail]).to.deep.equal([path, 404, 'No registry view named "internal"'])
    }
    expect((await fetch(`${api.url}/registry/internal`, { headers: bearer(tokens.alice as string), redirect: 'manual' })).status).to.equal(308)
    expect(namesOf((await internal('alice')).json)).to.deep.equal([...data.names.platform, ...data.names.secret].sort())
    expect(namesOf((await internal('carol')).json)).to.deep.equal([...data.names.secret].sort())
    const viewsOf = async (who: string) => ((await getChecked(`${api.url}/api/v1/registry/info`, '/api/v1/registry/info', { headers: bearer(tokens[who] as string) })).json as { views: unknown }).views
    expect(await viewsOf('bob')).to.deep.equal([
      { name: 'all', sources: ['community'], path: '/registry/all' },
      { name: 'community-only', sources: ['community'], path: '/registry/community-only' },
    ])
    expect(await viewsOf('carol')).to.deep.equal([
      { name: 'all', sources: ['community', 'secret'], path: '/registry/all' },
      { name: 'community-only', sources: ['community'], path: '/registry/community-only' },
      { name: 'internal', sources: ['secret'], path: '/registry/internal' },
    ])
  })

  it('serves the HTML catalogue restricted the same way', async () => {
    const page = async (who: string) => {
      const res = await fetch(`${api.url}/?pageSize=100`, { headers: { ...bearer(tokens[who] as string), accept: 'text/html' } })
      expect(res.status).to.equal(200)
      return res.text()
    }
    const link = (name: string) => `href="/ui/servers/${encodeURIComponent(toolHiveKeyOf(name))}"`
    const [a, b] = [await page('alice'), await page('bob')]
    for (const name of data.names.platform) expect([name, a.includes(link(name)), b.includes(link(name))]).to.deep.equal([name, true, false])
    for (const name of data.names.community.filter((n) => n !== data.adminOnly)) expect([name, b.includes(link(name))]).to.deep.equal([name, true])
    expect([a.includes(link(data.adminOnly)), b.includes(link(data.adminOnly)), (await page('carol')).includes(link(data.adminOnly))]).to.deep.equal([false, false, true])
  })

  it('hides an entry whose own claims (a kubernetes source\'s authz-claims) the caller does not match, in every view', async () => {
    for (const [who, sees] of [['alice', false], ['bob', false], ['carol', true]] as const) {
      const headers = bearer(tokens[who] as string)
      for (const prefix of ['', '/registry/all', '/registry/community-only']) {
        const list = await getChecked(`${api.url}${prefix}/v0.1/servers?limit=100`, undefined, { headers })
        expect([who, prefix, namesOf(list.json).includes(data.adminOnly)]).to.deep.equal([who, prefix, sees])
      }
      const one = await getChecked(`${api.url}/v0.1/servers/${encodeURIComponent(data.adminOnly)}/versions/latest`, '/v0.1/servers/{serverName}/versions/{version}', { headers })
      expect([who, one.status]).to.deep.equal([who, sees ? 200 : 404])
    }
  })

  it('accepts tokens of a second provider: its JWTs through its own JWKS, its opaque tokens by introspection', async () => {
    for (const who of ['dave', 'eve']) {
      const res = await getChecked(`${api.url}/v0.1/servers?limit=100`, '/v0.1/servers', { headers: bearer(tokens[who] as string) })
      expect([who, res.status, namesOf(res.json)]).to.deep.equal([who, 200, expected(who)])
    }
    expect((tokens.eve as string).split('.')).to.have.length(1)
    const revoked = await getChecked(`${api.url}/v0.1/servers`, '/v0.1/servers', { headers: bearer('an-opaque-token-the-provider-never-issued') })
    expect([revoked.status, (revoked.json as { detail: string }).detail]).to.deep.equal([401, 'The token is not active'])
  })

  it('follows a key rotation at the provider: a token signed with a new kid is accepted after the keys are refetched', async () => {
    const before = corp.jwksRequests
    const rotated = await corp.rotateKey()
    const token = await corp.token(bob, Audience)
    expect(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid).to.equal(rotated.kid)
    const res = await getChecked(`${api.url}/v0.1/servers?limit=100`, '/v0.1/servers', { headers: bearer(token) })
    expect([res.status, namesOf(res.json)]).to.deep.equal([200, expected('bob')])
    expect(corp.jwksRequests).to.be.greaterThan(before)
  })

  it('keeps verifying with the cached keys while the JWKS endpoint is down; an unknown kid is then 401, not 500', async () => {
    const fresh = await corp.token(carol, Audience) // not verified yet: its signature is checked with the cached keys
    corp.jwksDown = true
    try {
      const ok = await getChecked(`${api.url}/v0.1/servers?limit=100`, '/v0.1/servers', { headers: bearer(fresh) })
      expect([ok.status, namesOf(ok.json)]).to.deep.equal([200, expected('carol')])
      const stranger = await newSigningKey('never-published')
      const now = Math.floor(Date.now() / 1000)
      const unknownKid = await new SignJWT({ scope: ReadScope }).setProtectedHeader({ alg: 'RS256', kid: stranger.kid }).setIssuer(corp.issuer)
        .setAudience(Audience).setExpirationTime(now + 600).sign(await importJWK(stranger.privateJwk, 'RS256'))
      const before = corp.jwksRequests
      const res = await getChecked(`${api.url}/v0.1/servers`, '/v0.1/servers', { headers: bearer(unknownKid) })
      expect([res.status, (res.json as { detail: string }).detail]).to.deep.equal([401, 'No signing key of the issuer matches the token'])
      expect(corp.jwksRequests).to.be.greaterThan(before) // it did try to refresh, and the failure is a 401
    } finally {
      corp.jwksDown = false
    }
  })

  it('never lets one caller see another caller\'s entries when both hammer the same URLs concurrently (memo isolation)', async () => {
    const urls = ['/v0.1/servers?limit=100', '/v0/servers?limit=100', '/registry/all/v0.1/servers?limit=100', '/api/v1/registry/servers?format=upstream', '/v0.1/servers?limit=100&search=io']
    const callers = ['alice', 'bob', 'carol']
    let answers = 0
    for (let round = 0; round < 30; round++) {
      await Promise.all(callers.flatMap((who) => urls.map(async (url) => {
        const res = await fetch(`${api.url}${url}`, { headers: bearer(tokens[who] as string) })
        const json: unknown = await res.json()
        const want = expected(who).filter((n) => !url.includes('search=io') || n.includes('io'))
        expect([who, url, res.status, namesOf(json)]).to.deep.equal([who, url, 200, want])
        answers += 1
      })))
    }
    expect(answers).to.equal(30 * callers.length * urls.length)
  })

  it('answers a memoized URL to a caller without a token with 401, never with a cached body', async () => {
    await eventually(async () => {
      const res = await fetch(`${api.url}/v0.1/servers?limit=100`, { headers: bearer(tokens.alice as string) })
      expect(res.status).to.equal(200)
      await res.arrayBuffer()
    })
    const res = await fetch(`${api.url}/v0.1/servers?limit=100`)
    expect(res.status).to.equal(401)
    await res.arrayBuffer()
  })

  it('never writes a token or an Authorization header into its logs (debug level, after every case above)', () => {
    const text = logged.join('')
    expect(text.length).to.be.greaterThan(0)
    const secrets = Object.values(tokens).flatMap((t) => [t, t.split('.')[2] ?? t])
    expect(secrets.filter((t) => text.includes(t))).to.deep.equal([])
    expect(text.toLowerCase()).to.not.include('bearer ')
  })
})
