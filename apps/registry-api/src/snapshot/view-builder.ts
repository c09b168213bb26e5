/**
 * SnapshotViewBuilder: builds the views of one snapshot from its server versions as they come, one at a time, so a
 * stored snapshot read as a stream becomes its views without its servers ever being held together (cluster mode,
 * see streamed-snapshot.decoder.ts); a snapshot already in memory goes through the same steps (`viewsOf`).
 *
 * Each server of `servers` is serialised into the first view's ItemTable and rendered into its ToolHive document
 * as it comes; each of `extraServers` (a registry with several sources) into a table of its own. Once every server has
 * come, `finish` completes the first view with the snapshot's header and builds every other view from the items of
 * both tables: its items are gathered by copying their bytes, and its ToolHive document is rendered from its items
 * parsed back one at a time.
 */
import { ItemTable, ItemTableWriter, type TableItem, type WrittenTable } from './item-table.js'
import type { ServedServerResponse, ServedSnapshot, SnapshotHeader } from './served-snapshot.js'
import { ToolHiveWriter } from './toolhive-bytes.js'
import type { ToolHiveRendering } from './toolhive-renderer.js'
import { RegistryView, type RegistryViewOptions } from '../views/registry-view.js'

/** The views of one snapshot: `view` is served at the unprefixed paths; `named` holds every view of a registry with several sources. */
export interface SnapshotViews<S extends ServedSnapshot> {
  readonly view: RegistryView<S>
  readonly named: ReadonlyMap<string, RegistryView<S>>
}

export class SnapshotViewBuilder<S extends ServedSnapshot> {
  readonly #servers = new ItemTableWriter()
  #extras: ItemTableWriter | undefined
  readonly #toolHive = new ToolHiveWriter()
  readonly #rendering: ToolHiveRendering<S>

  constructor(private readonly options: RegistryViewOptions<S>) {
    this.#rendering = options.renderToolHive.begin()
  }

  /** Adds the next server version of the snapshot's `servers`. */
  addServer(server: ServedServerResponse): void {
    this.#servers.add(server)
    const entry = this.#rendering.add(server)
    if (entry !== undefined) this.#toolHive.add(entry)
  }

  /** Adds the next server version of the snapshot's `extraServers`. */
  addExtraServer(server: ServedServerResponse): void {
    this.#extras ??= new ItemTableWriter()
    this.#extras.add(server)
  }

  /** The view of `servers` alone, for a snapshot whose header is `header` (its `views`, if any, are only reported in `info`). */
  finishView(header: SnapshotHeader<S>, viewName?: string): RegistryView<S> {
    return this.#firstView(header, this.#servers.finish(), viewName)
  }

  /** Every view of the snapshot whose header is `header`. */
  finish(header: SnapshotHeader<S>): SnapshotViews<S> {
    const views = header.views
    const first = this.#servers.finish()
    if (views === undefined || views.length === 0) return { view: this.#firstView(header, first), named: new Map() }
    const extras = this.#extras?.finish()
    const named = new Map<string, RegistryView<S>>()
    views.forEach((v, i) => {
      named.set(v.name, i === 0 ? this.#firstView(header, first, v.name) : this.#otherView(header, first, extras, v.entries ?? [], v.name))
    })
    return { view: named.get(views[0]?.name as string) as RegistryView<S>, named }
  }

  #firstView(header: SnapshotHeader<S>, written: WrittenTable, viewName?: string): RegistryView<S> {
    const { head, tail } = this.#rendering.end(header)
    return new RegistryView(header, written.table, this.#toolHive.finish(head, tail), this.#viewOptions(viewName))
  }

  /** A view whose entries are `entries`: indexes into `servers` followed by `extraServers`. */
  #otherView(header: SnapshotHeader<S>, first: WrittenTable, extras: WrittenTable | undefined, entries: readonly number[], viewName: string): RegistryView<S> {
    const n = first.added.length
    const items = entries.map((e): TableItem => (e < n
      ? { table: first.table, entry: first.added[e] as TableItem['entry'] }
      : { table: (extras as WrittenTable).table, entry: extras?.added[e - n] as TableItem['entry'] }))
    const { table } = ItemTable.gather(items)
    // The view's ToolHive document, from its items in the view's order, parsed back one at a time.
    const rendering = this.options.renderToolHive.begin()
    const toolHive = new ToolHiveWriter()
    for (const { table: from, entry } of items) {
      const part = rendering.add(JSON.parse(from.item(entry).toString('utf8')) as ServedServerResponse)
      if (part !== undefined) toolHive.add(part)
    }
    const { head, tail } = rendering.end(header)
    return new RegistryView(header, table, toolHive.finish(head, tail), this.#viewOptions(viewName))
  }

  #viewOptions(viewName: string | undefined): RegistryViewOptions<S> {
    return viewName === undefined ? this.options : { ...this.options, viewName }
  }
}

/** The views of a snapshot held in memory (`--file` mode, tests, restricted views). */
export function viewsOf<S extends ServedSnapshot>(snapshot: S, options: RegistryViewOptions<S>): SnapshotViews<S> {
  const { servers, extraServers, ...header } = snapshot
  const builder = new SnapshotViewBuilder(options)
  for (const s of servers) builder.addServer(s)
  for (const s of extraServers ?? []) builder.addExtraServer(s)
  return builder.finish(header)
}

/** The view of `snapshot`'s `servers` alone (its `views`, if any, only reported in `info`). */
export function viewOf<S extends ServedSnapshot>(snapshot: S, options: RegistryViewOptions<S>): RegistryView<S> {
  const { servers, extraServers: _extra, ...header } = snapshot
  const builder = new SnapshotViewBuilder(options)
  for (const s of servers) builder.addServer(s)
  return builder.finishView(header)
}
