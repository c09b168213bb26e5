/**
 * The registry API's authentication settings file (`--auth-config`): what the operator renders from
 * `spec.authConfig` and the `claims` of `spec.sources`/`spec.registries` into a ConfigMap mounted in the API pod,
 * and what a user writes by hand in `--file` mode. Secrets and CA certificates are named by file path (mounted
 * volumes), never carried in the file.
 */
import * as t from 'io-ts'
import { decodeWith } from './decode-failure.js'
import { AuthModeCodec, ClaimsCodec, HttpUrlCodec, MaxAuthProviders, PublicPathPattern, SourceNamePattern } from './mcpregistry.codec.js'
import { optional, strictStruct } from './struct.codec.js'

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

const patterned = (pattern: string, name: string, max: number) => {
  const re = new RegExp(pattern, 'u')
  return t.refinement(t.string, (s) => s.length >= 1 && s.length <= max && re.test(s), name)
}
const FilePath = patterned('^/\\S*$', 'AbsoluteFilePath', 4096)
const Name = patterned(SourceNamePattern, 'Name', 63)
const bounded = <C extends t.Mixed>(item: C, max: number, name: string, min = 0) =>
  t.refinement(t.array(item), (a) => a.length >= min && a.length <= max, name)

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * One provider as the API reads it: `caCertFile`, `clientSecretFile` and `authTokenFile` are paths of mounted
 * files (PEM, the introspection client secret, a bearer token for the introspection endpoint).
 *
 * @category combinators
 * @since 0.2.0
 */
export const AuthProviderSettingsCodec = strictStruct(
  {
    name: Name,
    issuerUrl: HttpUrlCodec,
    audience: patterned('^\\S+$', 'Audience', 1024),
    jwksUrl: optional(HttpUrlCodec),
    caCertFile: optional(FilePath),
    introspectionUrl: optional(HttpUrlCodec),
    clientId: optional(patterned('^\\S+$', 'ClientId', 1024)),
    clientSecretFile: optional(FilePath),
    authTokenFile: optional(FilePath),
  },
  'AuthProviderSettings',
)
/** @category model @since 0.2.0 */
export type AuthProviderSettings = t.TypeOf<typeof AuthProviderSettingsCodec>

/**
 * The API's auth settings: `mode`, `publicPaths`, `oauth` (with `mode: oauth`), and the claims a caller needs to
 * see each source's entries (`sourceClaims`) and each view (`viewClaims`), by name. A source or view without an
 * entry is visible to every authenticated caller.
 *
 * @category combinators
 * @since 0.2.0
 */
export const ApiAuthSettingsCodec = t.refinement(
  strictStruct(
    {
      mode: AuthModeCodec,
      publicPaths: optional(bounded(patterned(PublicPathPattern, 'PublicPath', 1024), 64, 'PublicPaths')),
      oauth: optional(strictStruct(
        {
          resourceUrl: optional(HttpUrlCodec),
          realm: optional(patterned('^[^"\\\\]*$', 'Realm', 256)),
          scopesSupported: optional(bounded(patterned('^[!#-\\[\\]-~]+$', 'Scope', 256), 32, 'ScopesSupported')),
          providers: t.refinement(
            bounded(AuthProviderSettingsCodec, MaxAuthProviders, 'AuthProviders', 1),
            (ps) => new Set(ps.map((p) => p.name)).size === ps.length && new Set(ps.map((p) => p.issuerUrl)).size === ps.length,
            'AuthProviders(unique names and issuers)',
          ),
        },
        'OAuthSettings',
      )),
      sourceClaims: optional(t.record(t.string, ClaimsCodec, 'SourceClaims')),
      viewClaims: optional(t.record(t.string, ClaimsCodec, 'ViewClaims')),
    },
    'ApiAuthSettingsFields',
  ),
  (s) => s.mode !== 'oauth' || s.oauth !== undefined,
  'ApiAuthSettings(oauth is required when mode is oauth)',
)
/** @category model @since 0.2.0 */
export type ApiAuthSettings = t.TypeOf<typeof ApiAuthSettingsCodec>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Decodes the auth settings (parsed JSON or YAML); every problem is reported with its path.
 *
 * @category utils
 * @since 0.2.0
 */
export const decodeApiAuthSettings = decodeWith(ApiAuthSettingsCodec)
