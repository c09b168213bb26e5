/** Configuration of the registry API: command-line flags with THV_REGISTRY_* env twins, decoded once. */
import {
  ConfigError, decodeFlags, helpText as renderHelp, intFromString, LogLevelCodec, readFlags, stringFlag, type FlagSpec,
} from '@thv/app-runtime'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { OtlpSettings } from './telemetry/otlp-telemetry.js'

/** Every flag, in `--help` order. An explicit flag beats its env twin, which beats the default. */
export const Flags: readonly FlagSpec[] = [
  stringFlag('file', 'Serve a registry file (ToolHive, upstream server.json array/list/ToolHive wrapper, legacy seed); reloads on change'),
  stringFlag('registry', 'Serve the stored snapshot of MCPRegistry <namespace>/<name> from the Kubernetes API'),
  stringFlag('name', 'Registry name reported in --file mode', undefined, '(file name without extension)'),
  stringFlag('kubeconfig', 'Kubeconfig for --registry mode', undefined, '($KUBECONFIG, else ~/.kube/config, else in-cluster)'),
  stringFlag('auth-config', 'Auth settings file (YAML or JSON: mode, publicPaths, oauth providers, source and view claims)', undefined, '(anonymous)'),
  stringFlag('host', 'Address to listen on', '0.0.0.0'),
  stringFlag('port', 'Port to listen on (0 picks a free port)', '8080'),
  stringFlag('log-level', 'error, warn, info or debug (LOG_LEVEL is read too)', 'info'),
  stringFlag('reload-debounce-ms', 'Quiet time after a file change before reloading, in ms', '200'),
  stringFlag('shutdown-timeout-ms', 'Longest wait for in-flight requests on SIGTERM, in ms', '10000'),
  stringFlag('otlp-endpoint', 'OTLP/HTTP receiver URL for traces and metrics (e.g. http://otel-collector:4318)', undefined, '(telemetry off)'),
  stringFlag('otlp-service-name', 'service.name of the exported telemetry', 'thv-registry-api'),
  stringFlag('otlp-service-version', 'service.version of the exported telemetry', undefined, '(none)'),
  stringFlag('otlp-traces', 'Export one span per request (true or false)', 'true'),
  stringFlag('otlp-metrics', 'Export the request duration histogram (true or false)', 'true'),
  stringFlag('otlp-sampling', 'Ratio of traces sampled, 0 to 1', '1'),
  stringFlag('otlp-metrics-interval-ms', 'Interval of metric exports, in ms', '60000'),
]

const BoolCodec = t.keyof({ true: null, false: null }, 'Boolean')
const RatioCodec = new t.Type<number, string, unknown>(
  'Ratio',
  (u): u is number => typeof u === 'number' && u >= 0 && u <= 1,
  (u, c) => (typeof u === 'string' && /^(0([.][0-9]+)?|1([.]0+)?)$/.test(u) ? t.success(Number(u)) : t.failure(u, c, 'must be a decimal ratio from 0 to 1')),
  String,
)
const UrlCodec = t.refinement(t.string, (s) => /^https?:\/\/[^\s]+$/.test(s), 'OtlpEndpoint')

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
  t.partial({ 'auth-config': t.string, file: t.string, registry: RegistryRefCodec, name: t.string, kubeconfig: t.string, 'otlp-endpoint': UrlCodec, 'otlp-service-version': t.string }),
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
  /** Path of the auth settings file; absent: anonymous (everyone reads everything). */
  readonly authConfig?: string
}

/** What the command line asked for: run with a config, or print help. */
export type ConfigOutcome = { readonly kind: 'run'; readonly config: ApiConfig } | { readonly kind: 'help'; readonly text: string }

export { ConfigError }

/** The `--help` text: usage and a table of flag, env twin and default. */
export function helpText(): string {
  return renderHelp(Flags, {
    usage: 'Usage: thv-registry-api (--file <path> | --registry <namespace>/<name>) [flags]',
    summary: 'Serves an MCP server registry over HTTP (MCP Registry API /v0.1, /v0 and the ToolHive API /api/v1/registry).',
    flagWidth: 22,
    envWidth: 35,
  })
}

/**
 * Decodes the configuration from `argv` (without node and script) and `env`. Exactly one of `--file` and
 * `--registry` is required. Never throws: every problem is in the Left's message.
 */
export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): E.Either<ConfigError, ConfigOutcome> {
  const flags = readFlags(argv, env, Flags, helpText())
  if (E.isLeft(flags)) return flags
  if (flags.right.kind === 'help') return E.right({ kind: 'help', text: helpText() })
  const decoded = decodeFlags(ApiConfigCodec, flags.right.raw, Flags)
  if (E.isLeft(decoded)) return decoded
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
      ...(c['auth-config'] === undefined ? {} : { authConfig: c['auth-config'] }),
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
