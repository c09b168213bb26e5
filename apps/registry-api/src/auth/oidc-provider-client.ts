/**
 * OidcProviderClient: what the API asks one identity provider: its signing keys (JWKS from `jwksUrl`, else from the
 * `jwks_uri` of `<issuerUrl>/.well-known/openid-configuration`) and, for opaque tokens, RFC 7662 introspection.
 */
import type { AuthProviderSettings } from '@thv/registry-model'
import type { Logger } from 'winston'
import { IdpRequestError, requestJson } from './idp-http.js'
import { JwksKeys, type JwksKeysOptions } from './jwks-keys.js'

/** The secrets of a provider, read from the mounted files its settings name. */
export interface ProviderSecrets {
  readonly caPem?: string | undefined
  readonly clientSecret?: string | undefined
  readonly authToken?: string | undefined
}

/** Timeout of one request to a provider. */
export const IdpTimeoutMs = 5_000

interface Discovery { readonly jwksUri: string; readonly introspectionEndpoint?: string | undefined }

export class OidcProviderClient {
  readonly keys: JwksKeys
  #discovery: Promise<Discovery> | undefined

  constructor(readonly settings: AuthProviderSettings, private readonly secrets: ProviderSecrets, private readonly log: Logger, keyOptions: JwksKeysOptions = {}) {
    this.keys = new JwksKeys(() => this.#fetchJwks(), log, keyOptions)
  }

  get name(): string {
    return this.settings.name
  }

  /** Whether opaque tokens can be checked with this provider. */
  get introspects(): boolean {
    return this.settings.introspectionUrl !== undefined
  }

  /**
   * The introspection answer for `token` when the provider says it is active and meant for this API (`iss` and
   * `aud`, when present, match), else undefined. Rejects with `IdpRequestError` when the provider cannot answer.
   */
  async introspect(token: string): Promise<Readonly<Record<string, unknown>> | undefined> {
    const url = this.settings.introspectionUrl
    if (url === undefined) return undefined
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
    if (this.secrets.authToken !== undefined) headers.authorization = `Bearer ${this.secrets.authToken}`
    else if (this.settings.clientId !== undefined) {
      // RFC 6749 §2.3.1: both parts form-urlencoded before Basic encoding.
      const id = encodeURIComponent(this.settings.clientId)
      const secret = encodeURIComponent(this.secrets.clientSecret ?? '')
      headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`
    }
    const body = new URLSearchParams({ token, token_type_hint: 'access_token' }).toString()
    const { status, json } = await requestJson({ url, method: 'POST', headers, body, ca: this.secrets.caPem, timeoutMs: IdpTimeoutMs })
    if (status !== 200 || typeof json !== 'object' || json === null) throw new IdpRequestError(url, `Introspection answered HTTP ${status}`)
    const answer = json as Record<string, unknown>
    if (answer.active !== true) return undefined
    if (answer.iss !== undefined && answer.iss !== this.settings.issuerUrl) return undefined
    const aud = answer.aud
    if (aud !== undefined && !(aud === this.settings.audience || (Array.isArray(aud) && aud.includes(this.settings.audience)))) return undefined
    return answer
  }

  async #fetchJwks(): Promise<unknown> {
    const url = this.settings.jwksUrl ?? (await this.#discover()).jwksUri
    const { status, json } = await requestJson({ url, ca: this.secrets.caPem, timeoutMs: IdpTimeoutMs })
    if (status !== 200) throw new IdpRequestError(url, `JWKS answered HTTP ${status}`)
    return json
  }

  /** The discovery document, fetched once (again after a failure). */
  #discover(): Promise<Discovery> {
    this.#discovery ??= this.#fetchDiscovery().catch((err: unknown) => {
      this.#discovery = undefined
      throw err
    })
    return this.#discovery
  }

  async #fetchDiscovery(): Promise<Discovery> {
    const issuer = this.settings.issuerUrl
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`
    const { status, json } = await requestJson({ url, ca: this.secrets.caPem, timeoutMs: IdpTimeoutMs })
    const doc = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>
    if (status !== 200) throw new IdpRequestError(url, `Discovery answered HTTP ${status}`)
    if (doc.issuer !== issuer) throw new IdpRequestError(url, `Discovery names issuer ${JSON.stringify(doc.issuer)}, not the configured ${JSON.stringify(issuer)}`)
    if (typeof doc.jwks_uri !== 'string') throw new IdpRequestError(url, 'Discovery has no jwks_uri')
    this.log.info('Discovered identity provider', { provider: this.name, issuer })
    return { jwksUri: doc.jwks_uri, introspectionEndpoint: typeof doc.introspection_endpoint === 'string' ? doc.introspection_endpoint : undefined }
  }
}
