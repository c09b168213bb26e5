/** Free loopback TCP ports for child processes and servers under test. */
import { createServer, type Server } from 'node:net'

/**
 * Reserves `count` distinct free TCP ports on 127.0.0.1 and releases them again.
 * All listeners are open at the same time, so the ports differ from each other; another process could still take
 * one before the caller binds it, which is the usual (and in practice harmless) race of this technique.
 */
export async function allocateFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = []
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer()
      servers.push(server)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, '127.0.0.1', () => resolve())
      })
    }
    return servers.map((s) => {
      const address = s.address()
      if (address === null || typeof address === 'string') throw new Error('Loopback listener has no TCP address')
      return address.port
    })
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))))
  }
}

/** One free port on 127.0.0.1 (see {@link allocateFreePorts}). */
export async function freePort(): Promise<number> {
  const [port] = await allocateFreePorts(1)
  if (port === undefined) throw new Error('No free loopback port was allocated')
  return port
}
