/** Opaque pagination cursors: the (name, version) key of the last item of a page, base64url-encoded. */

/** The position a cursor stands for: list items strictly after this key follow. */
export interface CursorKey {
  readonly name: string
  readonly version: string
}

/** Encodes a key as an opaque cursor. Clients must send it back verbatim. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.name, key.version]), 'utf8').toString('base64url')
}

/** Decodes a cursor made by `encodeCursor`; undefined for anything else (the caller answers 400). */
export function decodeCursor(cursor: string): CursorKey | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return undefined // not JSON: not one of our cursors; the caller reports the bad parameter
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined
  const [name, version] = parsed as unknown[]
  return typeof name === 'string' && typeof version === 'string' ? { name, version } : undefined
}

/** Orders keys by name, then version, comparing strings code unit by code unit (the upstream order). */
export function compareKeys(a: CursorKey, b: CursorKey): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1
  if (a.version !== b.version) return a.version < b.version ? -1 : 1
  return 0
}
