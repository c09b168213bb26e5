/** loadApiAuth: reads the `--auth-config` file and the files it names, and builds the process's `ApiAuth`. */
import { readFile } from 'node:fs/promises'
import { decodeApiAuthSettings, type ApiAuthSettings } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import type { Logger } from 'winston'
import { parse as parseYaml } from 'yaml'
import { ApiAuth } from './api-auth.js'
import type { JwksKeysOptions } from './jwks-keys.js'
import { OidcProviderClient, type ProviderSecrets } from './oidc-provider-client.js'
import { TokenVerifier } from './token-verifier.js'

/** The auth settings file could not be read or is invalid; the message names the file and every problem, never a secret. */
export class AuthSettingsError extends Error {
  readonly code = 'InvalidAuthSettings'
  constructor(readonly path: string, message: string, options?: { cause?: unknown }) {
    super(`Auth settings ${path}: ${message}`, options)
    this.name = 'AuthSettingsError'
  }
}

/** Parses and decodes the settings text (YAML or JSON). */
export function parseApiAuthSettings(path: string, text: string): E.Either<AuthSettingsError, ApiAuthSettings> {
  let raw: unknown
  try {
    raw = parseYaml(text)
  } catch (err) {
    return E.left(new AuthSettingsError(path, 'not valid YAML or JSON', { cause: err }))
  }
  const decoded = decodeApiAuthSettings(raw)
  return E.isLeft(decoded) ? E.left(new AuthSettingsError(path, decoded.left.message)) : E.right(decoded.right)
}

async function readSecret(owner: string, file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined
  try {
    return (await readFile(file, 'utf8')).trim()
  } catch (err) {
    throw new AuthSettingsError(owner, `cannot read ${file}`, { cause: err })
  }
}

/** Builds the auth policy of `settings`: one client per provider, with its mounted CA and secrets read once. */
export async function buildApiAuth(path: string, settings: ApiAuthSettings, log: Logger, keyOptions: JwksKeysOptions = {}): Promise<ApiAuth> {
  const providers = await Promise.all((settings.oauth?.providers ?? []).map(async (p) => {
    const secrets: ProviderSecrets = {
      caPem: await readSecret(path, p.caCertFile),
      clientSecret: await readSecret(path, p.clientSecretFile),
      authToken: await readSecret(path, p.authTokenFile),
    }
    return new OidcProviderClient(p, secrets, log.child({ provider: p.name }), keyOptions)
  }))
  const verifier = settings.mode === 'oauth' ? new TokenVerifier(providers, log) : undefined
  return new ApiAuth(settings, verifier)
}

/** Reads, decodes and builds the `--auth-config` file; rejects with `AuthSettingsError`. */
export async function loadApiAuth(path: string, log: Logger): Promise<ApiAuth> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new AuthSettingsError(path, 'cannot be read', { cause: err })
  }
  const settings = parseApiAuthSettings(path, text)
  if (E.isLeft(settings)) throw settings.left
  return buildApiAuth(path, settings.right, log)
}
