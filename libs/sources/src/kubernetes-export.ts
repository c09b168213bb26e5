/**
 * One exported workload (an MCPServer, MCPRemoteProxy or VirtualMCPServer annotated
 * `toolhive.stacklok.dev/registry-export: "true"`) as an upstream `server.json` remote entry, or why it is skipped.
 * Pure: no I/O, no clock.
 */
import { AuthzClaimsExtensionKey, ToolHivePublisherNamespace } from '@thv/converters'
import {
  ClaimsCodec, decodeServerJson, PublisherProvidedMetaKey, RegistryExportAnnotations as A, type ServerJson,
} from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'

/** The kinds a `kubernetes` source exports, in the order that wins a name both use. */
export const ExportedKinds = ['MCPServer', 'MCPRemoteProxy', 'VirtualMCPServer'] as const
/** @see ExportedKinds */
export type ExportedKind = (typeof ExportedKinds)[number]

/** Reverse-DNS prefix of exported entry names when the operator sets none (ToolHive's registry server's). */
export const DefaultKubernetesNamePrefix = 'com.toolhive.k8s'
/** What a name prefix must look like: reverse-DNS labels separated by dots. */
export const KubernetesNamePrefixPattern = '^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$'

/** The fields of a workload object the export reads; ToolHive owns these resources, so the rest is ignored. */
export interface WorkloadObject {
  readonly kind?: string | undefined
  readonly apiVersion?: string | undefined
  readonly metadata?: {
    readonly namespace?: string | undefined
    readonly name?: string | undefined
    readonly uid?: string | undefined
    readonly annotations?: Readonly<Record<string, string>> | undefined
  } | undefined
  readonly spec?: unknown
  readonly status?: unknown
}

/** True when `obj` opts in: annotation `registry-export` is `"true"`. */
export function isExportRequested(obj: WorkloadObject): boolean {
  return obj.metadata?.annotations?.[A.export] === 'true'
}

/** The entry name of a workload: `<prefix>.<namespace>/<name>`, stable for as long as the object keeps its name. */
export function exportedServerName(prefix: string, namespace: string, name: string): string {
  return `${prefix}.${namespace}/${name}`
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u)
const str = (u: unknown): string | undefined => (typeof u === 'string' && u !== '' ? u : undefined)
const RemoteTransports: ReadonlySet<string> = new Set(['sse', 'streamable-http'])
const ToolName = /^[\w-]+$/
const Tag = /^[a-z0-9][a-z0-9_-]*[a-z0-9]$/

/**
 * The transport clients use to reach the workload: an MCPServer's `spec.transport` when it is `sse` or
 * `streamable-http`; for `stdio` (proxied by ToolHive) its `spec.proxyMode`, else `streamable-http`. An
 * MCPRemoteProxy's `spec.transport`, else `streamable-http`. A VirtualMCPServer serves `streamable-http`.
 */
export function workloadTransport(kind: string, spec: unknown): string {
  const s = isRecord(spec) ? spec : {}
  const transport = str(s['transport'])
  if (kind === 'VirtualMCPServer') return 'streamable-http'
  if (transport !== undefined && RemoteTransports.has(transport)) return transport
  const proxyMode = str(s['proxyMode'])
  if (kind === 'MCPServer' && proxyMode !== undefined && RemoteTransports.has(proxyMode)) return proxyMode
  return 'streamable-http'
}

/** The tag of an image reference (`ghcr.io/x/y:1.2.3` → `1.2.3`), if it has one and no digest. */
function imageTag(image: string | undefined): string | undefined {
  if (image === undefined || image.includes('@')) return undefined
  const colon = image.lastIndexOf(':')
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : undefined
}

function parseJsonAnnotation(annotation: string, text: string): E.Either<string, unknown> {
  try {
    return E.right(JSON.parse(text) as unknown)
  } catch {
    // Not the parser's message: V8 quotes the input in it, and an annotation value never goes into an Event whole.
    return E.left(`annotation ${annotation} is not valid JSON`)
  }
}

/** `tools`: a JSON list of names, or names separated by commas. */
function parseTools(text: string): E.Either<string, string[]> {
  const trimmed = text.trim()
  let names: unknown
  if (trimmed.startsWith('[')) {
    const parsed = parseJsonAnnotation(A.tools, trimmed)
    if (E.isLeft(parsed)) return parsed
    names = parsed.right
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) return E.left(`annotation ${A.tools} must be a JSON list of tool names`)
  } else {
    names = trimmed.split(',').map((n) => n.trim()).filter((n) => n !== '')
  }
  const list = [...new Set(names as string[])]
  const bad = list.find((n) => !ToolName.test(n))
  return bad === undefined ? E.right(list) : E.left(`annotation ${A.tools} has tool name ${JSON.stringify(bad.slice(0, 64))}, which is not letters, digits, _ and -`)
}

function parseUrl(text: string, from: string): E.Either<string, string> {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return E.left(`${from} is not a valid URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return E.left(`${from} must be an http or https URL (got ${url.protocol})`)
  return E.right(text)
}

/**
 * The `server.json` of an exported workload: `name` from the prefix, namespace and name; `description`, `title`,
 * `version` (annotation, else the image tag, else `1.0.0`) and `icons` from the annotations; one remote with the URL
 * (annotation `registry-url`, else `status.url`) and the workload's transport; ToolHive's extension keyed by the
 * URL with `tools`, `tool_definitions`, `tags` (the category when it is a valid tag), `authz_claims` and
 * `custom_metadata` (`category`, and `kubernetes: {kind, namespace, name, uid, image, transport}`). Left: why the
 * workload is skipped (malformed annotation, missing description or URL, an entry the server.json schema refuses).
 */
export function exportedServer(obj: WorkloadObject, prefix: string): E.Either<string, ServerJson> {
  const kind = obj.kind ?? 'MCPServer'
  const namespace = obj.metadata?.namespace ?? ''
  const name = obj.metadata?.name ?? ''
  const annotations = obj.metadata?.annotations ?? {}
  const spec = isRecord(obj.spec) ? obj.spec : {}
  const status = isRecord(obj.status) ? obj.status : {}

  const description = str(annotations[A.description])
  if (description === undefined) return E.left(`annotation ${A.description} is missing`)
  const annotatedUrl = str(annotations[A.url])
  const statusUrl = str(status['url'])
  if (annotatedUrl === undefined && statusUrl === undefined) return E.left(`annotation ${A.url} is missing and status.url is not set yet`)
  const url = annotatedUrl !== undefined ? parseUrl(annotatedUrl, `annotation ${A.url}`) : parseUrl(statusUrl as string, 'status.url')
  if (E.isLeft(url)) return url

  const toolsText = annotations[A.tools]
  const tools = toolsText === undefined ? E.right(undefined) : parseTools(toolsText)
  if (E.isLeft(tools)) return tools
  const definitionsText = annotations[A.toolDefinitions]
  let toolDefinitions: unknown
  if (definitionsText !== undefined) {
    const parsed = parseJsonAnnotation(A.toolDefinitions, definitionsText)
    if (E.isLeft(parsed)) return parsed
    if (!Array.isArray(parsed.right) || !parsed.right.every(isRecord)) return E.left(`annotation ${A.toolDefinitions} must be a JSON list of tool objects`)
    toolDefinitions = parsed.right
  }
  const claimsText = annotations[A.authzClaims]
  let claims: unknown
  if (claimsText !== undefined) {
    const parsed = parseJsonAnnotation(A.authzClaims, claimsText)
    if (E.isLeft(parsed)) return parsed
    if (!ClaimsCodec.is(parsed.right)) return E.left(`annotation ${A.authzClaims} must be a JSON object of claim names to a string or a list of strings`)
    claims = parsed.right
  }

  const image = str(spec['image'])
  const transport = workloadTransport(kind, spec)
  const category = str(annotations[A.category])
  const icon = str(annotations[A.icon])
  const extension: Record<string, unknown> = {
    ...(tools.right === undefined || tools.right.length === 0 ? {} : { tools: tools.right }),
    ...(toolDefinitions === undefined ? {} : { tool_definitions: toolDefinitions }),
    ...(category !== undefined && Tag.test(category) ? { tags: [category] } : {}),
    ...(claims === undefined ? {} : { [AuthzClaimsExtensionKey]: claims }),
    custom_metadata: {
      ...(category === undefined ? {} : { category }),
      kubernetes: { kind, namespace, name, ...(obj.metadata?.uid === undefined ? {} : { uid: obj.metadata.uid }), ...(image === undefined ? {} : { image }), transport },
    },
  }
  const candidate = {
    name: exportedServerName(prefix, namespace, name),
    description,
    ...(str(annotations[A.title]) === undefined ? {} : { title: annotations[A.title] }),
    version: str(annotations[A.version]) ?? imageTag(image) ?? '1.0.0',
    ...(icon === undefined ? {} : { icons: [{ src: icon }] }),
    remotes: [{ type: transport, url: url.right }],
    _meta: { [PublisherProvidedMetaKey]: { [ToolHivePublisherNamespace]: { [url.right]: extension } } },
  }
  const decoded = decodeServerJson(candidate)
  if (E.isLeft(decoded)) return E.left(`the entry does not fit server.json: ${decoded.left.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`)
  return E.right(decoded.right)
}
