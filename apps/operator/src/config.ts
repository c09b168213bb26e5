/** Configuration of the operator: command-line flags with THV_REGISTRY_* env twins, decoded once. */
import {
  booleanFlag as bool, BooleanFromString, ConfigError, decodeFlags, helpText as renderHelp, intFromString, LogLevelCodec, readFlags,
  stringFlag as str, type FlagSpec, type LogLevel,
} from '@thv/app-runtime'
import { DefaultKubernetesNamePrefix, KubernetesNamePrefixPattern } from '@thv/sources'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'

/** Default image of the registry API Deployment (the image built from apps/registry-api by the release workflow). */
export const DefaultRegistryApiImage = 'ghcr.io/thv-registry/thv-registry-api:latest'

/** Every flag, in `--help` order. An explicit flag beats its env twin, which beats the default. */
export const Flags: readonly FlagSpec[] = [
  str('kubeconfig', 'Kubeconfig file', undefined, '(in-cluster, else $KUBECONFIG, else ~/.kube/config)'),
  str('watch-namespace', 'Only watch this namespace', undefined, '(all namespaces)'),
  str('metrics-bind-address', 'Address of the Prometheus /metrics endpoint ("0" disables it)', ':8080'),
  str('health-probe-bind-address', 'Address of /healthz and /readyz ("0" disables them)', ':8081'),
  bool('leader-elect', 'Run controllers only while holding a coordination.k8s.io Lease'),
  str('leader-election-namespace', 'Namespace of the Lease', undefined, '(POD_NAMESPACE, else the in-cluster namespace, else default)'),
  str('leader-election-id', 'Name of the Lease', 'thv-operator-leader'),
  str('registry-api-image', 'Image of the registry API Deployment created per MCPRegistry', DefaultRegistryApiImage),
  bool('allow-cross-namespace-sources', 'Let an MCPRegistry read a source ConfigMap in another namespace'),
  str('max-source-bytes', 'Largest registry document a source may deliver, in bytes (enforced while streaming; a git source\'s pack on disk may be 16 times this)', '33554432'),
  bool('allow-insecure-sources', 'Accept http:// endpoints for url, git and api sources (HTTPS only otherwise)'),
  bool('allow-loopback-sources', 'Let url, git and api sources connect to loopback addresses (tests and the local stack only)'),
  bool('deny-private-source-addresses', 'Also refuse RFC 1918, CGNAT and ULA addresses for url, git and api sources'),
  str('allowed-source-hosts', 'Comma-separated host globs (*.example.com) url, git and api sources may reach', undefined, '(any host)'),
  str('kubernetes-source-name-prefix', 'Reverse-DNS prefix of entries that kubernetes sources export (<prefix>.<namespace>/<name>)', DefaultKubernetesNamePrefix),
  str('max-concurrent-reconciles', 'Reconcile workers per controller', '2'),
  str('log-level', 'error, warn, info or debug (LOG_LEVEL is read too)', 'info'),
  str('shutdown-timeout-ms', 'Longest wait for in-flight reconciles on SIGTERM, in ms', '30000'),
  str('otlp-endpoint', 'OTLP/HTTP receiver URL for sync traces (e.g. http://otel-collector:4318)', undefined, '(tracing off)'),
]

export type { LogLevel }

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
    'leader-elect': BooleanFromString,
    'leader-election-id': t.refinement(t.string, (s) => /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(s), 'LeaseName'),
    'registry-api-image': t.refinement(t.string, (s) => s.length > 0 && !/\s/.test(s), 'Image'),
    'allow-cross-namespace-sources': BooleanFromString,
    'max-source-bytes': intFromString('Bytes', 1024, 1024 * 1024 * 1024),
    'allow-insecure-sources': BooleanFromString,
    'allow-loopback-sources': BooleanFromString,
    'deny-private-source-addresses': BooleanFromString,
    'kubernetes-source-name-prefix': t.refinement(t.string, (s) => s.length <= 100 && new RegExp(KubernetesNamePrefixPattern, 'u').test(s), 'ReverseDnsPrefix'),
    'max-concurrent-reconciles': intFromString('Workers', 1, 64),
    'log-level': LogLevelCodec,
    'shutdown-timeout-ms': intFromString('Milliseconds', 0, 600_000),
  }),
  t.partial({
    kubeconfig: t.string, 'watch-namespace': dnsLabel, 'leader-election-namespace': dnsLabel,
    'allowed-source-hosts': hostGlobs,
    'otlp-endpoint': t.refinement(t.string, (s) => /^https?:\/\/[^\s]+$/.test(s), 'OtlpEndpoint'),
  }),
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
  /** `--kubernetes-source-name-prefix`: exported workloads are named `<prefix>.<namespace>/<name>`. */
  readonly kubernetesNamePrefix: string
  readonly maxConcurrentReconciles: number
  readonly logLevel: LogLevel
  readonly shutdownTimeoutMs: number
  /** `--otlp-endpoint`: sync traces are exported there when set. */
  readonly otlpEndpoint: string | undefined
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

export { ConfigError }

/** The `--help` text: usage and a table of flag, env twin and default. */
export function helpText(): string {
  return renderHelp(Flags, {
    usage: 'Usage: thv-operator [flags]',
    summary: 'Reconciles MCPRegistry resources: syncs registry data into storage and deploys a registry API per registry.',
    flagWidth: 30,
    envWidth: 45,
  })
}

/**
 * Decodes the configuration from `argv` (without node and script) and `env`. Boolean flags may be given bare
 * (`--leader-elect`) or with a value (`--leader-elect=false`). Never throws: every problem is in the Left.
 */
export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): E.Either<ConfigError, ConfigOutcome> {
  const flags = readFlags(argv, env, Flags, helpText())
  if (E.isLeft(flags)) return flags
  if (flags.right.kind === 'help') return E.right({ kind: 'help', text: helpText() })
  const decoded = decodeFlags(RawConfigCodec, flags.right.raw, Flags)
  if (E.isLeft(decoded)) return decoded
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
      kubernetesNamePrefix: c['kubernetes-source-name-prefix'],
      maxConcurrentReconciles: c['max-concurrent-reconciles'],
      logLevel: c['log-level'],
      shutdownTimeoutMs: c['shutdown-timeout-ms'],
      otlpEndpoint: c['otlp-endpoint'],
    },
  })
}
