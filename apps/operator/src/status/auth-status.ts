/** The `ClaimsEnforced` condition: whether the `claims` of sources and views do anything. */
import { ConditionReason, type MCPRegistrySpec } from '@thv/registry-model'

/** A condition to set. */
export interface ClaimsCondition {
  readonly status: 'True' | 'False'
  readonly reason: string
  readonly message: string
}

/** Field paths of every `claims` set on `spec.sources[]` and `spec.registries[]`. */
export function claimsPaths(spec: Pick<MCPRegistrySpec, 'sources' | 'registries'>): string[] {
  return [
    ...(spec.sources ?? []).flatMap((s, i) => (s.claims === undefined ? [] : [`spec.sources[${i}].claims`])),
    ...(spec.registries ?? []).flatMap((v, i) => (v.claims === undefined ? [] : [`spec.registries[${i}].claims`])),
  ]
}

/**
 * `ClaimsEnforced`: True when claims are set and `authConfig.mode` is `oauth`; False (`AnonymousMode`) when claims
 * are set in anonymous mode, where they do nothing; `null` (no condition) without claims.
 */
export function claimsEnforcement(spec: Pick<MCPRegistrySpec, 'sources' | 'registries' | 'authConfig'>): ClaimsCondition | null {
  const paths = claimsPaths(spec)
  if (paths.length === 0) return null
  if (spec.authConfig?.mode === 'oauth') {
    return { status: 'True', reason: ConditionReason.ClaimsAuthorized, message: `The registry API shows each caller only the sources and views its token's claims match (${paths.join(', ')})` }
  }
  return { status: 'False', reason: ConditionReason.AnonymousMode, message: `claims are set (${paths.join(', ')}) but authConfig.mode is anonymous, so every caller sees everything: set authConfig.mode to oauth or remove them` }
}
