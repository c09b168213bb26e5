// fetch wrappers that validate every response against our OpenAPI document (and upstream's, where it applies).
import { request } from 'node:http'
import { expect } from 'chai'
import { parse as parseYaml } from 'yaml'
import { ContractValidator } from './contract.js'

const contract = new ContractValidator()

/** A response with its parsed body. */
export interface ApiResponse {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: unknown
}

/**
 * GETs `url` and, when `template` is given, asserts the response matches our OpenAPI document for that path
 * template and status; `upstream` additionally checks the upstream draft OpenAPI and each server.json.
 */
export async function getChecked(
  url: string, template: string | undefined, options: { headers?: Record<string, string>; upstream?: 'ServerList' | 'ServerResponse'; method?: string } = {},
): Promise<ApiResponse> {
  const res = await fetch(url, { headers: options.headers ?? {}, method: options.method ?? 'GET' })
  const text = await res.text()
  const contentType = res.headers.get('content-type') ?? ''
  const json: unknown = /json/.test(contentType) && text !== '' ? JSON.parse(text) : undefined
  if (template !== undefined) {
    // A YAML body is validated as the document it parses to, as API clients and fuzzers (schemathesis) read it.
    const body = json ?? (text === '' ? undefined : /yaml/.test(contentType) ? parseYaml(text) : text)
    expect(contract.ours(template, res.status, contentType, body), `${url} vs our OpenAPI`).to.equal(undefined)
  }
  if (options.upstream !== undefined && res.status === 200) {
    expect(contract.upstream(options.upstream, json), `${url} vs upstream OpenAPI`).to.equal(undefined)
    const items = options.upstream === 'ServerList' ? (json as { servers: { server: unknown }[] }).servers : [json as { server: unknown }]
    for (const item of items) expect(contract.serverJson(item.server), `${url} server.json`).to.equal(undefined)
  }
  return { status: res.status, headers: res.headers, text, json }
}

/** A raw HTTP exchange (no automatic decompression), for encoding and header tests. */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}
