/** Keyset pagination over the sorted entries of a snapshot (ItemTable.list renders the page). */
import { compareKeys, encodeCursor, type CursorKey } from '../query/cursor.js'
import type { ListQuery } from '../query/list-query.js'
import type { ViewEntry } from './view-entry.js'

/** One page of a list query. */
export interface Page {
  readonly items: readonly ViewEntry[]
  /** Present only when more matching items follow this page. */
  readonly nextCursor?: string
}

/** Index of the first entry whose key is strictly greater than `key` (entries sorted by name, version). */
export function firstAfter(entries: readonly ViewEntry[], key: CursorKey): number {
  let lo = 0
  let hi = entries.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareKeys(entries[mid] as ViewEntry, key) <= 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** True when `entry` passes every filter of `query` (not the cursor). */
export function matches(entry: ViewEntry, query: ListQuery): boolean {
  if (entry.deleted && !query.includeDeleted) return false
  if (query.version !== undefined) {
    if (query.version === 'latest' ? !entry.isLatest : entry.version !== query.version) return false
  }
  if (query.updatedSinceNs !== undefined && !(entry.updatedNs > query.updatedSinceNs)) return false
  if (query.search !== undefined) {
    const s = query.search
    if (!entry.nameLc.includes(s) && !entry.titleLc.includes(s) && !entry.descriptionLc.includes(s)) return false
  }
  return true
}

/**
 * Selects the page for `query`: the first `limit` matching entries after the cursor, in (name, version) order.
 * Unlike upstream (which sets a cursor whenever the page is full) `nextCursor` is set only when at least one
 * more match exists, so the last page is never empty. Keyset semantics keep a crawl consistent across
 * snapshot swaps: nothing is repeated, items added behind the cursor are not seen.
 */
export function selectPage(entries: readonly ViewEntry[], query: ListQuery): Page {
  const items: ViewEntry[] = []
  let i = query.after === undefined ? 0 : firstAfter(entries, query.after)
  for (; i < entries.length; i++) {
    const entry = entries[i] as ViewEntry
    if (!matches(entry, query)) continue
    if (items.length === query.limit) {
      const last = items[items.length - 1] as ViewEntry
      return { items, nextCursor: encodeCursor({ name: last.name, version: last.version }) }
    }
    items.push(entry)
  }
  return { items }
}
