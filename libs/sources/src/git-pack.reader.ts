// A small reader of one git pack file on disk: indexes it in one streaming pass and reads the objects on a path.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { createInflate, inflateSync } from 'node:zlib'

/** An object is larger than the caller allows (`maxBytes`). */
export class GitObjectTooLargeError extends Error {
  constructor(readonly oid: string, readonly bytes: number, readonly maxBytes: number) {
    super(`git object ${oid} is ${bytes} bytes, above the limit of ${maxBytes} bytes`)
    this.name = 'GitObjectTooLargeError'
  }
}

/** The pack is not a valid git pack (or lacks an object it needs). */
export class GitPackError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GitPackError'
  }
}

/** A path (or a part of it) that is not in the tree. */
export class GitPathNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`no file ${path} in the commit`)
    this.name = 'GitPathNotFoundError'
  }
}

type ObjectType = 'commit' | 'tree' | 'blob' | 'tag'
const Types: Readonly<Record<number, ObjectType>> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' }
const OfsDelta = 6
const RefDelta = 7
/** Objects up to this size are inflated in one call while indexing; larger ones are streamed (hashed, not kept). */
const InlineBytes = 1024 * 1024
/** Resolved delta bases kept while resolving chains, in bytes. */
const BaseCacheBytes = 16 * 1024 * 1024
/**
 * Most objects a pack may hold: the index keeps about 220 bytes per object, so this bounds it near 55 MiB
 * whatever the pack's size (a pack of tiny objects would otherwise cost memory in proportion to its object count).
 */
export const MaxPackObjects = 250_000

interface Entry {
  readonly offset: number
  /** Pack type code: 1-4 full objects, 6 ofs-delta, 7 ref-delta. */
  readonly code: number
  /** Inflated size (of the delta data for deltas). */
  readonly size: number
  readonly dataOffset: number
  readonly baseOffset?: number
  readonly baseOid?: string
  oid?: string
}

interface GitObject {
  readonly type: ObjectType
  readonly data: Buffer
}

/**
 * A pack file fetched into a temporary directory. {@link index} reads it once, streaming: full objects are
 * hashed as they are inflated (large blobs never sit in memory), deltas only located. {@link readPath} then
 * reads the commit, the trees on the path and the blob at their offsets, resolving a delta chain only when an
 * object it needs is stored as one, each object bounded by `maxBytes`. Memory therefore follows the objects on the
 * path, not the pack (a 50 MB unrelated file is hashed in passing and never held).
 */
export class GitPackReader {
  readonly #file: FileHandle
  readonly #path: string
  readonly #entries: Entry[] = []
  readonly #byOffset = new Map<number, Entry>()
  readonly #byOid = new Map<string, Entry>()
  readonly #cache = new Map<number, GitObject>()
  #cacheBytes = 0

  private constructor(path: string, file: FileHandle) {
    this.#path = path
    this.#file = file
  }

  /** Opens and indexes the pack at `path`. */
  static async open(path: string, signal: AbortSignal): Promise<GitPackReader> {
    const reader = new GitPackReader(path, await open(path, 'r'))
    try {
      await reader.#index(signal)
      return reader
    } catch (err) {
      await reader.close()
      throw err
    }
  }

  async close(): Promise<void> {
    await this.#file.close()
  }

  /**
   * The blob at `path` under the commit `oid` (a tag is peeled to its commit). Throws {@link GitPathNotFoundError}
   * when a part of the path is missing and {@link GitObjectTooLargeError} when the blob is above `maxBytes`.
   */
  async readPath(oid: string, path: string, maxBytes: number): Promise<Buffer> {
    let object = await this.#object(oid, maxBytes)
    while (object.type === 'tag') object = await this.#object(headerField(object.data, 'object'), maxBytes)
    if (object.type !== 'commit') throw new GitPackError(`object ${oid} is a ${object.type}, not a commit`)
    let tree = headerField(object.data, 'tree')
    const parts = path.split('/').filter((p) => p !== '')
    for (const [i, part] of parts.entries()) {
      const node = await this.#object(tree, maxBytes)
      if (node.type !== 'tree') throw new GitPathNotFoundError(path)
      const child = treeEntry(node.data, part)
      if (child === undefined) throw new GitPathNotFoundError(path)
      if (i === parts.length - 1) {
        if (child.isTree) throw new GitPathNotFoundError(path)
        const blob = await this.#object(child.oid, maxBytes)
        if (blob.type !== 'blob') throw new GitPathNotFoundError(path)
        return blob.data
      }
      if (!child.isTree) throw new GitPathNotFoundError(path)
      tree = child.oid
    }
    throw new GitPathNotFoundError(path)
  }

  /** One pass over the pack: header, then each object's header and compressed data (inflated to find its end). */
  async #index(signal: AbortSignal): Promise<void> {
    const { size: fileSize } = await this.#file.stat()
    const head = await this.#read(0, 12)
    if (head.length < 12 || head.toString('latin1', 0, 4) !== 'PACK') throw new GitPackError('the fetched data is not a git pack')
    const version = head.readUInt32BE(4)
    if (version !== 2 && version !== 3) throw new GitPackError(`git pack version ${version} is not supported`)
    const count = head.readUInt32BE(8)
    if (count > MaxPackObjects) throw new GitPackError(`the fetched pack holds ${count} objects, more than the ${MaxPackObjects} a git source reads`)
    let offset = 12
    for (let i = 0; i < count; i++) {
      signal.throwIfAborted()
      const header = await this.#read(offset, 32)
      let pos = 0
      let byte = header[pos++] ?? 0
      const code = (byte >> 4) & 7
      let size = byte & 15
      let shift = 4
      while (byte & 0x80) {
        byte = header[pos++] ?? 0
        size += (byte & 0x7f) * 2 ** shift
        shift += 7
      }
      let baseOffset: number | undefined
      let baseOid: string | undefined
      if (code === OfsDelta) {
        byte = header[pos++] ?? 0
        let rel = byte & 0x7f
        while (byte & 0x80) {
          byte = header[pos++] ?? 0
          rel = (rel + 1) * 128 + (byte & 0x7f)
        }
        baseOffset = offset - rel
      } else if (code === RefDelta) {
        baseOid = header.toString('hex', pos, pos + 20)
        pos += 20
      } else if (Types[code] === undefined) {
        throw new GitPackError(`unknown object type ${code} at offset ${offset} of the pack`)
      }
      const dataOffset = offset + pos
      const type = Types[code]
      const hash = type === undefined ? undefined : createHash('sha1').update(`${type} ${size}\0`)
      const consumed = await this.#inflateAt(dataOffset, size, fileSize, (chunk) => hash?.update(chunk))
      const entry: Entry = { offset, code, size, dataOffset, ...(baseOffset === undefined ? {} : { baseOffset }), ...(baseOid === undefined ? {} : { baseOid }) }
      if (hash !== undefined) entry.oid = hash.digest('hex')
      this.#entries.push(entry)
      this.#byOffset.set(offset, entry)
      if (entry.oid !== undefined) this.#byOid.set(entry.oid, entry)
      offset = dataOffset + consumed
    }
  }

  /** Inflates the zlib stream at `offset` (expected `size` bytes out), handing out the data; resolves with the compressed length. */
  async #inflateAt(offset: number, size: number, fileSize: number, onData: (chunk: Buffer) => void): Promise<number> {
    if (size <= InlineBytes) {
      const window = await this.#read(offset, Math.min(fileSize - offset, size + (size >> 6) + 64))
      try {
        const { buffer, engine } = inflateSync(window, { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } }
        if (buffer.length !== size) throw new GitPackError(`object at offset ${offset} of the pack inflates to ${buffer.length} bytes, not ${size}`)
        onData(buffer)
        return engine.bytesWritten
      } catch (err) {
        if (err instanceof GitPackError) throw err
        // The window was too small for an unusual compression: fall through to the streaming path.
      }
    }
    return await new Promise<number>((resolve, reject) => {
      const input = createReadStream(this.#path, { start: offset, highWaterMark: 256 * 1024 })
      const inflate = createInflate()
      let out = 0
      inflate.on('data', (chunk: Buffer) => {
        out += chunk.length
        onData(chunk)
      })
      inflate.on('end', () => {
        input.destroy()
        if (out !== size) reject(new GitPackError(`object at offset ${offset} of the pack inflates to ${out} bytes, not ${size}`))
        else resolve(inflate.bytesWritten)
      })
      inflate.on('error', (err) => {
        input.destroy()
        reject(new GitPackError(`object at offset ${offset} of the pack is not valid zlib data: ${err.message}`))
      })
      input.on('error', reject)
      input.pipe(inflate)
    })
  }

  /** The object `oid`, resolving deltas until it is found. */
  async #object(oid: string, maxBytes: number): Promise<GitObject> {
    const known = this.#byOid.get(oid)
    if (known !== undefined) return await this.#load(known, maxBytes)
    let skipped: { oid: string; bytes: number } | undefined
    for (const entry of this.#entries) {
      if (entry.oid !== undefined) continue
      const declared = await this.#deltaSizes(entry)
      if (declared.result > maxBytes || declared.base > maxBytes) {
        skipped ??= { oid, bytes: declared.result }
        continue
      }
      const object = await this.#load(entry, maxBytes)
      entry.oid = createHash('sha1').update(`${object.type} ${object.data.length}\0`).update(object.data).digest('hex')
      this.#byOid.set(entry.oid, entry)
      if (entry.oid === oid) return object
    }
    if (skipped !== undefined) throw new GitObjectTooLargeError(oid, skipped.bytes, maxBytes)
    throw new GitPackError(`the pack has no object ${oid}`)
  }

  /** The content of an entry (a delta applied to its base, recursively), each object bounded by `maxBytes`. */
  async #load(entry: Entry, maxBytes: number): Promise<GitObject> {
    const cached = this.#cache.get(entry.offset)
    if (cached !== undefined) return cached
    const type = Types[entry.code]
    if (type !== undefined) {
      if (entry.size > maxBytes) throw new GitObjectTooLargeError(entry.oid ?? `at offset ${entry.offset}`, entry.size, maxBytes)
      return { type, data: await this.#inflateAll(entry) }
    }
    const base = entry.baseOffset !== undefined ? this.#byOffset.get(entry.baseOffset) : this.#byOid.get(entry.baseOid ?? '')
    if (base === undefined) throw new GitPackError(`the base of the delta at offset ${entry.offset} is not in the pack`)
    const baseObject = await this.#load(base, maxBytes)
    const delta = await this.#inflateAll(entry)
    const object = { type: baseObject.type, data: applyDelta(baseObject.data, delta, maxBytes) }
    this.#remember(base.offset, baseObject)
    return object
  }

  /** The base and result sizes a delta declares (read from its first bytes). */
  async #deltaSizes(entry: Entry): Promise<{ base: number; result: number }> {
    const delta = await this.#inflateAll(entry)
    const base = readVarint(delta, 0)
    const result = readVarint(delta, base.next)
    return { base: base.value, result: result.value }
  }

  async #inflateAll(entry: Entry): Promise<Buffer> {
    const chunks: Buffer[] = []
    const { size: fileSize } = await this.#file.stat()
    await this.#inflateAt(entry.dataOffset, entry.size, fileSize, (c) => chunks.push(c))
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
  }

  #remember(offset: number, object: GitObject): void {
    if (object.data.length > BaseCacheBytes / 4) return
    if (this.#cacheBytes + object.data.length > BaseCacheBytes) {
      this.#cache.clear()
      this.#cacheBytes = 0
    }
    this.#cache.set(offset, object)
    this.#cacheBytes += object.data.length
  }

  async #read(offset: number, length: number): Promise<Buffer> {
    const buf = Buffer.alloc(Math.max(0, length))
    const { bytesRead } = await this.#file.read(buf, 0, buf.length, offset)
    return buf.subarray(0, bytesRead)
  }
}

/** The value of a header line (`tree <oid>`, `object <oid>`) of a commit or tag. */
function headerField(data: Buffer, name: string): string {
  const end = data.indexOf('\n\n')
  for (const line of data.toString('utf8', 0, end < 0 ? data.length : end).split('\n')) {
    if (line.startsWith(`${name} `)) return line.slice(name.length + 1).trim()
  }
  throw new GitPackError(`the git object has no ${name} header`)
}

/** The entry `name` of a tree object: `<mode> <name>\0<20-byte oid>` repeated. */
function treeEntry(data: Buffer, name: string): { oid: string; isTree: boolean } | undefined {
  let pos = 0
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos)
    const nul = data.indexOf(0, space)
    if (space < 0 || nul < 0) throw new GitPackError('a tree object in the pack is malformed')
    const mode = data.toString('latin1', pos, space)
    if (data.toString('utf8', space + 1, nul) === name) return { oid: data.toString('hex', nul + 1, nul + 21), isTree: mode === '40000' || mode === '040000' }
    pos = nul + 21
  }
  return undefined
}

function readVarint(data: Buffer, start: number): { value: number; next: number } {
  let value = 0
  let shift = 0
  let pos = start
  for (;;) {
    const byte = data[pos++]
    if (byte === undefined) throw new GitPackError('a delta in the pack is truncated')
    value += (byte & 0x7f) * 2 ** shift
    shift += 7
    if ((byte & 0x80) === 0) return { value, next: pos }
  }
}

/** Applies a git delta (copy and insert instructions) to `base`. */
export function applyDelta(base: Buffer, delta: Buffer, maxBytes: number): Buffer {
  const baseSize = readVarint(delta, 0)
  if (baseSize.value !== base.length) throw new GitPackError(`a delta expects a base of ${baseSize.value} bytes, the base has ${base.length}`)
  const resultSize = readVarint(delta, baseSize.next)
  if (resultSize.value > maxBytes) throw new GitObjectTooLargeError('(delta result)', resultSize.value, maxBytes)
  const out = Buffer.alloc(resultSize.value)
  let pos = resultSize.next
  let at = 0
  while (pos < delta.length) {
    const cmd = delta[pos++] as number
    if (cmd & 0x80) {
      let copyOffset = 0
      let copySize = 0
      for (let bit = 0; bit < 4; bit++) if (cmd & (1 << bit)) copyOffset += (delta[pos++] as number) * 2 ** (8 * bit)
      for (let bit = 0; bit < 3; bit++) if (cmd & (0x10 << bit)) copySize += (delta[pos++] as number) * 2 ** (8 * bit)
      if (copySize === 0) copySize = 0x10000
      if (copyOffset + copySize > base.length || at + copySize > out.length) throw new GitPackError('a delta copies outside its base or result')
      base.copy(out, at, copyOffset, copyOffset + copySize)
      at += copySize
    } else if (cmd !== 0) {
      if (pos + cmd > delta.length || at + cmd > out.length) throw new GitPackError('a delta inserts outside its result')
      delta.copy(out, at, pos, pos + cmd)
      pos += cmd
      at += cmd
    } else {
      throw new GitPackError('a delta has a reserved instruction')
    }
  }
  if (at !== out.length) throw new GitPackError('a delta does not fill its result')
  return out
}
