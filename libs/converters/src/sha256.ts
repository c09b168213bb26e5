/** SHA-256 as lower-case hex, the hash used for source bytes and snapshots. */
import { createHash } from 'node:crypto'

/**
 * The SHA-256 digest of `data` as 64 lower-case hex characters. Strings are hashed as their UTF-8 bytes.
 *
 * @example
 * sha256Hex('') // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 * @category hashing
 * @since 0.1.0
 */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}
