// Starts the real app on an ephemeral port and talks to it with fetch.
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import winston from 'winston'
import { createApp } from '../../src/app.js'
import type { ApiAuth } from '../../src/auth/api-auth.js'
import { createApiMetrics, type ApiMetrics } from '../../src/http/api-metrics.js'
import { loadOpenApiYaml } from '../../src/openapi.document.js'
import { SnapshotStore, type ViewSource } from '../../src/snapshot/snapshot-store.js'
import type { ServedSnapshot } from '../../src/snapshot/served-snapshot.js'
import type { ToolHiveRenderer } from '../../src/snapshot/toolhive-renderer.js'
import type { RegistryViewOptions } from '../../src/views/registry-view.js'

/** A logger that writes nothing (tests never assert through logs). */
export const silentLog = winston.createLogger({ silent: true })

/** A running API. */
export interface RunningApi {
  readonly url: string
  readonly server: Server
  readonly store: SnapshotStore
  readonly metrics: ApiMetrics
  close(): Promise<void>
}

/**
 * Starts the API on 127.0.0.1:0 with `renderToolHive` and, optionally, a first snapshot; `serveFrom` lets a
 * test put its own view source (e.g. one that counts calls) between the store and the app; `viewOptions` are
 * passed to every view (e.g. a small `maxKeptDocumentBytes`).
 */
export async function startApi(
  renderToolHive: ToolHiveRenderer, snapshot?: ServedSnapshot, serveFrom: (store: SnapshotStore) => ViewSource = (s) => s,
  options: { readonly auth?: ApiAuth; readonly log?: winston.Logger; readonly viewOptions?: Omit<RegistryViewOptions<ServedSnapshot>, 'renderToolHive'> } = {},
): Promise<RunningApi> {
  const store = new SnapshotStore({ ...options.viewOptions, renderToolHive }, silentLog)
  if (snapshot !== undefined) store.offer(snapshot)
  const metrics = createApiMetrics()
  const app = createApp({ store: serveFrom(store), metrics, log: options.log ?? silentLog, openApiYaml: loadOpenApiYaml(), ...(options.auth === undefined ? {} : { auth: options.auth }) })
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    server, store, metrics,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections()
      server.close((err) => (err === undefined ? resolve() : reject(err)))
    }),
  }
}
