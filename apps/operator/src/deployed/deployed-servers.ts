/** Which MCPServers belong to a registry, and their summaries for status and storage. */
import * as E from 'fp-ts/lib/Either.js'
import {
  decodeWith,
  MCPServerCodec,
  RegistryNameLabel,
  RegistryNamespaceLabel,
  ServerNameLabel,
  type DeployedServerSummary,
} from '@thv/registry-model'

/** Name of the MCPServer informer index: `<registry-namespace>/<registry-name>` from the two labels. */
export const ServersByRegistryIndex = 'by-registry'

const decodeServer = decodeWith(MCPServerCodec)

/** Index function for {@link ServersByRegistryIndex}: the registry key an MCPServer is labelled for, if both labels are set. */
export function registryKeyOfServer(obj: { metadata?: { labels?: Record<string, string> } }): string[] {
  const labels = obj.metadata?.labels ?? {}
  const name = labels[RegistryNameLabel]
  const namespace = labels[RegistryNamespaceLabel]
  return name === undefined || namespace === undefined || name === '' || namespace === '' ? [] : [`${namespace}/${name}`]
}

/** Summaries of the MCPServers labelled for `registry`, and how many objects could not be read. */
export interface DeployedServers {
  readonly summaries: DeployedServerSummary[]
  readonly unreadable: number
}

/**
 * Summarises the MCPServers whose labels name `registry` (both `registry-name` and `registry-namespace` values
 * compared): `serverName` is the `server-name` label or the object name, `transport` defaults to `stdio`,
 * `ready` is `status.phase == Running`. Objects without `spec.image` are counted as unreadable and left out.
 * Sorted by namespace, then name.
 */
export function summarizeDeployedServers(registry: { namespace: string; name: string }, servers: readonly unknown[]): DeployedServers {
  const summaries: DeployedServerSummary[] = []
  let unreadable = 0
  for (const raw of servers) {
    const decoded = decodeServer(raw)
    if (E.isLeft(decoded)) {
      unreadable++
      continue
    }
    const s = decoded.right
    const labels = s.metadata.labels ?? {}
    if (labels[RegistryNameLabel] !== registry.name || labels[RegistryNamespaceLabel] !== registry.namespace) continue
    const phase = s.status?.phase
    const endpoint = s.status?.url
    summaries.push({
      name: s.metadata.name,
      namespace: s.metadata.namespace ?? '',
      serverName: labels[ServerNameLabel] !== undefined && labels[ServerNameLabel] !== '' ? labels[ServerNameLabel] : s.metadata.name,
      image: s.spec.image,
      transport: s.spec.transport ?? 'stdio',
      ...(phase === undefined ? {} : { phase }),
      ready: phase === 'Running',
      ...(endpoint === undefined || endpoint === '' ? {} : { endpoint }),
    })
  }
  summaries.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
  return { summaries, unreadable }
}
