// Validates real responses against our OpenAPI document, the upstream draft OpenAPI and the server.json schema.
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { parse } from 'yaml'
import { loadOpenApiYaml } from '../../src/openapi.document.js'
import { specPath } from './fixtures.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void

const OURS = 'urn:thv-registry-api:openapi'
const UPSTREAM = 'https://modelcontextprotocol.io/schemas/draft/2025-12-01/server-registry-openapi'

const pointer = (...segments: string[]): string => segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

interface OpenApiDoc {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
  components: { responses: Record<string, unknown> }
}

/** Validators for response bodies; each returns the ajv error text or undefined when the body is valid. */
export class ContractValidator {
  readonly #ajv2020 = new Ajv2020({ strict: false, allErrors: true })
  readonly #ajv07 = new Ajv({ strict: false, allErrors: true })
  readonly #ours: OpenApiDoc
  readonly #serverSchema: string

  constructor() {
    addFormats(this.#ajv2020)
    addFormats(this.#ajv07)
    this.#ours = parse(loadOpenApiYaml()) as OpenApiDoc
    this.#ajv2020.addSchema({ ...this.#ours, $id: OURS })
    const upstream = parse(readFileSync(specPath('openapi.draft-145c2ec.yaml'), 'utf8')) as Record<string, unknown>
    this.#ajv2020.addSchema({ ...upstream, $id: UPSTREAM })
    const server = JSON.parse(readFileSync(specPath('server.schema.2025-12-11.json'), 'utf8')) as { $id: string }
    this.#ajv07.addSchema(server)
    this.#serverSchema = server.$id
  }

  /** Validates a body against our OpenAPI response schema of `template` (e.g. `/v0.1/servers`) for `status`. */
  ours(template: string, status: number, contentType: string, body: unknown): string | undefined {
    const op = this.#ours.paths[template]?.['get']
    if (op === undefined) return `our OpenAPI has no GET ${template}`
    let response = op.responses[String(status)] as { $ref?: string; content?: Record<string, unknown> } | undefined
    if (response === undefined) return `our OpenAPI documents no ${status} for GET ${template}`
    let base = pointer('paths', template, 'get', 'responses', String(status))
    if (response.$ref !== undefined) {
      const name = response.$ref.split('/').pop() as string
      response = this.#ours.components.responses[name] as { content?: Record<string, unknown> }
      base = pointer('components', 'responses', name)
    }
    if (response.content === undefined) return body === undefined ? undefined : `GET ${template} ${status} documents no body`
    const media = contentType.split(';')[0]?.trim() ?? ''
    if (response.content[media] === undefined) return `GET ${template} ${status} does not document ${media}`
    return this.#check(this.#ajv2020, `${OURS}#/${base}/${pointer('content', media, 'schema')}`, body)
  }

  /** Validates a ServerList or ServerResponse body against the upstream draft OpenAPI. */
  upstream(kind: 'ServerList' | 'ServerResponse', body: unknown): string | undefined {
    return this.#check(this.#ajv2020, `${UPSTREAM}#/components/schemas/${kind}`, body)
  }

  /** Validates one server.json against the released 2025-12-11 schema. */
  serverJson(server: unknown): string | undefined {
    return this.#check(this.#ajv07, this.#serverSchema, server)
  }

  #check(ajv: Ajv | Ajv2020, ref: string, body: unknown): string | undefined {
    const validate = ajv.getSchema(ref)
    if (validate === undefined) return `no schema at ${ref}`
    return validate(body) ? undefined : ajv.errorsText(validate.errors)
  }
}
