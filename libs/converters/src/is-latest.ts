/** Which version of each server is the latest, by the official registry's rules. */
import { compareVersions } from './version-compare.js'

/**
 * One version of a server, as {@link computeIsLatest} needs it.
 *
 * @category versions
 * @since 0.1.0
 */
export interface VersionedEntry {
  readonly name: string
  readonly version: string
  /** RFC 3339 publish time; an unparsable or absent time counts as the epoch. */
  readonly publishedAt?: string | undefined
  /** Registry status; `deleted` versions are latest only when every version is deleted. */
  readonly status?: string | undefined
}

const millis = (t: string | undefined): number => {
  const ms = t === undefined ? NaN : Date.parse(t)
  return Number.isNaN(ms) ? 0 : ms
}

/**
 * For each entry, whether it is the latest version of its name, as upstream's `recalculateLatest`: the highest
 * version by {@link compareVersions} among non-deleted versions (among all versions when all are deleted). Exactly
 * one entry per name is latest. Ties (two non-semver versions published at the same instant) go to the greater
 * version string, so the answer never depends on input order.
 *
 * @returns booleans aligned with `entries`.
 * @example
 * computeIsLatest([{ name: 'a/b', version: '1.0.0' }, { name: 'a/b', version: '1.1.0-rc' }]) // [false, true]
 * @category versions
 * @since 0.1.0
 */
export function computeIsLatest(entries: ReadonlyArray<VersionedEntry>): boolean[] {
  const best = new Map<string, number>()
  const better = (i: number, j: number): boolean => {
    const a = entries[i] as VersionedEntry
    const b = entries[j] as VersionedEntry
    const deletedA = a.status === 'deleted'
    const deletedB = b.status === 'deleted'
    if (deletedA !== deletedB) return deletedB
    const c = compareVersions(a.version, b.version, millis(a.publishedAt), millis(b.publishedAt))
    return c !== 0 ? c > 0 : a.version > b.version
  }
  entries.forEach((e, i) => {
    const current = best.get(e.name)
    if (current === undefined || better(i, current)) best.set(e.name, i)
  })
  return entries.map((e, i) => best.get(e.name) === i)
}
