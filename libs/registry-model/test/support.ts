// Test support for registry-model: the shared fixtures and an independent JSON-schema validator (ajv, draft-07).
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import * as E from 'fp-ts/lib/Either.js'
import type { DecodeFailure } from '../src/decode-failure.js'
import { formatIssue } from '../src/decode-failure.js'

const here = dirname(fileURLToPath(import.meta.url))
/** The real fixtures and specs: `$THV_SHARED_DIR`, else `testdata/` in the repository. */
export const sharedDir = process.env['THV_SHARED_DIR'] ?? join(here, '..', '..', '..', 'testdata')

/** Raw bytes of a shared fixture. */
export function fixtureBytes(name: string): Uint8Array {
  return readFileSync(join(sharedDir, 'fixtures', name))
}

/** A shared fixture parsed with JSON.parse (fixtures are trusted). */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(sharedDir, 'fixtures', name), 'utf8')) as unknown
}

function compile(file: string): (u: unknown) => boolean {
  // Both schemas are draft-07 (ajv's default dialect); they use the non-standard `example` keyword, hence strict: false.
  const ajv = new Ajv({ strict: false, allErrors: true })
  addFormatsModule.default(ajv)
  const validate = ajv.compile(JSON.parse(readFileSync(join(sharedDir, file), 'utf8')) as object)
  return (u) => validate(u) === true
}

/** ajv with `testdata/fixtures/toolhive-registry.schema.json`. */
export const toolHiveSchemaAccepts = compile('fixtures/toolhive-registry.schema.json')
/** ajv with `testdata/spec/server.schema.2025-12-11.json`. */
export const serverSchemaAccepts = compile('spec/server.schema.2025-12-11.json')

/** The formatted issues of a decode result (`path: message`), or `[]` when it decoded. */
export function issuesOf(r: E.Either<DecodeFailure, unknown>): string[] {
  return E.isLeft(r) ? r.left.issues.map(formatIssue) : []
}

/** Deep clone through JSON, so cases never share objects with the base documents. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T
}
