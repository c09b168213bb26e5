// The ToolHive renderer the tests use: the product's own binding to @thv/converters.
import type { RegistrySnapshot } from '@thv/registry-model'
import { renderToolHive } from '../../src/formats.js'
import type { ServedSnapshot } from '../../src/snapshot/served-snapshot.js'
import type { ToolHiveRenderer } from '../../src/snapshot/toolhive-renderer.js'

/** Renders test snapshots (always RegistrySnapshots, see snapshots.ts) as ToolHive documents. */
export const renderToolHiveForTests = renderToolHive as unknown as ToolHiveRenderer<ServedSnapshot> & ToolHiveRenderer<RegistrySnapshot>

/** The keys of the ToolHive entries of `snapshot`, in document order. */
export function toolHiveKeysOf(snapshot: ServedSnapshot): string[] {
  const rendering = renderToolHiveForTests.begin()
  return snapshot.servers.flatMap((s) => rendering.add(s)?.key ?? [])
}
