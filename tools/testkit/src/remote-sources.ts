// Test helpers for remote sources: a CA and server certificate made with openssl, HTTPS servers on 127.0.0.1, a
// resolver that maps test names to chosen addresses, and a recorder of the sockets this process opens.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import { Socket, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** PEM material of a test CA and a server certificate it signed for `localhost` and 127.0.0.1. */
export interface TestTls {
  readonly caPem: string
  readonly certPem: string
  readonly keyPem: string
}

/** Makes a fresh CA and a server certificate (openssl CLI; nothing leaves the machine). */
export function makeTestTls(): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'thv-tls-'))
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  try {
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=thv test CA')
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=localhost')
    execFileSync('sh', ['-c', 'printf "subjectAltName=DNS:localhost,IP:127.0.0.1\\n" > ext.cnf'], { cwd: dir })
    run('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '2', '-extfile', 'ext.cnf')
    const read = (f: string) => readFileSync(join(dir, f), 'utf8')
    return { caPem: read('ca.crt'), certPem: read('srv.crt'), keyPem: read('srv.key') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A running HTTPS server on 127.0.0.1. */
export interface TestHttpsServer {
  readonly server: Server
  readonly port: number
  /** `https://localhost:<port>` (the certificate's name). */
  readonly origin: string
  close(): Promise<void>
}

/** Starts an HTTPS server on 127.0.0.1 with `tls`. */
export async function startHttpsServer(tls: TestTls, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestHttpsServer> {
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    server,
    port,
    origin: `https://localhost:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

/** Resolver for tests: `localhost` → 127.0.0.1, names in `extra` → their address, anything else fails (no DNS query). */
export function testResolver(extra: Readonly<Record<string, string>> = {}) {
  return async (host: string) => {
    const address = host === 'localhost' ? '127.0.0.1' : extra[host]
    if (address === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
    return [{ address, family: address.includes(':') ? 6 : 4 }]
  }
}

/**
 * Records every socket connect this process starts while `fn` runs (plain and TLS sockets both go through
 * `net.Socket.prototype.connect`): `sockets` is their number, `addresses` the hosts they were told to connect to.
 */
export async function countSockets<T>(fn: () => Promise<T>): Promise<{ sockets: number; addresses: string[]; result: PromiseSettledResult<T> }> {
  const addresses: string[] = []
  const original = Socket.prototype.connect
  Socket.prototype.connect = function (this: Socket, ...args: unknown[]) {
    const first = args[0]
    const options = Array.isArray(first) ? (first[0] as { host?: string }) : (first as { host?: string; path?: string } | number)
    addresses.push(typeof options === 'object' && options !== null ? (options.host ?? 'unknown') : String(args[1] ?? 'localhost'))
    return (original as (...a: unknown[]) => Socket).apply(this, args)
  } as typeof original
  try {
    const [result] = await Promise.allSettled([fn()])
    return { sockets: addresses.length, addresses, result: result as PromiseSettledResult<T> }
  } finally {
    Socket.prototype.connect = original
  }
}

