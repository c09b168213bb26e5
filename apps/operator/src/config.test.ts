import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { DefaultRegistryApiImage, parseConfig, type OperatorConfig } from './config.js'

const run = (argv: string[], env: Record<string, string> = {}): OperatorConfig => {
  const r = parseConfig(argv, env)
  if (E.isLeft(r) || r.right.kind !== 'run') throw new Error(`expected a config, got ${JSON.stringify(r)}`)
  return r.right.config
}
const error = (argv: string[], env: Record<string, string> = {}): string => {
  const r = parseConfig(argv, env)
  return E.isLeft(r) ? r.left.message : 'no error'
}

describe('parseConfig', () => {
  it('applies every default', () => {
    expect(run([])).to.deep.equal({
      kubeconfig: undefined, watchNamespace: undefined, metricsBindAddress: { host: '0.0.0.0', port: 8080 },
      healthProbeBindAddress: { host: '0.0.0.0', port: 8081 }, leaderElect: false, leaderElectionNamespace: undefined,
      leaderElectionId: 'thv-operator-leader', registryApiImage: DefaultRegistryApiImage, allowCrossNamespaceSources: false,
      remoteSources: { maxSourceBytes: 33_554_432, allowInsecure: false, allowLoopback: false, denyPrivate: false, allowedHosts: [] },
      kubernetesNamePrefix: 'com.toolhive.k8s', maxConcurrentReconciles: 2, logLevel: 'info', shutdownTimeoutMs: 30_000, otlpEndpoint: undefined,
    })
  })
  it('takes an http(s) --otlp-endpoint and refuses anything else', () => {
    expect(run(['--otlp-endpoint', 'http://otel:4318']).otlpEndpoint).to.equal('http://otel:4318')
    expect(error(['--otlp-endpoint', 'otel:4318'])).to.include('--otlp-endpoint (THV_REGISTRY_OTLP_ENDPOINT)')
  })
  it('lets a flag beat its env twin and the env twin beat the default', () => {
    const c = run(['--registry-api-image', 'flag:1', '--leader-elect'], { THV_REGISTRY_REGISTRY_API_IMAGE: 'env:1', THV_REGISTRY_WATCH_NAMESPACE: 'team-a', THV_REGISTRY_ALLOW_CROSS_NAMESPACE_SOURCES: 'true' })
    expect([c.registryApiImage, c.watchNamespace, c.leaderElect, c.allowCrossNamespaceSources]).to.deep.equal(['flag:1', 'team-a', true, true])
  })
  it('reads --flag=false for booleans, 0 to disable an endpoint, and LOG_LEVEL', () => {
    const c = run(['--leader-elect=false', '--metrics-bind-address', '0', '--health-probe-bind-address=127.0.0.1:9000'], { THV_REGISTRY_LEADER_ELECT: 'true', LOG_LEVEL: 'debug' })
    expect([c.leaderElect, c.metricsBindAddress, c.healthProbeBindAddress, c.logLevel]).to.deep.equal([false, undefined, { host: '127.0.0.1', port: 9000 }, 'debug'])
  })
  it('names every bad flag with its env twin', () => {
    expect(error(['--max-concurrent-reconciles', '0', '--log-level', 'loud'])).to.equal(
      '--max-concurrent-reconciles (THV_REGISTRY_MAX_CONCURRENT_RECONCILES): must be an integer from 1 to 64, got "0"\n' +
      '--log-level (THV_REGISTRY_LOG_LEVEL): must be error, warn, info or debug, got "loud"')
  })
  it('reads the remote source flags: size limit, insecure, loopback, private ranges and host globs', () => {
    const c = run(['--max-source-bytes', '1048576', '--allow-insecure-sources', '--allow-loopback-sources', '--allowed-source-hosts', ' *.Example.com, git.example.org '],
      { THV_REGISTRY_DENY_PRIVATE_SOURCE_ADDRESSES: 'true' })
    expect(c.remoteSources).to.deep.equal({ maxSourceBytes: 1_048_576, allowInsecure: true, allowLoopback: true, denyPrivate: true, allowedHosts: ['*.example.com', 'git.example.org'] })
    expect(error(['--allowed-source-hosts', 'a b'])).to.include('--allowed-source-hosts (THV_REGISTRY_ALLOWED_SOURCE_HOSTS): must be comma-separated host globs')
    expect(error(['--max-source-bytes', '12'])).to.include('--max-source-bytes (THV_REGISTRY_MAX_SOURCE_BYTES): must be an integer from 1024')
  })
  it('rejects unknown flags', () => expect(error(['--bogus'])).to.match(/^Unknown option '--bogus'/))
  it('prints help listing flags and env twins', () => {
    const r = parseConfig(['--help'], {})
    expect(E.isRight(r) && r.right.kind === 'help' && r.right.text).to.include('--allow-cross-namespace-sources').and.include('THV_REGISTRY_ALLOW_CROSS_NAMESPACE_SOURCES')
  })
})
