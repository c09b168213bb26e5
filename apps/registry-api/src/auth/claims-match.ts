/**
 * claimsMatch: whether a caller's token claims satisfy the `claims` of a source or view: every key must match,
 * where a key matches when the token's value (a string, or any string of a list) equals the required value (or one
 * of the required list: a list means "any of").
 */

/** `claims` of a source or view: claim name to a value or a list of accepted values. */
export type RequiredClaims = Readonly<Record<string, string | readonly string[]>>

/** True when `token` satisfies every key of `required` (always true without `required`). */
export function claimsMatch(required: RequiredClaims | undefined, token: Readonly<Record<string, unknown>>): boolean {
  if (required === undefined) return true
  for (const [key, want] of Object.entries(required)) {
    const accepted: readonly string[] = typeof want === 'string' ? [want] : want
    const have = Object.hasOwn(token, key) ? token[key] : undefined
    const values = Array.isArray(have) ? have : [have]
    if (!values.some((v) => typeof v === 'string' && accepted.includes(v))) return false
  }
  return true
}
