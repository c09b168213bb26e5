/** Configuration of the registry API: command-line flags with THV_REGISTRY_* env twins, decoded once. */
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { OtlpSettings } from './telemetry/otlp-telemetry.js'

/** One flag: its name, env twin, default (as text) and help line. */
interface FlagSpec {
  readonly flag: string
  readonly env: string
  /** The default value, when the flag has one. */
  readonly default?: string
  /** What happens when the flag is absent, for `--help` (defaults to `default`). */
  readonly absent?: string
  readonly help: string
}

const envOf = (flag: string): string => `THV_REGISTRY_${flag.replace(/-/g, '_').toUpperCase()}`
const spec = (flag: string, help: string, dflt?: string): FlagSpec =>
  dflt === undefined ? { flag, env: envOf(flag), help } : { flag, env: envOf(flag), help, default: dflt }
const specNoDefault = (flag: string, help: string, absent: string): FlagSpec => ({ flag, env: envOf(flag), help, absent })

/** Every flag, in `--help` order. An explicit flag beats its env twin, which beats the default. */
export const FLAGS: readonly FlagSpec[] = [
  spec('file', 'Serve a registry file (ToolHive, upstream server.json array/list/ToolHive wrapper, legacy seed); reloads on change'),
  spec('registry', 'Serve the stored snapshot of MCPRegistry <namespace>/<name> from the Kubernetes API'),
  specNoDefault('name', 'Registry name reported in --file mode', '(file name without extension)'),
  specNoDefault('kubeconfig', 'Kubeconfig for --registry mode', '($KUBECONFIG, else ~/.kube/config, else in-cluster)'),
  spec('host', 'Address to listen on', '0.0.0.0'),
  spec('port', 'Port to listen on (0 picks a free port)', '8080'),
  spec('log-level', 'error, warn, info or debug (LOG_LEVEL is read too)', 'info'),
  spec('reload-debounce-ms', 'Quiet time after a file change before reloading, in ms', '200'),
  spec('shutdown-timeout-ms', 'Longest wait for in-flight requests on SIGTERM, in ms', '10000'),
  specNoDefault('otlp-endpoint', 'OTLP/HTTP receiver URL for traces and metrics (e.g. http://otel-collector:4318)', '(telemetry off)'),
  spec('otlp-service-name', 'service.name of the exported telemetry', 'thv-registry-api'),
  specNoDefault('otlp-service-version', 'service.version of the exported telemetry', '(none)'),
  spec('otlp-traces', 'Export one span per request (true or false)', 'true'),
  spec('otlp-metrics', 'Export the request duration histogram (true or false)', 'true'),
  spec('otlp-sampling', 'Ratio of traces sampled, 0 to 1', '1'),
  spec('otlp-metrics-interval-ms', 'Interval of metric exports, in ms', '60000'),
]

const BoolCodec = t.keyof({ true: null, false: null }, 'Boolean')
const RatioCodec = new t.Type<number, string, unknown>(
  'Ratio',
  (u): u is number => typeof u === 'number' && u >= 0 && u <= 1,
  (u, c) => (typeof u === 'string' && /^(0([.][0-9]+)?|1([.]0+)?)$/.test(u) ? t.success(Number(u)) : t.failure(u, c, 'must be a decimal ratio from 0 to 1')),
  String,
)
const UrlCodec = t.refinement(t.string, (s) => /^https?:\/\/[^\s]+$/.test(s), 'OtlpEndpoint')

const LogLevelCodec = t.keyof({ error: null, warn: null, info: null, debug: null }, 'LogLevel')

const intFromString = (name: string, min: number, max: number): t.Type<number, string, unknown> =>
  new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) => {
      const n = typeof u === 'string' && /^[0-9]+$/.test(u) ? Number(u) : Number.NaN
      return Number.isInteger(n) && n >= min && n <= max ? t.success(n) : t.failure(u, c, `must be an integer from ${min} to ${max}`)
    },
    String,
  )

/** `<namespace>/<name>` of an MCPRegistry, both DNS-1123 labels/subdomains. */
export interface RegistryRef { readonly namespace: string; readonly name: string }

const RegistryRefCodec = new t.Type<RegistryRef, string, unknown>(
  'RegistryRef',
  (u): u is RegistryRef => typeof u === 'object' && u !== null && 'namespace' in u && 'name' in u,
  (u, c) => {
    const m = typeof u === 'string' ? /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$/.exec(u) : null
    return m?.[1] !== undefined && m[3] !== undefined ? t.success({ namespace: m[1], name: m[3] }) : t.failure(u, c, 'must be <namespace>/<name>')
  },
  (r) => `${r.namespace}/${r.name}`,
)

/** The raw values after merging flags, env and defaults; decoded by `ApiConfigCodec`. */
const ApiConfigCodec = t.intersection([
  t.type({
    host: t.string,
    port: intFromString('Port', 0, 65535),
    'log-level': LogLevelCodec,
    'reload-debounce-ms': intFromString('Milliseconds', 0, 60_000),
    'shutdown-timeout-ms': intFromString('Milliseconds', 0, 600_000),
    'otlp-service-name': t.string,
    'otlp-traces': BoolCodec,
    'otlp-metrics': BoolCodec,
    'otlp-sampling': RatioCodec,
    'otlp-metrics-interval-ms': intFromString('Milliseconds', 100, 3_600_000),
  }),
  t.partial({ file: t.string, registry: RegistryRefCodec, name: t.string, kubeconfig: t.string, 'otlp-endpoint': UrlCodec, 'otlp-service-version': t.string }),
], 'ApiConfig')

/** Where the snapshot comes from. */
export type SnapshotSourceConfig =
  | { readonly kind: 'file'; readonly path: string; readonly name?: string }
  | { readonly kind: 'registry'; readonly ref: RegistryRef; readonly kubeconfig?: string }

/** The decoded configuration. */
export interface ApiConfig {
  readonly source: SnapshotSourceConfig
  readonly host: string
  readonly port: number
  readonly logLevel: t.TypeOf<typeof LogLevelCodec>
  readonly reloadDebounceMs: number
  readonly shutdownTimeoutMs: number
  /** OpenTelemetry export; absent without `--otlp-endpoint`. */
  readonly otlp?: OtlpSettings
}

/** What the command line asked for: run with a config, or print help. */
export type ConfigOutcome = { readonly kind: 'run'; readonly config: ApiConfig } | { readonly kind: 'help'; readonly text: string }

/** A configuration error: one message naming every bad flag, meant for stderr. */
export class ConfigError extends Error {
  readonly code = 'InvalidConfig'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ConfigError'
  }
}

/** The `--help` text: usage and a table of flag, env twin and default. */
export function helpText(): string {
  const rows = FLAGS.map((f) => `  --${f.flag.padEnd(22)} ${f.env.padEnd(35)} ${f.default ?? f.absent ?? ''}\n      ${f.help}`)
  return [
    'Usage: thv-registry-api (--file <path> | --registry <namespace>/<name>) [flags]',
    '',
    'Serves an MCP server registry over HTTP (MCP Registry API /v0.1, /v0 and the ToolHive API /api/v1/registry).',
    '',
    `  ${'flag'.padEnd(24)} ${'environment'.padEnd(35)} default`,
    ...rows,
    `  --${'help'.padEnd(22)} ${''.padEnd(35)}\n      Print this help`,
  ].join('\n')
}

/**
 * Decodes the configuration from `argv` (without node and script) and `env`. Exactly one of `--file` and
 * `--registry` is required. Never throws: every problem is in the Left's message.
 */
export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): E.Either<ConfigError, ConfigOutcome> {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries([...FLAGS.map((f) => [f.flag, { type: 'string' as const }]), ['help', { type: 'boolean' as const }]]),
      strict: true,
      allowPositionals: false,
    })
  } catch (err: unknown) {
    return E.left(new ConfigError(`${err instanceof Error ? err.message : String(err)}\n\n${helpText()}`, { cause: err }))
  }
  if (parsed.values['help'] === true) return E.right({ kind: 'help', text: helpText() })

  const raw: Record<string, string> = {}
  for (const f of FLAGS) {
    const fromFlag = parsed.values[f.flag]
    const fromEnv = env[f.env] ?? (f.flag === 'log-level' ? env['LOG_LEVEL'] : undefined)
    const value = typeof fromFlag === 'string' ? fromFlag : fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined
    if (value !== undefined) raw[f.flag] = value
    else if (f.default !== undefined) raw[f.flag] = f.default
  }
  const decoded = ApiConfigCodec.decode(raw)
  if (E.isLeft(decoded)) {
    const messages = decoded.left.map((e) => {
      const key = e.context.map((c) => c.key).filter((k) => k !== '' && !/^[0-9]+$/.test(k)).pop() ?? '(root)'
      const flag = FLAGS.find((f) => f.flag === key)
      return `--${key}${flag === undefined ? '' : ` (${flag.env})`}: ${e.message ?? 'invalid value'}, got ${JSON.stringify(e.value)}`
    })
    return E.left(new ConfigError([...new Set(messages)].join('\n')))
  }
  const c = decoded.right
  if ((c.file === undefined) === (c.registry === undefined)) {
    return E.left(new ConfigError('Exactly one of --file (THV_REGISTRY_FILE) and --registry (THV_REGISTRY_REGISTRY) is required'))
  }
  const source: SnapshotSourceConfig = c.file !== undefined
    ? { kind: 'file', path: c.file, ...(c.name === undefined ? {} : { name: c.name }) }
    : { kind: 'registry', ref: c.registry as RegistryRef, ...(c.kubeconfig === undefined ? {} : { kubeconfig: c.kubeconfig }) }
  return E.right({
    kind: 'run',
    config: {
      source, host: c.host, port: c.port, logLevel: c['log-level'],
      reloadDebounceMs: c['reload-debounce-ms'], shutdownTimeoutMs: c['shutdown-timeout-ms'],
      ...(c['otlp-endpoint'] === undefined ? {} : {
        otlp: {
          endpoint: c['otlp-endpoint'], serviceName: c['otlp-service-name'],
          ...(c['otlp-service-version'] === undefined ? {} : { serviceVersion: c['otlp-service-version'] }),
          traces: c['otlp-traces'] === 'true', metrics: c['otlp-metrics'] === 'true', sampling: c['otlp-sampling'],
          metricsIntervalMs: c['otlp-metrics-interval-ms'],
        },
      }),
    },
  })
}
