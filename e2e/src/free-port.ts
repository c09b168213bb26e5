/** Free loopback TCP ports for child processes. */
import { createServer } from 'node:net'

/** Reserves a free port on 127.0.0.1 and releases it again (the usual, harmless race applies). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('Loopback listener has no TCP address')
  return address.port
}
