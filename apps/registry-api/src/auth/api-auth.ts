/**
 * ApiAuth: the authentication and authorization policy of one API process, built from its auth settings. It
 * answers, for a request, who the caller is (a verified bearer token, cached until it expires, or nobody) and what
 * the caller may see (a `Visibility`), and whether a path is open without a token.
 */
import type { ApiAuthSettings } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import type { TokenVerifier } from './token-verifier.js'
import { FullVisibility, visibilityOf, type Visibility } from './visibility.js'

/** Paths open in every mode: probes, metrics, the OpenAPI document (clients such as thv read it first) and the OAuth metadata. */
export const AlwaysPublicPaths: readonly string[] = ['/health', '/readiness', '/metrics', '/openapi.yaml', '/.well-known/*']

/** Most verified tokens kept; the oldest is dropped first. */
export const MaxCachedTokens = 10_000

/**
 * The token cache is keyed by the last characters of a token (part of its signature, or random for an opaque token)
 * and a hit is confirmed by comparing the whole token: hashing a fresh 1 KiB header string on every request cost
 * about 4 µs, a quarter of a memo answer.
 */
const TokenKeyChars = 48
const tokenKey = (token: string): string => (token.length <= TokenKeyChars ? token : token.slice(-TokenKeyChars))

/** A caller whose token was verified. */
export interface Principal {
  readonly provider: string
  readonly claims: Readonly<Record<string, unknown>>
  readonly expiresAtMs: number
  readonly visibility: Visibility
  /** Whether the token carries one of `scopesSupported` (always true when none are configured). */
  readonly scopeOk: boolean
}

/** The outcome of authenticating one request. */
export type Authentication =
  /** No token needed: everything (anonymous mode, no `claims`), or a public path in oauth mode (`claims` `{}`). */
  | { readonly kind: 'open'; readonly visibility: Visibility; readonly claims?: Readonly<Record<string, unknown>> }
  | { readonly kind: 'caller'; readonly principal: Principal }
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly description: string }

/** The claims of a caller without a token (one object, so caches keyed by it stay small). */
export const NoClaims: Readonly<Record<string, unknown>> = Object.freeze({})

/** The bearer token of an `Authorization` header; `null` when the header is absent, `''` when it is not a bearer token. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null
  const m = /^Bearer +([^\s]+) *$/i.exec(header)
  return m?.[1] ?? ''
}

function scopesOf(claims: Readonly<Record<string, unknown>>): string[] {
  const scope = claims.scope ?? claims.scp
  if (typeof scope === 'string') return scope.split(' ').filter((s) => s !== '')
  return Array.isArray(scope) ? scope.filter((s): s is string => typeof s === 'string') : []
}

export class ApiAuth {
  readonly #tokens = new Map<string, { readonly token: string; readonly principal: Principal }>()
  readonly #exact: ReadonlySet<string>
  readonly #prefixes: readonly string[]
  readonly #anonymousVisibility: Visibility

  constructor(readonly settings: ApiAuthSettings, private readonly verifier: TokenVerifier | undefined, private readonly now: () => number = Date.now) {
    const paths = [...AlwaysPublicPaths, ...(settings.publicPaths ?? [])]
    this.#exact = new Set(paths.filter((p) => !p.endsWith('*')))
    this.#prefixes = paths.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1))
    this.#anonymousVisibility = visibilityOf(settings, NoClaims)
  }

  /** True in `oauth` mode: requests need a bearer token outside the public paths. */
  get enforcing(): boolean {
    return this.settings.mode === 'oauth'
  }

  /** Whether `path` is open without a token (exact entries, or a prefix for entries ending in `*`). */
  isPublic(path: string): boolean {
    return this.#exact.has(path) || this.#prefixes.some((p) => path.startsWith(p))
  }

  /** What a caller without a token sees on a public path: only views and sources without claims. */
  get anonymousVisibility(): Visibility {
    return this.#anonymousVisibility
  }

  /**
   * The caller of a request for `path` with `authorization`, from the token cache only: undefined when the token
   * has not been verified yet (or expired), so the request must go through `authenticate`.
   */
  cachedAuthentication(path: string, authorization: string | undefined): Authentication | undefined {
    if (!this.enforcing) return { kind: 'open', visibility: FullVisibility }
    if (this.isPublic(path)) return { kind: 'open', visibility: this.#anonymousVisibility, claims: NoClaims }
    // The common form `Bearer <token>` without a regular expression; anything else goes the slow way.
    if (authorization === undefined || authorization.length <= 7 || authorization.slice(0, 7).toLowerCase() !== 'bearer ') return undefined
    const principal = this.#cached(authorization.slice(7))
    return principal === undefined ? undefined : { kind: 'caller', principal }
  }

  #cached(token: string): Principal | undefined {
    const key = tokenKey(token)
    const entry = this.#tokens.get(key)
    if (entry === undefined || entry.token !== token) return undefined
    if (entry.principal.expiresAtMs <= this.now()) {
      this.#tokens.delete(key)
      return undefined
    }
    return entry.principal
  }

  /** Authenticates a request for `path` with `authorization`, verifying (and caching) its token when needed. */
  async authenticate(path: string, authorization: string | undefined): Promise<Authentication> {
    const cached = this.cachedAuthentication(path, authorization)
    if (cached !== undefined) return cached
    const token = bearerToken(authorization)
    if (token === null) return { kind: 'missing' }
    if (token === '' || this.verifier === undefined) return { kind: 'invalid', description: 'The Authorization header is not a bearer token' }
    const known = this.#cached(token)
    if (known !== undefined) return { kind: 'caller', principal: known }
    const verified = await this.verifier.verify(token)
    if (E.isLeft(verified)) return { kind: 'invalid', description: verified.left.description }
    const { claims } = verified.right
    const supported = this.settings.oauth?.scopesSupported ?? []
    const principal: Principal = {
      ...verified.right,
      visibility: visibilityOf(this.settings, claims),
      scopeOk: supported.length === 0 || scopesOf(claims).some((s) => supported.includes(s)),
    }
    if (this.#tokens.size >= MaxCachedTokens) {
      const oldest = this.#tokens.keys().next()
      if (oldest.done !== true) this.#tokens.delete(oldest.value)
    }
    this.#tokens.set(tokenKey(token), { token, principal })
    return { kind: 'caller', principal }
  }
}
