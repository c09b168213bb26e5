/**
 * TokenVerifier: checks a bearer token against the configured providers. A JWT is verified with `jose` against the
 * keys of the provider its `iss` names (signature with an asymmetric algorithm only; `iss`, `aud`, `exp`, `nbf` with
 * 60 s of clock skew); an opaque token is introspected (RFC 7662) by the providers that have an introspection URL.
 */
import * as E from 'fp-ts/lib/Either.js'
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose'
import type { Logger } from 'winston'
import type { OidcProviderClient } from './oidc-provider-client.js'

/** Algorithms a token may be signed with: asymmetric only, so a public key can never serve as an HMAC secret. */
export const AsymmetricAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const
/** Clock skew tolerated on `exp` and `nbf`. */
export const ClockSkewSeconds = 60
/** Longest time an introspected token without `exp` is trusted before it is introspected again. */
export const IntrospectionTtlMs = 60_000

/** A verified token: who issued it, its claims, and until when it may be trusted. */
export interface VerifiedToken {
  readonly provider: string
  readonly claims: Readonly<Record<string, unknown>>
  readonly expiresAtMs: number
}

/** Why a token was refused; `description` is safe to send to the client (it never quotes the token). */
export interface TokenRejection { readonly description: string }

const reject = (description: string): E.Either<TokenRejection, VerifiedToken> => E.left({ description })

function describeJoseError(err: unknown): string | undefined {
  if (err instanceof errors.JWTExpired) return 'The token has expired'
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'The token is not valid yet'
    if (err.claim === 'aud') return 'The token is not meant for this API (audience)'
    if (err.claim === 'iss') return 'The token issuer is not accepted'
    return `The token claim ${err.claim} is invalid`
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'The token signature algorithm is not allowed (asymmetric algorithms only)'
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is invalid'
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return 'No signing key of the issuer matches the token'
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported) return 'The token is malformed'
  return undefined
}

export class TokenVerifier {
  readonly #byIssuer: ReadonlyMap<string, OidcProviderClient>

  constructor(private readonly providers: readonly OidcProviderClient[], private readonly log: Logger, private readonly now: () => number = Date.now) {
    this.#byIssuer = new Map(providers.map((p) => [p.settings.issuerUrl, p]))
  }

  /** Verifies `token`; never rejects (a provider that cannot be reached makes the token unverifiable: a Left). */
  async verify(token: string): Promise<E.Either<TokenRejection, VerifiedToken>> {
    if (token.split('.').length === 3) return this.#verifyJwt(token)
    return this.#introspect(token)
  }

  async #verifyJwt(token: string): Promise<E.Either<TokenRejection, VerifiedToken>> {
    let iss: unknown
    try {
      decodeProtectedHeader(token)
      iss = decodeJwt(token).iss
    } catch {
      return reject('The token is malformed')
    }
    const provider = typeof iss === 'string' ? this.#byIssuer.get(iss) : undefined
    if (provider === undefined) return reject('The token issuer is not accepted')
    try {
      const { payload } = await jwtVerify(token, provider.keys.getKey, {
        issuer: provider.settings.issuerUrl, audience: provider.settings.audience,
        clockTolerance: ClockSkewSeconds, algorithms: [...AsymmetricAlgorithms],
      })
      const expiresAtMs = typeof payload.exp === 'number' ? payload.exp * 1000 : this.now() + IntrospectionTtlMs
      return E.right({ provider: provider.name, claims: payload as Record<string, unknown>, expiresAtMs })
    } catch (err) {
      const description = describeJoseError(err)
      if (description !== undefined) return reject(description)
      // The keys could not be fetched (provider down) or something unexpected: the caller gets 401, we log why.
      this.log.warn('Could not verify a token', { provider: provider.name, err })
      return reject('The token could not be verified')
    }
  }

  async #introspect(token: string): Promise<E.Either<TokenRejection, VerifiedToken>> {
    const introspecting = this.providers.filter((p) => p.introspects)
    if (introspecting.length === 0 || !/^[\x21-\x7e]+$/.test(token)) return reject('The token is malformed')
    for (const provider of introspecting) {
      try {
        const answer = await provider.introspect(token)
        if (answer === undefined) continue
        const now = this.now()
        const exp = typeof answer.exp === 'number' ? answer.exp * 1000 : undefined
        if (exp !== undefined && exp + ClockSkewSeconds * 1000 < now) continue
        return E.right({ provider: provider.name, claims: answer, expiresAtMs: Math.min(exp ?? Number.POSITIVE_INFINITY, now + IntrospectionTtlMs) })
      } catch (err) {
        this.log.warn('Introspection failed', { provider: provider.name, err })
      }
    }
    return reject('The token is not active')
  }
}
