/** Answers connection-level client errors (oversize headers, bad requests) with problem+json. */
import type { Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from 'winston'
import { problemBody } from './http-problem.js'

function rawProblem(status: number, detail: string): string {
  const body = JSON.stringify(problemBody(status, detail, ''))
  const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n\r\n${body}`
}

/**
 * Replaces Node's bodiless default answers to requests the HTTP parser rejects: oversize header sections get
 * 431 and other parse errors 400, both as problem+json; sockets that are gone are just destroyed.
 */
export function installClientErrorHandler(server: Server, log: Logger): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy()
      return
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
    const detail = status === 431 ? 'The request header section is too large' : 'The request could not be parsed'
    log.debug('Rejected malformed request', { code: err.code, status })
    socket.end(rawProblem(status, detail))
  })
}
