/**
 * @packageDocumentation
 * Deterministic generator of large ToolHive registry documents (e.g. 10,000 servers) whose entries are derived from
 * a real registry, for storage, sync and API tests and benchmarks. Also runnable as a CLI (`src/cli.ts`).
 */
export { generateRegistry } from './generate-registry.js'
export type { GenerateRegistryOptions, ToolHiveRegistryDocument, JsonObject } from './generate-registry.js'
export { createSeededRandom } from './seeded-random.js'
export type { SeededRandom } from './seeded-random.js'
