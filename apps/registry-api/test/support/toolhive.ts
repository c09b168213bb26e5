// The ToolHive renderer the tests use.
import type { ServedSnapshot } from '../../src/snapshot/served-snapshot.js'
import type { ToolHiveDocument } from '../../src/views/registry-view.js'

/** Renders a snapshot as a ToolHive document for the tests. */
export function renderToolHiveForTests(_snapshot: ServedSnapshot): ToolHiveDocument {
  return { servers: {}, remote_servers: {} }
}
