/** The real ToolHive fixture and deterministic variants of it for scenarios. */
import { readFileSync } from 'node:fs'
import { fixturePath } from './paths.js'
import type { ToolHiveDocument } from './registry-api-client.js'

/** The ToolHive registry fixture (`testdata/fixtures/toolhive-registry.json`, 86 servers) parsed. */
export function loadToolHiveFixture(): ToolHiveDocument {
  return JSON.parse(readFileSync(fixturePath('toolhive-registry.json'), 'utf8')) as ToolHiveDocument
}

/** The fixture reduced to the given ToolHive keys (servers and remote_servers alike). */
export function subsetOf(doc: ToolHiveDocument, keep: (key: string) => boolean): ToolHiveDocument {
  const pick = <T>(m: Readonly<Record<string, T>> | undefined): Record<string, T> =>
    Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => keep(k)))
  return { ...doc, servers: pick(doc.servers), remote_servers: pick(doc.remote_servers) }
}

/** ToolHive keys whose entry carries `tag`, sorted. */
export function keysWithTag(doc: ToolHiveDocument, tag: string): string[] {
  return [...Object.entries(doc.servers), ...Object.entries(doc.remote_servers ?? {})]
    .filter(([, s]) => s.tags?.includes(tag)).map(([k]) => k).sort()
}
