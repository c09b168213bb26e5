/** How a view renders its ToolHive document: one server version at a time, head and tail once all have come. */
import type { ToolHiveEntryPart } from './toolhive-bytes.js'
import type { ServedServerResponse, ServedSnapshot, SnapshotHeader } from './served-snapshot.js'

/** The rendering of one ToolHive document (see ToolHiveRenderer). */
export interface ToolHiveRendering<S extends ServedSnapshot = ServedSnapshot> {
  /** The entry of the next server version (in snapshot order), if it has one (latest versions ToolHive can represent). */
  add(server: ServedServerResponse): ToolHiveEntryPart | undefined
  /** The fields before and after the entry maps, once every server version was added. */
  end(header: SnapshotHeader<S>): { readonly head: object; readonly tail: object }
}

/** Renders snapshots as ToolHive documents (the API binds @thv/converters' ToolHiveEntryStream, see formats.ts). */
export interface ToolHiveRenderer<S extends ServedSnapshot = ServedSnapshot> {
  /** Starts a document. */
  begin(): ToolHiveRendering<S>
}
