// A round-robin TCP proxy for bench/api.bench.ts: each client connection goes to the next backend port in turn
// and stays there (per-connection balancing, like a Kubernetes Service), bytes are piped both ways unchanged.
// Usage: node --import tsx bench/api.round-robin.ts <backend port>...
// Prints {"port": N} once listening on 127.0.0.1.
import { connect, createServer, type Socket } from 'node:net'

const backends = process.argv.slice(2).map(Number)
if (backends.length === 0 || backends.some((p) => !Number.isInteger(p) || p <= 0)) {
  process.stderr.write('usage: api.round-robin.ts <backend port>...\n')
  process.exit(2)
}

let next = 0
const sockets = new Set<Socket>()
const track = (socket: Socket): void => {
  sockets.add(socket)
  socket.once('close', () => sockets.delete(socket))
}

const server = createServer((client) => {
  const port = backends[next++ % backends.length] as number
  const upstream = connect({ host: '127.0.0.1', port, noDelay: true })
  client.setNoDelay(true)
  track(client)
  track(upstream)
  const close = (): void => {
    client.destroy()
    upstream.destroy()
  }
  client.on('error', close).on('close', close)
  upstream.on('error', close).on('close', close)
  client.pipe(upstream)
  upstream.pipe(client)
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address !== null ? address.port : 0 })}\n`)
})
process.on('SIGTERM', () => {
  for (const socket of sockets) socket.destroy()
  server.close(() => process.exit(0))
})
