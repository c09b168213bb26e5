/** The operator's two small HTTP endpoints: Prometheus metrics, and liveness/readiness probes. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { HealthStatus } from '@thv/k8s-reconcile'
import type { Registry } from 'prom-client'

/** A listening server and its bound address. */
export interface ListeningServer {
  readonly server: Server
  readonly address: AddressInfo
  close(): Promise<void>
}

/** Serves `GET /metrics` from `registry` (404 elsewhere). */
export function metricsServer(registry: Registry): Server {
  return createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n')
      return
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`Could not collect metrics: ${err instanceof Error ? err.message : String(err)}\n`),
    )
  })
}

/** Serves `GET /healthz` and `GET /readyz` (200 when ok, else 503; the body lists every check). */
export function probeServer(checks: { healthz(): HealthStatus; readyz(): HealthStatus }): Server {
  return createServer((req, res) => {
    const path = req.url?.split('?')[0]
    const check = path === '/healthz' ? checks.healthz() : path === '/readyz' ? checks.readyz() : undefined
    if (req.method !== 'GET' || check === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n')
      return
    }
    res.writeHead(check.ok ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(check)}\n`)
  })
}

/** Starts `server` on host:port and resolves once it listens. */
export function listen(server: Server, host: string, port: number): Promise<ListeningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve({
        server,
        address: server.address() as AddressInfo,
        close: () => new Promise<void>((done) => server.close(() => done())),
      })
    })
  })
}
