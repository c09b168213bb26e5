/**
 * The OAuth 2.0 protected resource metadata of the API (RFC 9728) and the `WWW-Authenticate` challenges of its 401
 * and 403 answers (RFC 6750 §3), which point clients at that metadata.
 */
import type { ApiAuthSettings } from '@thv/registry-model'

/** Path of the metadata document (RFC 9728 §3). */
export const ProtectedResourcePath = '/.well-known/oauth-protected-resource'

/** The resource URL: `oauth.resourceUrl`, else the origin the request reached (`--file` mode without one). */
export function resourceUrlOf(settings: ApiAuthSettings, requestOrigin: string): string {
  return settings.oauth?.resourceUrl ?? `${requestOrigin}/`
}

/** Where the metadata of `resourceUrl` is served: the well-known path inserted before the resource's own path (RFC 9728 §3.1). */
export function resourceMetadataUrl(resourceUrl: string): string {
  const url = new URL(resourceUrl)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  return `${url.origin}${ProtectedResourcePath}${path}`
}

/** The RFC 9728 metadata document. */
export function protectedResourceDocument(settings: ApiAuthSettings, resourceUrl: string): Record<string, unknown> {
  const oauth = settings.oauth
  return {
    resource: resourceUrl,
    authorization_servers: (oauth?.providers ?? []).map((p) => p.issuerUrl),
    bearer_methods_supported: ['header'],
    ...(oauth?.scopesSupported === undefined ? {} : { scopes_supported: oauth.scopesSupported }),
    ...(oauth?.realm === undefined ? {} : { resource_name: oauth.realm }),
  }
}

const quoted = (s: string): string => `"${s.replace(/["\\]/g, '')}"`

/**
 * The `WWW-Authenticate` value: `Bearer realm="…", resource_metadata="…"`, plus `error` and `error_description`
 * for a token that was sent and refused, and `scope` for `insufficient_scope`.
 */
export function bearerChallenge(settings: ApiAuthSettings, resourceUrl: string, error?: { readonly code: 'invalid_token' | 'insufficient_scope'; readonly description: string }): string {
  const parts = [
    ...(settings.oauth?.realm === undefined ? [] : [`realm=${quoted(settings.oauth.realm)}`]),
    `resource_metadata=${quoted(resourceMetadataUrl(resourceUrl))}`,
    ...(error === undefined ? [] : [`error=${quoted(error.code)}`, `error_description=${quoted(error.description)}`]),
    ...(error?.code === 'insufficient_scope' && settings.oauth?.scopesSupported !== undefined ? [`scope=${quoted(settings.oauth.scopesSupported.join(' '))}`] : []),
  ]
  return `Bearer ${parts.join(', ')}`
}
