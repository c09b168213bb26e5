import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { decodeToolHiveRegistry, parseJson } from '@thv/registry-model'

/** Lists the image servers of a ToolHive registry file, or says exactly what is wrong with the file. */
export function listServers(path: string): string {
  return pipe(
    parseJson(readFileSync(path)), //       Left: JsonParseError with byte offset, line, column
    E.chainW(decodeToolHiveRegistry), //    Left: DecodeFailure listing every offending path
    E.match(
      (error) => error.message, //          e.g. "Invalid ToolHiveRegistry: servers/fetch/tier: must be one of: …"
      (registry) => Object.entries(registry.servers).map(([key, s]) => `${key}\t${s.image}`).join('\n'),
    ),
  )
}
