/** ViewEntry: what listing, search and lookups need of one server version; its served bytes stay in an ItemTable. */
import { parseRfc3339Nanos } from '../query/rfc3339.js'
import type { ServedServerResponse } from '../snapshot/served-snapshot.js'
import { OfficialMetaKey } from '@thv/registry-model'

/**
 * A server version with everything the list, search and lookup paths need, computed once per snapshot. The served
 * `{server, _meta}` item is not kept as an object or a string: it is bytes `start`..`end` of the view's ItemTable.
 */
export interface ViewEntry {
  readonly name: string
  readonly version: string
  /** Lower-cased name, title and description for case-insensitive substring search. */
  readonly nameLc: string
  readonly titleLc: string
  readonly descriptionLc: string
  /** The server's title as published (the catalogue shows it); undefined when it has none. */
  readonly title: string | undefined
  readonly updatedNs: bigint
  readonly publishedAt: string
  readonly isLatest: boolean
  readonly deleted: boolean
  /** Position of the served item in its ItemTable's bytes. */
  readonly start: number
  readonly end: number
}

const EMPTY = ''

/** `text` lower-cased, as the same string when it has no upper case (most names): one copy in memory, not two. */
function lowerCase(text: string): string {
  const lower = text.toLowerCase()
  return lower === text ? text : lower
}

/**
 * The entry of one `{server, _meta}` item, placed at `start`..`end` of its table. `like` is the previous entry when it
 * has the same name: its strings are reused.
 */
export function toViewEntry(response: ServedServerResponse, start: number, end: number, like?: ViewEntry): ViewEntry {
  const { server } = response
  const official = response._meta[OfficialMetaKey]
  const title = server.title
  const same = like !== undefined && like.name === server.name
  return viewEntry(
    same ? like.name : server.name,
    server.version,
    same ? like.nameLc : lowerCase(server.name),
    title === undefined ? EMPTY : lowerCase(title),
    server.description === undefined ? EMPTY : lowerCase(server.description),
    title,
    parseRfc3339Nanos(official.updatedAt) ?? 0n,
    official.publishedAt,
    official.isLatest,
    official.status === 'deleted',
    start,
    end,
  )
}

/** `entry` placed at `start`..`end` of another table (its strings shared). */
export function movedEntry(entry: ViewEntry, start: number, end: number): ViewEntry {
  const e = entry
  return viewEntry(e.name, e.version, e.nameLc, e.titleLc, e.descriptionLc, e.title, e.updatedNs, e.publishedAt, e.isLatest, e.deleted, start, end)
}

/**
 * Every entry is created by this one object literal, so all entries share one hidden class (an entry built by
 * spreading objects got a map of its own: 10,000 entries cost 4 MB of maps).
 */
function viewEntry(
  name: string, version: string, nameLc: string, titleLc: string, descriptionLc: string, title: string | undefined, updatedNs: bigint,
  publishedAt: string, isLatest: boolean, deleted: boolean, start: number, end: number,
): ViewEntry {
  return { name, version, nameLc, titleLc, descriptionLc, title, updatedNs, publishedAt, isLatest, deleted, start, end }
}

/** Whether `response` is a deleted version (listed after the document in its table). */
export function isDeletedItem(response: ServedServerResponse): boolean {
  return response._meta[OfficialMetaKey].status === 'deleted'
}

/** The served JSON text of one `{server, _meta}` item (see `withStatusChangedAt`). */
export function servedItemJson(response: ServedServerResponse): string {
  return JSON.stringify(withStatusChangedAt(response))
}

/**
 * The item as served: the official `_meta` always carries `statusChangedAt`, as the upstream registry's answers
 * do, right after `status`. A snapshot records it only once a version's status has changed; until then it is the
 * version's `publishedAt`. Other `_meta` keys and the server stay as stored.
 */
export function withStatusChangedAt(response: ServedServerResponse): ServedServerResponse {
  const { status, statusChangedAt, ...rest } = response._meta[OfficialMetaKey]
  const official = { status, statusChangedAt: statusChangedAt ?? rest.publishedAt, ...rest }
  const meta: Record<string, unknown> = { ...response._meta }
  meta[OfficialMetaKey] = official
  return { ...response, _meta: meta as ServedServerResponse['_meta'] }
}

/** Orders by name, then version (code-unit order, like upstream's `ORDER BY server_name, version`). */
export function byNameThenVersion(a: { readonly name: string; readonly version: string }, b: { readonly name: string; readonly version: string }): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1
  if (a.version !== b.version) return a.version < b.version ? -1 : 1
  return 0
}

/** Orders the versions of one server newest first: by `publishedAt` descending, then version descending. */
export function newestFirst(a: ViewEntry, b: ViewEntry): number {
  if (a.publishedAt !== b.publishedAt) {
    const pa = parseRfc3339Nanos(a.publishedAt) ?? 0n
    const pb = parseRfc3339Nanos(b.publishedAt) ?? 0n
    if (pa !== pb) return pa > pb ? -1 : 1
  }
  if (a.version !== b.version) return a.version > b.version ? -1 : 1
  return 0
}
