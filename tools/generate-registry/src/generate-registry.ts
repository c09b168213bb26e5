// Builds a large ToolHive registry document from the entries of a real one (the template).
import type { ToolHiveImageServer, ToolHiveRegistry, ToolHiveRemoteServer } from '@thv/registry-model'
import { createSeededRandom, type SeededRandom } from './seeded-random.js'

/** A JSON object as found in a ToolHive registry document. */
export type JsonObject = { [key: string]: unknown }

/**
 * A ToolHive registry document (`{$schema?, version, last_updated, servers, remote_servers?, groups?}`): the type of
 * @thv/registry-model's `ToolHiveRegistryCodec`, plus the `$schema` that codec keeps as an unknown top-level key.
 */
export type ToolHiveRegistryDocument = ToolHiveRegistry & { readonly $schema?: string }

/** Options of {@link generateRegistry}. */
export interface GenerateRegistryOptions {
  /** Real registry whose entries serve as templates (e.g. the ToolHive fixture). */
  readonly template: ToolHiveRegistryDocument
  /** Number of servers to generate (container plus remote). */
  readonly count: number
  /** PRNG seed; the same template, count and seed always give the same document. Default 1. */
  readonly seed?: number
  /** `last_updated` of the generated document; default the template's, so the output is deterministic. */
  readonly lastUpdated?: string
}

const WORDS = [
  'alpha', 'atlas', 'beacon', 'cedar', 'cobalt', 'delta', 'ember', 'falcon', 'garnet', 'harbor', 'indigo', 'juniper',
  'kepler', 'lumen', 'meridian', 'nimbus', 'onyx', 'polaris', 'quartz', 'raven', 'sierra', 'tundra', 'umber',
  'vertex', 'willow', 'xenon', 'yonder', 'zephyr',
]
const TEAMS = ['platform', 'data', 'security', 'payments', 'search', 'mobile', 'infra', 'research', 'support', 'growth']
const EXTRA_TAGS = ['internal', 'production', 'staging', 'experimental', 'team-owned', 'audited', 'beta', 'ga']

/**
 * Generates a ToolHive registry with `count` realistic servers, each derived from a template entry with a unique
 * name, a varied description, tags, tools, popularity metadata, image tag or URL. Deterministic for a given seed.
 * Container and remote entries keep the template's ratio; every entry stays valid against the ToolHive schema.
 *
 * @example
 * const big = generateRegistry({ template: JSON.parse(readFileSync('toolhive-registry.json', 'utf8')), count: 10_000, seed: 7 })
 * Object.keys(big.servers).length + Object.keys(big.remote_servers ?? {}).length // 10000
 */
export function generateRegistry(options: GenerateRegistryOptions): ToolHiveRegistryDocument {
  const { template, count } = options
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`)
  const containers = Object.entries(template.servers)
  const remotes = Object.entries(template.remote_servers ?? {})
  const all = [...containers.map((e) => ['container', ...e] as const), ...remotes.map((e) => ['remote', ...e] as const)]
  if (all.length === 0) throw new Error('The template registry has no servers')
  const rnd = createSeededRandom(options.seed ?? 1)
  // varyEntry keeps every entry valid against ToolHive's schema (generate-registry.test.ts checks the whole document).
  const servers: Record<string, ToolHiveImageServer> = {}
  const remoteServers: Record<string, ToolHiveRemoteServer> = {}
  for (let i = 0; i < count; i++) {
    const [kind, key, entry] = all[i % all.length] as (typeof all)[number]
    const name = `${key}-${rnd.pick(WORDS)}-${i}`
    const varied = varyEntry(entry, name, kind, i, rnd)
    if (kind === 'container') servers[name] = varied as ToolHiveImageServer
    else remoteServers[name] = varied as ToolHiveRemoteServer
  }
  const doc: Record<string, unknown> = {}
  if (typeof template.$schema === 'string') doc.$schema = template.$schema
  return {
    ...doc,
    version: template.version,
    last_updated: options.lastUpdated ?? template.last_updated,
    servers,
    remote_servers: remoteServers,
  }
}

function varyEntry(entry: ToolHiveImageServer | ToolHiveRemoteServer, name: string, kind: 'container' | 'remote', i: number, rnd: SeededRandom): JsonObject {
  const out: JsonObject = structuredClone(entry) as JsonObject
  delete out.name
  const team = rnd.pick(TEAMS)
  const base = typeof entry.description === 'string' ? entry.description : 'An MCP server'
  out.description = `${base} (${team} edition ${i})`.slice(0, 500)
  const tags = Array.isArray(entry.tags) ? (entry.tags as string[]) : []
  out.tags = [...rnd.sample(tags, Math.max(1, tags.length - rnd.int(0, 2))), rnd.pick(EXTRA_TAGS), team]
    .filter((t, idx, arr) => arr.indexOf(t) === idx)
  const tools = Array.isArray(entry.tools) ? (entry.tools as string[]) : []
  out.tools = [...rnd.sample(tools, Math.max(1, tools.length - rnd.int(0, 3))), `${team}_${rnd.pick(WORDS)}_lookup`]
  const day = String(rnd.int(1, 28)).padStart(2, '0')
  const month = String(rnd.int(1, 12)).padStart(2, '0')
  out.metadata = { stars: rnd.int(0, 50_000), pulls: rnd.int(0, 2_000_000), last_updated: `2025-${month}-${day}T0${rnd.int(0, 9)}:1${rnd.int(0, 9)}:00Z` }
  if (typeof entry.repository_url === 'string') out.repository_url = `https://github.com/${team}-org/${name}`
  const version = `${rnd.int(0, 4)}.${rnd.int(0, 20)}.${rnd.int(0, 40)}`
  if (kind === 'container') out.image = `ghcr.io/example-${team}/${name}:${version}`
  else out.url = `https://${name}.mcp.example.com/${rnd.pick(['mcp', 'sse', 'v1/mcp'])}`
  return out
}
