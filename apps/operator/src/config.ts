/** Configuration of the operator: command-line flags with THV_REGISTRY_* env twins, decoded once. */
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'

/** One flag: name, env twin, default (as text) or what happens when absent, and a help line. */
interface FlagSpec {
  readonly flag: string
  readonly env: string
  readonly type: 'string' | 'boolean'
  readonly default?: string
  readonly absent?: string
  readonly help: string
}

const envOf = (flag: string): string => `THV_REGISTRY_${flag.replace(/-/g, '_').toUpperCase()}`
const str = (flag: string, help: string, dflt?: string, absent?: string): FlagSpec => ({
  flag, env: envOf(flag), type: 'string', help,
  ...(dflt === undefined ? {} : { default: dflt }),
  ...(absent === undefined ? {} : { absent }),
})
const bool = (flag: string, help: string): FlagSpec => ({ flag, env: envOf(flag), type: 'boolean', help, default: 'false' })

/** Default image of the registry API Deployment (the image built from apps/registry-api by the release workflow). */
export const DefaultRegistryApiImage = 'ghcr.io/thv-registry/thv-registry-api:latest'

/** Every flag, in `--help` order. An explicit flag beats its env twin, which beats the default. */
export const FLAGS: readonly FlagSpec[] = [
  str('kubeconfig', 'Kubeconfig file', undefined, '(in-cluster, else $KUBECONFIG, else ~/.kube/config)'),
  str('watch-namespace', 'Only watch this namespace', undefined, '(all namespaces)'),
  str('metrics-bind-address', 'Address of the Prometheus /metrics endpoint ("0" disables it)', ':8080'),
  str('health-probe-bind-address', 'Address of /healthz and /readyz ("0" disables them)', ':8081'),
  bool('leader-elect', 'Run controllers only while holding a coordination.k8s.io Lease'),
  str('leader-election-namespace', 'Namespace of the Lease', undefined, '(POD_NAMESPACE, else the in-cluster namespace, else default)'),
  str('leader-election-id', 'Name of the Lease', 'thv-operator-leader'),
  str('registry-api-image', 'Image of the registry API Deployment created per MCPRegistry', DefaultRegistryApiImage),
  bool('allow-cross-namespace-sources', 'Let an MCPRegistry read a source ConfigMap in another namespace'),
  str('max-source-bytes', 'Largest registry document a source may deliver, in bytes (enforced while streaming)', '33554432'),
  bool('allow-insecure-sources', 'Accept http:// endpoints for url, git and api sources (HTTPS only otherwise)'),
  bool('allow-loopback-sources', 'Let url, git and api sources connect to loopback addresses (tests and the local stack only)'),
  bool('deny-private-source-addresses', 'Also refuse RFC 1918, CGNAT and ULA addresses for url, git and api sources'),
  str('allowed-source-hosts', 'Comma-separated host globs (*.example.com) url, git and api sources may reach', undefined, '(any host)'),
  str('max-concurrent-reconciles', 'Reconcile workers per controller', '2'),
  str('log-level', 'error, warn, info or debug (LOG_LEVEL is read too)', 'info'),
  str('shutdown-timeout-ms', 'Longest wait for in-flight reconciles on SIGTERM, in ms', '30000'),
]

const LogLevels = ['error', 'warn', 'info', 'debug'] as const
const LogLevelCodec = new t.Type<(typeof LogLevels)[number], string, unknown>(
  'LogLevel',
  (u): u is (typeof LogLevels)[number] => LogLevels.includes(u as (typeof LogLevels)[number]),
  (u, c) => (LogLevels.includes(u as (typeof LogLevels)[number]) ? t.success(u as (typeof LogLevels)[number]) : t.failure(u, c, 'must be error, warn, info or debug')),
  String,
)
/** Log levels. */
export type LogLevel = t.TypeOf<typeof LogLevelCodec>

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

const boolFromString = new t.Type<boolean, string, unknown>(
  'Boolean',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => (u === 'true' || u === '1' ? t.success(true) : u === 'false' || u === '0' ? t.success(false) : t.failure(u, c, 'must be true or false')),
  String,
)

/** `[host]:port` or `0` (disabled). */
export interface BindAddress {
  readonly host: string
  readonly port: number
}

const bindAddress = new t.Type<BindAddress | undefined, string, unknown>(
  'BindAddress',
  (u): u is BindAddress | undefined => u === undefined || (typeof u === 'object' && u !== null && 'port' in u),
  (u, c) => {
    if (u === '0') return t.success(undefined)
    const m = typeof u === 'string' ? /^(.*):([0-9]{1,5})$/.exec(u) : null
    const port = m === null ? Number.NaN : Number(m[2])
    return m !== null && port <= 65535 ? t.success({ host: m[1] === '' ? '0.0.0.0' : (m[1] as string), port }) : t.failure(u, c, 'must be [host]:port or 0')
  },
  (a) => (a === undefined ? '0' : `${a.host}:${a.port}`),
)

const dnsLabel = t.refinement(t.string, (s) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(s), 'NamespaceName')

const hostGlobs = new t.Type<string[], string, unknown>(
  'HostGlobs',
  (u): u is string[] => Array.isArray(u),
  (u, c) => {
    const globs = typeof u === 'string' ? u.split(',').map((g) => g.trim().toLowerCase()).filter((g) => g !== '') : []
    return typeof u === 'string' && globs.every((g) => /^[a-z0-9*?.:[\]-]+$/.test(g)) ? t.success(globs) : t.failure(u, c, 'must be comma-separated host globs such as *.example.com,git.example.org')
  },
  (a) => a.join(','),
)

const RawConfigCodec = t.intersection([
  t.type({
    'metrics-bind-address': bindAddress,
    'health-probe-bind-address': bindAddress,
    'leader-elect': boolFromString,
    'leader-election-id': t.refinement(t.string, (s) => /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(s), 'LeaseName'),
    'registry-api-image': t.refinement(t.string, (s) => s.length > 0 && !/\s/.test(s), 'Image'),
    'allow-cross-namespace-sources': boolFromString,
    'max-source-bytes': intFromString('Bytes', 1024, 1024 * 1024 * 1024),
    'allow-insecure-sources': boolFromString,
    'allow-loopback-sources': boolFromString,
    'deny-private-source-addresses': boolFromString,
    'max-concurrent-reconciles': intFromString('Workers', 1, 64),
    'log-level': LogLevelCodec,
    'shutdown-timeout-ms': intFromString('Milliseconds', 0, 600_000),
  }),
  t.partial({ kubeconfig: t.string, 'watch-namespace': dnsLabel, 'leader-election-namespace': dnsLabel, 'allowed-source-hosts': hostGlobs }),
], 'OperatorConfig')

/** The decoded configuration of the operator. */
export interface OperatorConfig {
  readonly kubeconfig: string | undefined
  readonly watchNamespace: string | undefined
  readonly metricsBindAddress: BindAddress | undefined
  readonly healthProbeBindAddress: BindAddress | undefined
  readonly leaderElect: boolean
  readonly leaderElectionNamespace: string | undefined
  readonly leaderElectionId: string
  readonly registryApiImage: string
  readonly allowCrossNamespaceSources: boolean
  /** Egress and size limits of url, git and api sources. */
  readonly remoteSources: RemoteSourceConfig
  readonly maxConcurrentReconciles: number
  readonly logLevel: LogLevel
  readonly shutdownTimeoutMs: number
}

/** The flags that bound url, git and api sources. */
export interface RemoteSourceConfig {
  readonly maxSourceBytes: number
  readonly allowInsecure: boolean
  readonly allowLoopback: boolean
  readonly denyPrivate: boolean
  /** Empty: any host. */
  readonly allowedHosts: readonly string[]
}

/** What the command line asked for: run with a config, or print help. */
export type ConfigOutcome = { readonly kind: 'run'; readonly config: OperatorConfig } | { readonly kind: 'help'; readonly text: string }

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
  const rows = FLAGS.map((f) => `  --${f.flag.padEnd(30)} ${f.env.padEnd(45)} ${f.default ?? f.absent ?? ''}\n      ${f.help}`)
  return [
    'Usage: thv-operator [flags]',
    '',
    'Reconciles MCPRegistry resources: syncs registry data into storage and deploys a registry API per registry.',
    '',
    `  ${'flag'.padEnd(32)} ${'environment'.padEnd(45)} default`,
    ...rows,
    `  --${'help'.padEnd(30)} ${''.padEnd(45)}\n      Print this help`,
  ].join('\n')
}

/**
 * Decodes the configuration from `argv` (without node and script) and `env`. Boolean flags may be given bare
 * (`--leader-elect`) or with a value (`--leader-elect=false`). Never throws: every problem is in the Left.
 */
export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): E.Either<ConfigError, ConfigOutcome> {
  // node:util parseArgs has no optional-value booleans: turn `--flag=false` into a string flag first.
  const booleans = new Set(FLAGS.filter((f) => f.type === 'boolean').map((f) => f.flag))
  const explicitBooleans: Record<string, string> = {}
  const args: string[] = []
  for (const a of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(a)
    if (m !== null && booleans.has(m[1] as string)) explicitBooleans[m[1] as string] = m[2] as string
    else args.push(a)
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries([...FLAGS.map((f) => [f.flag, { type: f.type }]), ['help', { type: 'boolean' as const }]]),
      strict: true,
      allowPositionals: false,
    })
  } catch (err: unknown) {
    return E.left(new ConfigError(`${err instanceof Error ? err.message : String(err)}\n\n${helpText()}`, { cause: err }))
  }
  if (parsed.values['help'] === true) return E.right({ kind: 'help', text: helpText() })

  const raw: Record<string, string> = {}
  for (const f of FLAGS) {
    const flagValue = parsed.values[f.flag]
    const fromFlag = explicitBooleans[f.flag] ?? (flagValue === true ? 'true' : typeof flagValue === 'string' ? flagValue : undefined)
    const fromEnv = env[f.env] ?? (f.flag === 'log-level' ? env['LOG_LEVEL'] : undefined)
    const value = fromFlag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined)
    if (value !== undefined) raw[f.flag] = value
    else if (f.default !== undefined) raw[f.flag] = f.default
  }
  const decoded = RawConfigCodec.decode(raw)
  if (E.isLeft(decoded)) {
    const messages = decoded.left.map((e) => {
      const key = e.context.map((c) => c.key).filter((k) => k !== '' && !/^[0-9]+$/.test(k)).pop() ?? '(root)'
      const flag = FLAGS.find((f) => f.flag === key)
      return `--${key}${flag === undefined ? '' : ` (${flag.env})`}: ${e.message ?? `must be a valid ${e.context[e.context.length - 1]?.type.name ?? 'value'}`}, got ${JSON.stringify(e.value)}`
    })
    return E.left(new ConfigError([...new Set(messages)].join('\n')))
  }
  const c = decoded.right
  return E.right({
    kind: 'run',
    config: {
      kubeconfig: c.kubeconfig,
      watchNamespace: c['watch-namespace'],
      metricsBindAddress: c['metrics-bind-address'],
      healthProbeBindAddress: c['health-probe-bind-address'],
      leaderElect: c['leader-elect'],
      leaderElectionNamespace: c['leader-election-namespace'] ?? (env['POD_NAMESPACE'] === '' ? undefined : env['POD_NAMESPACE']),
      leaderElectionId: c['leader-election-id'],
      registryApiImage: c['registry-api-image'],
      allowCrossNamespaceSources: c['allow-cross-namespace-sources'],
      remoteSources: {
        maxSourceBytes: c['max-source-bytes'],
        allowInsecure: c['allow-insecure-sources'],
        allowLoopback: c['allow-loopback-sources'],
        denyPrivate: c['deny-private-source-addresses'],
        allowedHosts: c['allowed-source-hosts'] ?? [],
      },
      maxConcurrentReconciles: c['max-concurrent-reconciles'],
      logLevel: c['log-level'],
      shutdownTimeoutMs: c['shutdown-timeout-ms'],
    },
  })
}
