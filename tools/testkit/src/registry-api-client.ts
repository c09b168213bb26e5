/** Reading the registry API the way clients do, for assertions. */
import type { ToolHiveRegistry } from '@thv/registry-model'
import { getJson } from './http.js'

/** A ToolHive registry document as served by `/api/v1/registry/servers` (the model's codec type). */
export type ToolHiveDocument = ToolHiveRegistry

/** One upstream list item (`{server, _meta}`). */
export interface UpstreamItem {
  readonly server: { name: string; version: string; description?: string } & Record<string, unknown>
  readonly _meta: Record<string, unknown>
}

/** Every ToolHive key (servers and remote_servers) of a document, sorted. */
export function toolHiveKeys(doc: Pick<ToolHiveDocument, 'servers' | 'remote_servers'>): string[] {
  return [...Object.keys(doc.servers), ...Object.keys(doc.remote_servers ?? {})].sort()
}

/** GETs the ToolHive document of the API at `baseUrl`. */
export function getToolHiveDocument(baseUrl: string): Promise<ToolHiveDocument> {
  return getJson<ToolHiveDocument>(`${baseUrl}/api/v1/registry/servers`)
}

/** Walks `/v0.1/servers` (or `/v0/servers`) page by page with `limit` and returns every item. */
export async function listAllUpstream(baseUrl: string, opts: { prefix?: '/v0' | '/v0.1'; limit?: number; headers?: Readonly<Record<string, string>> } = {}): Promise<UpstreamItem[]> {
  const items: UpstreamItem[] = []
  let cursor: string | undefined
  for (let page = 0; page < 1000; page += 1) {
    const q = new URLSearchParams({ limit: String(opts.limit ?? 100), ...(cursor ? { cursor } : {}) })
    const body = await getJson<{ servers: UpstreamItem[]; metadata: { count: number; nextCursor?: string } }>(`${baseUrl}${opts.prefix ?? '/v0.1'}/servers?${q}`, opts.headers)
    items.push(...body.servers)
    cursor = body.metadata.nextCursor
    if (!cursor) return items
  }
  throw new Error(`More than 1000 pages at ${baseUrl}`)
}
