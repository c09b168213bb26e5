/**
 * JwksKeys: one provider's signing keys, fetched from its JWKS endpoint and kept. Refreshed when a token names an
 * unknown `kid` (at most once per `minRefreshIntervalMs`, whether the fetch worked or not) and in the background of
 * a verification once older than `maxAgeMs`; when the endpoint is down the keys already held keep working.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'
import type { Logger } from 'winston'

/** Timing of the refreshes. */
export interface JwksKeysOptions {
  /** Least time between two fetches of the key set (unknown `kid` flood protection). Default 10 s. */
  readonly minRefreshIntervalMs?: number
  /** Age after which the keys are refetched on the next verification (old keys kept on failure). Default 10 min. */
  readonly maxAgeMs?: number
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number
}

type LocalSet = ReturnType<typeof createLocalJWKSet>

export class JwksKeys {
  #local: LocalSet | undefined
  #fetchedAt = Number.NEGATIVE_INFINITY
  #attemptedAt = Number.NEGATIVE_INFINITY
  #pending: Promise<void> | undefined
  readonly #minRefreshMs: number
  readonly #maxAgeMs: number
  readonly #now: () => number

  /** `fetchSet` answers the provider's JWKS document (and rejects when it cannot). */
  constructor(private readonly fetchSet: () => Promise<unknown>, private readonly log: Logger, options: JwksKeysOptions = {}) {
    this.#minRefreshMs = options.minRefreshIntervalMs ?? 10_000
    this.#maxAgeMs = options.maxAgeMs ?? 600_000
    this.#now = options.now ?? Date.now
  }

  /** The key resolver for `jwtVerify`. Rejects with a jose error (no key, or no key set could be fetched). */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    if (this.#local === undefined) await this.#refresh()
    else if (this.#now() - this.#fetchedAt > this.#maxAgeMs) void this.#refresh().catch(() => undefined)
    const local = this.#local
    if (local === undefined) throw new errors.JWKSNoMatchingKey('No signing keys could be fetched from the provider')
    try {
      return await local(header, token)
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || !this.#mayRefresh()) throw err
      await this.#refresh().catch(() => undefined)
      const fresh = this.#local
      if (fresh === undefined || fresh === local) throw err
      return fresh(header, token)
    }
  }

  #mayRefresh(): boolean {
    return this.#now() - this.#attemptedAt >= this.#minRefreshMs
  }

  /** One fetch at a time; failures are logged (the keys held stay) and rethrown to the caller that waited. */
  #refresh(): Promise<void> {
    if (this.#pending !== undefined) return this.#pending
    if (!this.#mayRefresh()) return Promise.resolve()
    this.#attemptedAt = this.#now()
    const pending = this.fetchSet().then((json) => {
      this.#local = createLocalJWKSet(json as JSONWebKeySet)
      this.#fetchedAt = this.#now()
      this.log.debug('Fetched signing keys', { keys: (json as JSONWebKeySet).keys.length })
    }, (err: unknown) => {
      this.log.warn('Failed to fetch signing keys; keeping the keys held', { err, keysHeld: this.#local !== undefined })
      throw err
    }).finally(() => {
      this.#pending = undefined
    })
    this.#pending = pending
    return pending
  }
}
