// The ToolHive renderer the tests use: the product's own binding to @thv/converters.
import type { RegistrySnapshot } from '@thv/registry-model'
import { renderToolHive } from '../../src/formats.js'
import type { ServedSnapshot } from '../../src/snapshot/served-snapshot.js'
import type { ToolHiveParts } from '../../src/snapshot/toolhive-bytes.js'

/** Renders a test snapshot (always a RegistrySnapshot, see snapshots.ts) as a ToolHive document in parts. */
export function renderToolHiveForTests(snapshot: ServedSnapshot): ToolHiveParts {
  return renderToolHive(snapshot as RegistrySnapshot)
}
