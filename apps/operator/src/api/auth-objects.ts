/**
 * The auth settings of a registry's API: `spec.authConfig` and the `claims` of `spec.sources`/`spec.registries`
 * rendered into the API's settings file (a ConfigMap the operator owns), and the projected volume that mounts it
 * together with each provider's CA (ConfigMap key) and secrets (Secret keys) as files. Secret values never pass
 * through the operator: the kubelet mounts them, and the settings file only names their paths.
 */
import { createHash } from 'node:crypto'
import type { V1ConfigMap, V1ObjectMeta, V1VolumeProjection } from '@kubernetes/client-node'
import type { ApiAuthSettings, AuthConfig, MCPRegistrySourceEntry, RegistryView } from '@thv/registry-model'

/** Where the auth volume is mounted in the API container. */
export const AuthMountPath = '/etc/thv-registry/auth'
/** The settings file's key in the ConfigMap and its name in the volume. */
export const AuthSettingsKey = 'auth.json'
/** Pod template annotation carrying the hash of the settings file: a change rolls the pods. */
export const AuthConfigHashAnnotation = 'toolhive.stacklok.dev/auth-config-hash'

/** `<name>-api-auth`: the ConfigMap holding the API's auth settings. */
export function authConfigMapName(registryName: string): string {
  return `${registryName}-api-auth`
}

/** The parts of the spec that shape the auth settings. */
export interface AuthSpec {
  readonly authConfig?: AuthConfig | undefined
  readonly sources?: readonly Pick<MCPRegistrySourceEntry, 'name' | 'claims'>[] | undefined
  readonly registries?: readonly Pick<RegistryView, 'name' | 'claims'>[] | undefined
}

/** The rendered auth objects; undefined when the spec has no `authConfig` (anonymous, no file). */
export interface AuthObjects {
  readonly configMap: V1ConfigMap
  /** The settings as the API reads them. */
  readonly settings: ApiAuthSettings
  /** Sources of the projected volume mounted at {@link AuthMountPath}. */
  readonly projections: V1VolumeProjection[]
  /** sha256 of the settings file (the pod template annotation). */
  readonly hash: string
}

const providerDir = (name: string) => `providers/${name}`

/**
 * Renders `spec.authConfig` for the API of a registry whose Service answers at `serviceUrl` (the default
 * `resourceUrl`). The claims of sources and views are carried whatever the mode; the API applies them with
 * `mode: oauth` only.
 */
export function desiredAuthObjects(registryName: string, metadata: V1ObjectMeta, spec: AuthSpec, serviceUrl: string): AuthObjects | undefined {
  const auth = spec.authConfig
  if (auth === undefined) return undefined
  const projections: V1VolumeProjection[] = []
  const oauth = auth.oauth
  const providers = (oauth?.providers ?? []).map((p) => {
    const dir = providerDir(p.name)
    if (p.caCertRef !== undefined) projections.push({ configMap: { name: p.caCertRef.name, items: [{ key: p.caCertRef.key, path: `${dir}/ca.crt` }] } })
    if (p.clientSecretRef !== undefined) projections.push({ secret: { name: p.clientSecretRef.name, items: [{ key: p.clientSecretRef.key, path: `${dir}/client-secret` }] } })
    if (p.authTokenRef !== undefined) projections.push({ secret: { name: p.authTokenRef.name, items: [{ key: p.authTokenRef.key, path: `${dir}/auth-token` }] } })
    return {
      name: p.name, issuerUrl: p.issuerUrl, audience: p.audience,
      ...(p.jwksUrl === undefined ? {} : { jwksUrl: p.jwksUrl }),
      ...(p.caCertRef === undefined ? {} : { caCertFile: `${AuthMountPath}/${dir}/ca.crt` }),
      ...(p.introspectionUrl === undefined ? {} : { introspectionUrl: p.introspectionUrl }),
      ...(p.clientId === undefined ? {} : { clientId: p.clientId }),
      ...(p.clientSecretRef === undefined ? {} : { clientSecretFile: `${AuthMountPath}/${dir}/client-secret` }),
      ...(p.authTokenRef === undefined ? {} : { authTokenFile: `${AuthMountPath}/${dir}/auth-token` }),
    }
  })
  const claimsOf = (entries: readonly { name: string; claims?: Readonly<Record<string, string | readonly string[]>> | undefined }[] | undefined) =>
    Object.fromEntries((entries ?? []).filter((e) => e.claims !== undefined).map((e) => [e.name, e.claims]))
  const sourceClaims = claimsOf(spec.sources)
  const viewClaims = claimsOf(spec.registries)
  const settings = {
    mode: auth.mode ?? 'anonymous',
    ...(auth.publicPaths === undefined ? {} : { publicPaths: [...auth.publicPaths] }),
    ...(oauth === undefined ? {} : {
      oauth: {
        resourceUrl: oauth.resourceUrl ?? `${serviceUrl}/`,
        ...(oauth.realm === undefined ? {} : { realm: oauth.realm }),
        ...(oauth.scopesSupported === undefined ? {} : { scopesSupported: [...oauth.scopesSupported] }),
        providers,
      },
    }),
    ...(Object.keys(sourceClaims).length === 0 ? {} : { sourceClaims }),
    ...(Object.keys(viewClaims).length === 0 ? {} : { viewClaims }),
  } as ApiAuthSettings
  const text = `${JSON.stringify(settings, null, 2)}\n`
  const name = authConfigMapName(registryName)
  projections.unshift({ configMap: { name, items: [{ key: AuthSettingsKey, path: AuthSettingsKey }] } })
  return {
    configMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...metadata, name }, data: { [AuthSettingsKey]: text } },
    settings,
    projections,
    hash: createHash('sha256').update(text).digest('hex'),
  }
}
