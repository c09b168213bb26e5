/**
 * restrictView: the snapshot of one view as a caller who may not see some views and sources gets it: the entries
 * of hidden sources, and entries whose own claims the caller does not match (a `kubernetes` source's
 * `authz-claims`), are left out, and the `views` list (what `info` shows) names only visible views and sources.
 */
import type { ServedServerResponse, ServedSnapshot } from './served-snapshot.js'

/** What a caller may not see (the auth layer's `Visibility` has this shape); `key` identifies the restriction. */
export interface ViewRestriction {
  readonly key: string
  readonly hiddenViews: ReadonlySet<string>
  readonly hiddenSources: ReadonlySet<string>
  /** Entries (indexes into `servers` then `extraServers`) whose own claims the caller does not match. */
  readonly hiddenEntries?: ReadonlySet<number> | undefined
}

/**
 * View number `i` of `snapshot` restricted by `r`. An entry whose source cannot be told (a snapshot written before
 * entries carried their source) is kept only when none of the view's sources is hidden: unknown means hidden.
 */
export function restrictView<S extends ServedSnapshot>(snapshot: S, i: number, r: ViewRestriction): S {
  const views = snapshot.views ?? []
  const view = views[i]
  const n = snapshot.servers.length
  const pool = (e: number): ServedServerResponse => (e < n ? snapshot.servers[e] : snapshot.extraServers?.[e - n]) as ServedServerResponse
  const indexes = i === 0 ? snapshot.servers.map((_, e) => e) : [...(view?.entries ?? [])]
  const names = (snapshot.sources ?? []).map((s) => s.name)
  const attributed = snapshot.entrySources
  const anyHidden = (view?.sources ?? []).some((s) => r.hiddenSources.has(s))
  const visible = (e: number): boolean => {
    if (r.hiddenEntries?.has(e) === true) return false
    const source = attributed === undefined ? undefined : names[attributed[e] ?? -1]
    return source === undefined ? !anyHidden : !r.hiddenSources.has(source)
  }
  const servers = indexes.filter(visible).map(pool)
  const { extraServers: _extra, entrySources: _entrySources, ...rest } = snapshot
  return {
    ...rest,
    servers,
    ...(snapshot.views === undefined ? {} : {
      views: views.filter((v) => !r.hiddenViews.has(v.name)).map((v) => ({ name: v.name, sources: v.sources.filter((s) => !r.hiddenSources.has(s)) })),
    }),
    ...(snapshot.sources === undefined ? {} : { sources: snapshot.sources.filter((s) => !r.hiddenSources.has(s.name)) }),
  } as unknown as S
}
