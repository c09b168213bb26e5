// The README's usage example, compiled by the root typecheck so that it cannot rot.
import { readFileSync } from 'node:fs'
import { buildSnapshot, toToolHiveRegistry, toUpstreamServerList } from '@thv/converters'
import * as E from 'fp-ts/lib/Either.js'

const result = buildSnapshot({
  raw: readFileSync('registry.json'), // ToolHive, upstream (array, API list, ToolHive wrapper) or legacy seed
  registry: { name: 'prod', namespace: 'toolhive-system', source: { type: 'file', ref: 'registry.json' } },
  filter: { include: ['io.github.*'], exclude: ['*-beta'], tags: { include: ['database'] } },
  now: new Date(),
}) // Either<SnapshotError, RegistrySnapshot>: never throws on bad input

if (E.isLeft(result)) console.error(result.left.code, result.left.message) // e.g. InvalidJson at byte 17
else console.log(toUpstreamServerList(result.right).metadata.count, Object.keys(toToolHiveRegistry(result.right).servers))
