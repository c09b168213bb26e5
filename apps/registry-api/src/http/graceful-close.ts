/** Graceful HTTP shutdown: stop accepting, let in-flight requests finish, then close. */
import type { Server } from 'node:http'

/**
 * Stops `server` from accepting connections and resolves once every in-flight request has finished. Idle
 * keep-alive connections are closed right away and again every `idleSweepMs` (a response that finishes during
 * shutdown leaves its connection idle); after `timeoutMs` the remaining connections are cut. Resolves
 * `'drained'` or `'timed-out'`.
 */
export function closeGracefully(server: Server, timeoutMs: number, idleSweepMs = 100): Promise<'drained' | 'timed-out'> {
  return new Promise((resolve) => {
    let outcome: 'drained' | 'timed-out' = 'drained'
    const sweep = setInterval(() => server.closeIdleConnections(), idleSweepMs)
    const deadline = setTimeout(() => {
      outcome = 'timed-out'
      server.closeAllConnections()
    }, timeoutMs)
    server.close(() => {
      clearInterval(sweep)
      clearTimeout(deadline)
      resolve(outcome)
    })
    server.closeIdleConnections()
  })
}
