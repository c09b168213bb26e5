/** Version ordering exactly as the official MCP registry's `CompareVersions` (internal/service/versioning.go). */

const INT64_MAX = 9223372036854775807n

/** Go's `strconv.Atoi` on a 64-bit platform: optional sign, decimal digits, in range. */
function atoi(part: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(part)) return undefined
  const n = BigInt(part)
  return n > INT64_MAX || n < -INT64_MAX - 1n ? undefined : n
}

/**
 * True iff the official registry treats `version` as semver: `X.Y.Z` or `X.Y.Z-pre` where X, Y, Z are integers and
 * `pre` is non-empty `[A-Za-z0-9.]` (a second `-` makes the whole version non-semver, as upstream splits on `-`).
 * `v1.2.3`, `1.2` and `1.2.3+build` are not semver.
 *
 * @category versions
 * @since 0.1.0
 */
export function isSemanticVersion(version: string): boolean {
  const parts = version.split('-')
  if (parts.length > 2) return false
  const main = (parts[0] ?? '').split('.')
  if (main.length !== 3 || main.some((p) => atoi(p) === undefined)) return false
  const pre = parts[1]
  return pre === undefined || /^[A-Za-z0-9.-]+$/.test(pre)
}

/**
 * Compares two versions that are both {@link isSemanticVersion}: major, minor, patch numerically; a release beats a
 * prerelease; two prereleases compare as plain strings (so `1.0.0-rc.10 < 1.0.0-rc.9`, as upstream).
 *
 * @returns -1, 0 or 1.
 * @category versions
 * @since 0.1.0
 */
export function compareSemanticVersions(a: string, b: string): -1 | 0 | 1 {
  const [mainA = '', preA] = a.split('-')
  const [mainB = '', preB] = b.split('-')
  const numsA = mainA.split('.')
  const numsB = mainB.split('.')
  for (let i = 0; i < 3; i++) {
    const x = atoi(numsA[i] ?? '') ?? 0n
    const y = atoi(numsB[i] ?? '') ?? 0n
    if (x !== y) return x < y ? -1 : 1
  }
  if (preA === undefined && preB !== undefined) return 1
  if (preA !== undefined && preB === undefined) return -1
  if (preA !== undefined && preB !== undefined && preA !== preB) return preA < preB ? -1 : 1
  return 0
}

/**
 * The official registry's version order. Both semver: {@link compareSemanticVersions}. Neither semver: the later
 * publish time wins (equal times compare 0). One semver: the semver one is higher.
 *
 * @param publishedAtA publish time of `a` in milliseconds since the epoch (only used when neither is semver).
 * @param publishedAtB publish time of `b` in milliseconds since the epoch.
 * @returns -1, 0 or 1.
 * @example
 * compareVersions('2.0.0', '2024.10.01', 0, 1) // 1: semver always beats non-semver
 * @category versions
 * @since 0.1.0
 */
export function compareVersions(a: string, b: string, publishedAtA: number, publishedAtB: number): -1 | 0 | 1 {
  const semA = isSemanticVersion(a)
  const semB = isSemanticVersion(b)
  if (semA && semB) return compareSemanticVersions(a, b)
  if (!semA && !semB) return publishedAtA === publishedAtB ? 0 : publishedAtA < publishedAtB ? -1 : 1
  return semA ? 1 : -1
}
