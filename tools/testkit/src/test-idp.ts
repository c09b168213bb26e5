// A real OpenID Connect provider for tests of the API's authentication: oidc-provider over TLS on 127.0.0.1 (a CA made by the test),
// issuing JWT access tokens by the client-credentials grant with resource indicators (the audience) and custom claims.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { request } from 'node:https'
import { generateKeyPair, exportJWK, type JWK } from 'jose'
import Provider from 'oidc-provider'
import { startHttpsServer, type TestHttpsServer, type TestTls } from './remote-sources.js'

/** The scope the test resource server grants. */
export const ReadScope = 'mcp-registry:read'

/** One client of the test provider: its credentials and the custom claims its tokens carry. */
export interface TestClient {
  readonly id: string
  readonly secret: string
  readonly claims: Readonly<Record<string, unknown>>
  /** Scope the resource server grants this client's tokens (default `ReadScope`). */
  readonly scope?: string
  /** Whether this client's access tokens are opaque (introspected) rather than JWTs. */
  readonly opaque?: boolean
}

/** A signing key pair of the provider: the private JWK (for tokens the provider cannot make) and its `kid`. */
export interface TestSigningKey { readonly kid: string; readonly privateJwk: JWK; readonly publicJwk: JWK }

export interface TestIdp {
  /** `https://127.0.0.1:<port>`: the issuer. */
  readonly issuer: string
  readonly keys: TestSigningKey[]
  /** A token by the client-credentials grant for `resource` (the audience): a JWT, or opaque for an `opaque` client. */
  token(client: TestClient, resource: string): Promise<string>
  /** Signs with a new key (new `kid`) from now on; the old key stays published. */
  rotateKey(): Promise<TestSigningKey>
  /** While true, the JWKS endpoint drops every connection (the rest of the provider still answers). */
  jwksDown: boolean
  /** How many JWKS requests reached the provider (answered or dropped). */
  readonly jwksRequests: number
  close(): Promise<void>
}

export async function newSigningKey(kid: string): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }
  return { kid, privateJwk, publicJwk }
}

function providerFor(issuer: string, clients: readonly TestClient[], keys: readonly TestSigningKey[]): Provider {
  const byId = new Map(clients.map((c) => [c.id, c]))
  return new Provider(issuer, {
    clients: clients.map((c) => ({ client_id: c.id, client_secret: c.secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] })),
    jwks: { keys: [...keys].reverse().map((k) => k.privateJwk) }, // newest first: the provider signs with it
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string, client: { clientId: string }) => ({
          audience: resource,
          scope: byId.get(client.clientId)?.scope ?? ReadScope,
          accessTokenFormat: byId.get(client.clientId)?.opaque === true ? 'opaque' : 'jwt',
          accessTokenTTL: 600,
          ...(byId.get(client.clientId)?.opaque === true ? {} : { jwt: { sign: { alg: 'RS256' } } }),
        }),
      },
    },
    extraTokenClaims: (_ctx: unknown, token: { clientId?: string }) => ({ ...(byId.get(token.clientId ?? '')?.claims ?? {}) }),
    ttl: { ClientCredentials: 600 },
  })
}

/** Starts a provider on 127.0.0.1 with `tls`, serving `clients`. */
export async function startTestIdp(tls: TestTls, clients: readonly TestClient[], name = 'idp'): Promise<TestIdp> {
  const keys = [await newSigningKey(`${name}-key-1`)]
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined
  const state = { jwksDown: false, jwksRequests: 0 }
  const server: TestHttpsServer = await startHttpsServer(tls, (req, res) => {
    if (req.url?.startsWith('/jwks') === true) {
      state.jwksRequests += 1
      if (state.jwksDown) {
        res.destroy()
        return
      }
    }
    ;(handler ?? (() => res.destroy()))(req, res)
  })
  const issuer = `https://127.0.0.1:${server.port}`
  const rebuild = (): void => {
    handler = providerFor(issuer, clients, keys).callback()
  }
  rebuild()
  return {
    issuer,
    keys,
    async token(client, resource) {
      const scope = client.scope ?? ReadScope
      const res = await fetchWithCa(tls.caPem, `${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }).toString(),
      })
      const json = JSON.parse(res.body) as { access_token?: string; error?: string; error_description?: string }
      if (res.status !== 200 || json.access_token === undefined) throw new Error(`Token request failed: HTTP ${res.status} ${res.body}`)
      return json.access_token
    },
    async rotateKey() {
      const key = await newSigningKey(`${name}-key-${keys.length + 1}`)
      keys.push(key)
      rebuild()
      return key
    },
    get jwksDown() {
      return state.jwksDown
    },
    set jwksDown(down: boolean) {
      state.jwksDown = down
    },
    get jwksRequests() {
      return state.jwksRequests
    },
    close: () => server.close(),
  }
}

// An HTTPS request trusting the test CA (node:https; Node's fetch has no per-request CA).
async function fetchWithCa(ca: string, url: string, init: { method: string; headers: Record<string, string>; body: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers, ca }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

