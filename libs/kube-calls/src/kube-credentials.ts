/**
 * Where a process finds its Kubernetes API server and credentials without @kubernetes/client-node: a kubeconfig
 * file (the current context's cluster and user) or the in-cluster ServiceAccount. Covers what a pod and a local
 * kubeconfig with a token or client certificate need; anything else (exec plugins, auth providers, basic auth, a
 * proxy, several kubeconfig files) is reported as unsupported so the caller can use client-node instead.
 */
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'

/** How to reach the API server and who to be. */
export interface KubeCredentials {
  /** Base URL of the API server (`https://host:port`). */
  readonly server: string
  /** PEM of the CA that signed the server's certificate; undefined: the system's CAs. */
  readonly ca?: Buffer
  /** Client certificate and key (PEM). */
  readonly cert?: Buffer
  readonly key?: Buffer
  /** A bearer token. */
  readonly token?: string
  /** A file holding the bearer token, read again for every request (projected ServiceAccount tokens rotate). */
  readonly tokenFile?: string
  readonly insecureSkipTlsVerify?: boolean
  /** Name to verify the server's certificate against instead of the URL's host. */
  readonly tlsServerName?: string
}

/** The outcome of {@link loadKubeCredentials}: credentials, or why this loader cannot use the configuration found. */
export type KubeCredentialsResult =
  | { readonly kind: 'loaded'; readonly credentials: KubeCredentials; readonly from: string }
  | { readonly kind: 'unsupported'; readonly reason: string; readonly from: string }

/** Where {@link loadKubeCredentials} looks; every field defaults to the process's own. */
export interface KubeCredentialsOptions {
  /** An explicit kubeconfig file (`--kubeconfig`); searched before anything else. */
  readonly kubeconfig?: string | undefined
  readonly env?: NodeJS.ProcessEnv
  readonly home?: string
  /** The mounted ServiceAccount folder (`token`, `ca.crt`). */
  readonly serviceAccountDir?: string
}

/** Where Kubernetes mounts a pod's ServiceAccount token and the cluster's CA. */
export const InClusterServiceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount'

/**
 * Loads credentials in client-node's `loadFromDefault` order: `options.kubeconfig`, then `$KUBECONFIG`, then
 * `~/.kube/config` when it exists, then the in-cluster ServiceAccount (`KUBERNETES_SERVICE_HOST`/`_PORT` and the
 * mounted token). Throws when a kubeconfig is malformed or names a file that cannot be read, and when none of the
 * four exists.
 */
export function loadKubeCredentials(options: KubeCredentialsOptions = {}): KubeCredentialsResult {
  const env = options.env ?? process.env
  if (options.kubeconfig !== undefined) return fromKubeconfigFile(options.kubeconfig)
  const listed = (env['KUBECONFIG'] ?? '').split(process.platform === 'win32' ? ';' : ':').filter((p) => p !== '')
  if (listed.length > 1) return { kind: 'unsupported', reason: 'KUBECONFIG lists several files (they would have to be merged)', from: 'KUBECONFIG' }
  if (listed.length === 1) return fromKubeconfigFile(listed[0] as string)
  const home = join(options.home ?? homedir(), '.kube', 'config')
  if (existsSync(home)) return fromKubeconfigFile(home)
  const host = env['KUBERNETES_SERVICE_HOST']
  const port = env['KUBERNETES_SERVICE_PORT']
  const dir = options.serviceAccountDir ?? InClusterServiceAccountDir
  const tokenFile = join(dir, 'token')
  if (host !== undefined && host !== '' && port !== undefined && port !== '' && existsSync(tokenFile)) {
    const caFile = join(dir, 'ca.crt')
    return {
      kind: 'loaded',
      from: 'in-cluster ServiceAccount',
      credentials: { server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`, tokenFile, ...(existsSync(caFile) ? { ca: readFileSync(caFile) } : {}) },
    }
  }
  throw new Error(`No Kubernetes credentials: no kubeconfig given, KUBECONFIG unset, no ${home}, and not in a cluster (KUBERNETES_SERVICE_HOST or ${tokenFile} missing)`)
}

function fromKubeconfigFile(path: string): KubeCredentialsResult {
  const file = resolve(path)
  let doc: unknown
  try {
    doc = parseYaml(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(`Cannot read kubeconfig ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  return fromKubeconfig(doc, file)
}

/** Credentials of the current context of a parsed kubeconfig read from `file` (relative paths are resolved against its folder). */
export function fromKubeconfig(doc: unknown, file: string): KubeCredentialsResult {
  const fail = (detail: string): never => {
    throw new Error(`Kubeconfig ${file}: ${detail}`)
  }
  const unsupported = (reason: string): KubeCredentialsResult => ({ kind: 'unsupported', reason, from: file })
  if (typeof doc !== 'object' || doc === null) return fail('not a YAML mapping')
  const config = doc as Record<string, unknown>
  const named = (list: string, name: unknown, field: string): Record<string, unknown> => {
    const entries: unknown[] = Array.isArray(config[list]) ? (config[list] as unknown[]) : []
    const entry = entries.find((e) => typeof e === 'object' && e !== null && (e as Record<string, unknown>)['name'] === name) as Record<string, unknown> | undefined
    const found = entry?.[field]
    if (typeof found !== 'object' || found === null) return fail(`${list} has no entry named ${JSON.stringify(name)} with a ${field}`)
    return found as Record<string, unknown>
  }
  const contextName = config['current-context']
  if (typeof contextName !== 'string' || contextName === '') return fail('no current-context')
  const context = named('contexts', contextName, 'context')
  const cluster = named('clusters', context['cluster'], 'cluster')
  const user = typeof context['user'] === 'string' && context['user'] !== '' ? named('users', context['user'], 'user') : {}
  if (user['exec'] !== undefined) return unsupported('the user runs an exec credential plugin')
  if (user['auth-provider'] !== undefined) return unsupported('the user has an auth-provider')
  if (user['username'] !== undefined || user['password'] !== undefined) return unsupported('the user has basic-auth credentials')
  if (user['as'] !== undefined || user['as-groups'] !== undefined) return unsupported('the user impersonates another')
  if (cluster['proxy-url'] !== undefined) return unsupported('the cluster is reached through a proxy')
  const server = cluster['server']
  if (typeof server !== 'string' || !/^https?:\/\//.test(server)) return fail(`cluster ${JSON.stringify(context['cluster'])} has no http(s) server`)
  const base = dirname(file)
  const bytes = (data: unknown, path: unknown, what: string): Buffer | undefined => {
    if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64')
    if (typeof path !== 'string' || path === '') return undefined
    const full = isAbsolute(path) ? path : join(base, path)
    try {
      return readFileSync(full)
    } catch (err) {
      return fail(`cannot read ${what} ${full}: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  const ca = bytes(cluster['certificate-authority-data'], cluster['certificate-authority'], 'certificate-authority')
  const cert = bytes(user['client-certificate-data'], user['client-certificate'], 'client-certificate')
  const key = bytes(user['client-key-data'], user['client-key'], 'client-key')
  const tokenFile = typeof user['tokenFile'] === 'string' && user['tokenFile'] !== '' ? (isAbsolute(user['tokenFile']) ? user['tokenFile'] : join(base, user['tokenFile'])) : undefined
  const token = typeof user['token'] === 'string' && user['token'] !== '' ? user['token'] : undefined
  const tlsServerName = cluster['tls-server-name']
  return {
    kind: 'loaded',
    from: file,
    credentials: {
      server: server.replace(/\/+$/, ''),
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      ...(token === undefined ? {} : { token }),
      ...(tokenFile === undefined || token !== undefined ? {} : { tokenFile }),
      ...(cluster['insecure-skip-tls-verify'] === true ? { insecureSkipTlsVerify: true } : {}),
      ...(typeof tlsServerName === 'string' && tlsServerName !== '' ? { tlsServerName } : {}),
    },
  }
}
