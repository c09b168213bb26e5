/**
 * The parts of a stored registry snapshot (`RegistrySnapshot`, @thv/registry-model) that the API reads.
 * Kept structural so that the API's views depend only on fields they use; the model's type is assignable to it.
 */

/** `_meta["io.modelcontextprotocol.registry/official"]`: registry-managed lifecycle data of one server version. */
export interface OfficialMeta {
  readonly status: string
  /** When the status last changed; absent in a snapshot until it has changed (then it is `publishedAt`). */
  readonly statusChangedAt?: string | undefined
  readonly publishedAt: string
  readonly updatedAt: string
  readonly isLatest: boolean
}

/** One server version as the upstream API returns it: `{server, _meta}`. */
export interface ServedServerResponse {
  readonly server: {
    readonly name: string
    readonly version: string
    readonly title?: string | undefined
    readonly description?: string | undefined
  }
  readonly _meta: { readonly 'io.modelcontextprotocol.registry/official': OfficialMeta }
}

/** A ToolHive MCPServer that belongs to the registry, as the operator summarises it into storage. */
export interface ServedDeployedServer {
  readonly name: string
  readonly namespace: string
  readonly serverName: string
}

/** Registry metadata carried by the snapshot. */
export interface ServedRegistryMeta {
  readonly name: string
  readonly namespace?: string | undefined
  readonly displayName?: string | undefined
  readonly source: { readonly type: string; readonly ref: string }
  readonly format: string
  readonly sourceHash: string
  readonly syncedAt: string
}

/**
 * One view of a registry with several sources: its name, its sources in merge order, and (every view but the
 * first) its entries as indexes into `servers` followed by `extraServers`.
 */
export interface ServedViewRef {
  readonly name: string
  readonly sources: readonly string[]
  readonly entries?: readonly number[] | undefined
}

/**
 * A registry snapshot: metadata, every server version, deployed servers and the content hash. A registry with
 * several sources adds `views` (the first view's servers are `servers`) and `extraServers`.
 */
export interface ServedSnapshot {
  readonly registry: ServedRegistryMeta
  readonly servers: readonly ServedServerResponse[]
  readonly deployedServers: readonly ServedDeployedServer[]
  readonly hash: string
  readonly views?: readonly ServedViewRef[] | undefined
  readonly extraServers?: readonly ServedServerResponse[] | undefined
  /** The sources merged, in order (a registry with several sources). */
  readonly sources?: readonly { readonly name: string }[] | undefined
  /** For each entry of `servers` then `extraServers`, its source's index in `sources`. */
  readonly entrySources?: readonly number[] | undefined
}

/** The parts of a snapshot besides its servers: what a view keeps of it (registry metadata, deployed servers, views, hash). */
export type SnapshotHeader<S extends ServedSnapshot = ServedSnapshot> = Omit<S, 'servers' | 'extraServers'>
