/**
 * Visibility: which views and sources of the served registry one caller may see, computed once per verified token
 * from the claims of the auth settings. Its `key` is equal for two callers exactly when they see the same, so it
 * partitions every cache of answers (the response memo, the restricted views).
 */
import { claimsMatch, type RequiredClaims } from './claims-match.js'

/** What one caller may see. */
export interface Visibility {
  /** `''` when the caller sees everything; otherwise the hidden views and sources, in a canonical form. */
  readonly key: string
  readonly hiddenViews: ReadonlySet<string>
  readonly hiddenSources: ReadonlySet<string>
}

/** The visibility of a caller who sees everything (anonymous mode, or every claim matched). */
export const FullVisibility: Visibility = Object.freeze({ key: '', hiddenViews: new Set<string>(), hiddenSources: new Set<string>() })

/** The claims of each source and view, by name (what `ApiAuthSettings` carries). */
export interface ClaimsRules {
  readonly sourceClaims?: Readonly<Record<string, RequiredClaims>> | undefined
  readonly viewClaims?: Readonly<Record<string, RequiredClaims>> | undefined
}

/** The visibility of a caller whose token carries `claims` (`{}` for a caller without a token on a public path). */
export function visibilityOf(rules: ClaimsRules, claims: Readonly<Record<string, unknown>>): Visibility {
  const hidden = (byName: Readonly<Record<string, RequiredClaims>> | undefined): string[] =>
    Object.entries(byName ?? {}).filter(([, required]) => !claimsMatch(required, claims)).map(([name]) => name).sort()
  const views = hidden(rules.viewClaims)
  const sources = hidden(rules.sourceClaims)
  if (views.length === 0 && sources.length === 0) return FullVisibility
  return { key: `v:${views.join(',')};s:${sources.join(',')}`, hiddenViews: new Set(views), hiddenSources: new Set(sources) }
}
