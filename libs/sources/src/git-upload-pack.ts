// The fetch half of git's smart HTTP protocol v2 (`command=fetch`): one shallow want, the pack streamed to a file.
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import type { SourceHttpClient } from './source-http.js'

/** The fetched pack went past the on-disk limit (`maxPackBytes`). */
export class PackTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the fetched pack is more than ${maxBytes} bytes`)
    this.name = 'PackTooLargeError'
  }
}

/** The git server answered the fetch with an HTTP error status (shaped like isomorphic-git's `HttpError`). */
export class GitHttpStatusError extends Error {
  readonly code = 'HttpError'
  readonly data: { readonly statusCode: number }
  constructor(statusCode: number) {
    super(`the git server answered the fetch with HTTP ${statusCode}`)
    this.name = 'GitHttpStatusError'
    this.data = { statusCode }
  }
}

/** The git server broke the protocol or sent an error line (`ERR …`, side band 3). */
export class GitProtocolError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GitProtocolError'
  }
}

/** One fetch of the objects of `want` (a commit or tag), depth 1. */
export interface UploadPackFetch {
  readonly client: SourceHttpClient
  /** The repository URL (`https://host/org/repo.git`). */
  readonly repository: URL
  /** Object id to fetch (the ref's object, or a commit). */
  readonly want: string
  /** Sent to the repository's origin only (e.g. `authorization`). */
  readonly headers: Readonly<Record<string, string>>
  /** Where the pack is written. */
  readonly file: string
  /** Largest pack written, in bytes; the fetch stops with {@link PackTooLargeError} past it. */
  readonly maxPackBytes: number
  readonly signal: AbortSignal
}

/**
 * Asks `git-upload-pack` (protocol v2) for `want` with `deepen 1`, no progress, `ofs-delta`, and streams the pack
 * (side band 1) into `file`, counting bytes: memory holds one HTTP chunk at a time whatever the pack's size.
 * Resolves with the number of pack bytes written.
 */
export async function fetchPackToFile(f: UploadPackFetch): Promise<number> {
  const body = Buffer.concat([
    pktLine('command=fetch\n'), Buffer.from('0001'),
    pktLine(`want ${f.want}\n`), pktLine('deepen 1\n'), pktLine('ofs-delta\n'), pktLine('no-progress\n'), pktLine('done\n'), Buffer.from('0000'),
  ])
  const url = new URL(`${f.repository.href.replace(/\/+$/, '')}/git-upload-pack`)
  const res = await f.client.request({
    url, method: 'POST', headers: f.headers, body, signal: f.signal,
    publicHeaders: { 'content-type': 'application/x-git-upload-pack-request', accept: 'application/x-git-upload-pack-result', 'git-protocol': 'version=2' },
  })
  if (res.status !== 200) {
    await res.dump().catch(() => undefined)
    throw new GitHttpStatusError(res.status)
  }
  const out = createWriteStream(f.file)
  const failed = once(out, 'error').then(([err]) => { throw err })
  failed.catch(() => undefined)
  let written = 0
  let inPack = false
  try {
    for await (const line of pktLines(res.body)) {
      if (line === 'flush' || line === 'delim') continue
      if (!inPack) {
        const text = line.toString('utf8')
        if (text.startsWith('ERR ')) throw new GitProtocolError(`the git server refused the fetch: ${text.slice(4).trim()}`)
        if (text === 'packfile\n') inPack = true
        continue
      }
      const band = line[0]
      if (band === 1) {
        const data = line.subarray(1)
        written += data.length
        if (written > f.maxPackBytes) throw new PackTooLargeError(f.maxPackBytes)
        if (!out.write(data)) await Promise.race([once(out, 'drain'), failed])
      } else if (band === 3) {
        throw new GitProtocolError(`the git server failed while sending the pack: ${line.subarray(1).toString('utf8').trim()}`)
      }
    }
    if (!inPack) throw new GitProtocolError('the git server sent no pack (does it speak protocol v2?)')
  } finally {
    out.end()
    await Promise.race([once(out, 'close'), failed]).catch(() => undefined)
  }
  return written
}

/** One pkt-line with its 4-hex-digit length prefix. */
function pktLine(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8')
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, '0'), 'ascii'), payload])
}

/** Splits a byte stream into pkt-line payloads (`flush` for 0000, `delim` for 0001, `end` 0002 ignored). */
export async function* pktLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer | 'flush' | 'delim'> {
  let buf = Buffer.alloc(0)
  for await (const chunk of body) {
    buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, chunk])
    for (;;) {
      if (buf.length < 4) break
      const len = Number.parseInt(buf.subarray(0, 4).toString('ascii'), 16)
      if (Number.isNaN(len)) throw new GitProtocolError('the git server sent a malformed pkt-line')
      if (len < 4) {
        buf = buf.subarray(4)
        if (len === 0) yield 'flush'
        else if (len === 1) yield 'delim'
        continue
      }
      if (buf.length < len) break
      yield buf.subarray(4, len)
      buf = buf.subarray(len)
    }
  }
  if (buf.length > 0) throw new GitProtocolError('the git server closed the connection in the middle of a pkt-line')
}
