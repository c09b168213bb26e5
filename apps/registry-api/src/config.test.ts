import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { parseConfig, type ConfigOutcome } from './config.js'

const run = (argv: string[], env: Record<string, string> = {}): ConfigOutcome | string => {
  const result = parseConfig(argv, env)
  return E.isLeft(result) ? result.left.message : result.right
}

describe('parseConfig', () => {
  it('applies the defaults in file mode', () => {
    expect(run(['--file', 'reg.json'])).to.deep.equal({
      kind: 'run',
      config: { source: { kind: 'file', path: 'reg.json' }, host: '0.0.0.0', port: 8080, logLevel: 'info', reloadDebounceMs: 200, shutdownTimeoutMs: 10000 },
    })
  })

  it('reads env twins, and an explicit flag beats its env twin', () => {
    const outcome = run(['--port', '9000', '--registry', 'toolhive-system/prod'], {
      THV_REGISTRY_PORT: '7000', THV_REGISTRY_HOST: '127.0.0.1', LOG_LEVEL: 'debug', THV_REGISTRY_KUBECONFIG: '/kc',
    })
    expect(outcome).to.deep.equal({
      kind: 'run',
      config: {
        source: { kind: 'registry', ref: { namespace: 'toolhive-system', name: 'prod' }, kubeconfig: '/kc' },
        host: '127.0.0.1', port: 9000, logLevel: 'debug', reloadDebounceMs: 200, shutdownTimeoutMs: 10000,
      },
    })
  })

  it('turns OpenTelemetry export on with --otlp-endpoint and decodes its settings', () => {
    const outcome = run(['--file', 'f', '--otlp-endpoint', 'http://otel:4318', '--otlp-sampling', '0.25'], { THV_REGISTRY_OTLP_METRICS: 'false', THV_REGISTRY_OTLP_SERVICE_NAME: 'reg' }) as { config: { otlp?: unknown } }
    expect(outcome.config.otlp).to.deep.equal({ endpoint: 'http://otel:4318', serviceName: 'reg', traces: true, metrics: false, sampling: 0.25, metricsIntervalMs: 60000 })
    expect(run(['--file', 'f', '--otlp-sampling', '2'])).to.include('--otlp-sampling (THV_REGISTRY_OTLP_SAMPLING): must be a decimal ratio from 0 to 1')
    expect(run(['--file', 'f', '--otlp-endpoint', 'otel:4318'])).to.include('--otlp-endpoint')
    expect(run(['--file', 'f', '--otlp-traces', 'yes'])).to.include('--otlp-traces')
  })

  it('prefers THV_REGISTRY_LOG_LEVEL over LOG_LEVEL', () => {
    const outcome = run(['--file', 'f'], { LOG_LEVEL: 'debug', THV_REGISTRY_LOG_LEVEL: 'warn' }) as { config: { logLevel: string } }
    expect(outcome.config.logLevel).to.equal('warn')
  })

  const errors: ReadonlyArray<[string, string[], Record<string, string>, string]> = [
    ['no source', [], {}, 'Exactly one of --file (THV_REGISTRY_FILE) and --registry (THV_REGISTRY_REGISTRY) is required'],
    ['both sources', ['--file', 'f', '--registry', 'a/b'], {}, 'Exactly one of --file (THV_REGISTRY_FILE) and --registry (THV_REGISTRY_REGISTRY) is required'],
    ['a bad port from env', ['--file', 'f'], { THV_REGISTRY_PORT: 'http' }, '--port (THV_REGISTRY_PORT): must be an integer from 0 to 65535, got "http"'],
    ['a registry without namespace', ['--registry', 'prod'], {}, '--registry (THV_REGISTRY_REGISTRY): must be <namespace>/<name>, got "prod"'],
    ['an unknown log level', ['--file', 'f', '--log-level', 'trace'], {}, '--log-level (THV_REGISTRY_LOG_LEVEL): must be error, warn, info or debug, got "trace"'],
  ]
  for (const [title, argv, env, message] of errors) it(`rejects ${title}`, () => expect(run(argv, env)).to.equal(message))

  it('rejects an unknown flag and shows the help', () => {
    expect(run(['--flie', 'x'])).to.match(/^Unknown option '--flie'[\s\S]*Usage: thv-registry-api/)
  })

  it('returns the help text for --help', () => {
    const outcome = run(['--help']) as { kind: string; text: string }
    expect(outcome.kind).to.equal('help')
    expect(outcome.text).to.contain('--reload-debounce-ms     THV_REGISTRY_RELOAD_DEBOUNCE_MS     200')
  })
})
