import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { stringify } from 'yaml'
import { loadKubeCredentials } from './kube-credentials.js'

/** A kubeconfig with one context `ctx` of cluster `c` and user `u`. */
function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown> | undefined): string {
  return stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx',
    contexts: [{ name: 'other', context: { cluster: 'nope', user: 'nope' } }, { name: 'ctx', context: { cluster: 'c', ...(user === undefined ? {} : { user: 'u' }) } }],
    clusters: [{ name: 'c', cluster }],
    users: user === undefined ? [] : [{ name: 'u', user }],
  })
}

describe('loadKubeCredentials', () => {
  let dir: string
  const noEnv = {}
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'thv-kubecred-'))
  })
  const write = (name: string, text: string): string => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }

  it('reads the current context of an explicit kubeconfig: server, CA data, token, TLS server name', () => {
    const path = write('config', kubeconfig(
      { server: 'https://127.0.0.1:6443/', 'certificate-authority-data': Buffer.from('CA PEM').toString('base64'), 'tls-server-name': 'kubernetes' },
      { token: 'secret-token' },
    ))
    const found = loadKubeCredentials({ kubeconfig: path, env: noEnv, home: dir })
    expect(found).to.deep.equal({
      kind: 'loaded', from: path,
      credentials: { server: 'https://127.0.0.1:6443', ca: Buffer.from('CA PEM'), token: 'secret-token', tlsServerName: 'kubernetes' },
    })
  })

  it('resolves certificate, key, CA and token files against the kubeconfig folder', () => {
    mkdirSync(join(dir, 'pki'))
    write('pki/ca.crt', 'ca')
    write('pki/client.crt', 'cert')
    write('pki/client.key', 'key')
    const path = write('config', kubeconfig(
      { server: 'https://127.0.0.1:6443', 'certificate-authority': 'pki/ca.crt', 'insecure-skip-tls-verify': true },
      { 'client-certificate': 'pki/client.crt', 'client-key': join(dir, 'pki/client.key'), tokenFile: 'pki/token' },
    ))
    const found = loadKubeCredentials({ kubeconfig: path, env: noEnv, home: dir })
    expect(found.kind).to.equal('loaded')
    if (found.kind !== 'loaded') return
    expect(found.credentials).to.deep.equal({
      server: 'https://127.0.0.1:6443', ca: Buffer.from('ca'), cert: Buffer.from('cert'), key: Buffer.from('key'),
      tokenFile: join(dir, 'pki/token'), insecureSkipTlsVerify: true,
    })
  })

  it('reports exec plugins, auth providers, basic auth, impersonation and proxies as unsupported, with the reason', () => {
    const cases: [Record<string, unknown>, Record<string, unknown>, string][] = [
      [{}, { exec: { command: 'aws', apiVersion: 'client.authentication.k8s.io/v1' } }, 'exec credential plugin'],
      [{}, { 'auth-provider': { name: 'oidc' } }, 'auth-provider'],
      [{}, { username: 'admin', password: 'pw' }, 'basic-auth'],
      [{}, { token: 't', as: 'someone' }, 'impersonates'],
      [{ 'proxy-url': 'http://127.0.0.1:3128' }, { token: 't' }, 'proxy'],
    ]
    for (const [cluster, user, reason] of cases) {
      const path = write('config', kubeconfig({ server: 'https://127.0.0.1:6443', ...cluster }, user))
      const found = loadKubeCredentials({ kubeconfig: path, env: noEnv, home: dir })
      expect(found.kind, reason).to.equal('unsupported')
      if (found.kind === 'unsupported') expect(found.reason).to.contain(reason)
      expect(JSON.stringify(found)).not.to.contain('pw')
    }
  })

  it('uses KUBECONFIG before ~/.kube/config, and reports several KUBECONFIG files as unsupported', () => {
    mkdirSync(join(dir, '.kube'))
    write('.kube/config', kubeconfig({ server: 'https://127.0.0.1:1' }, { token: 'home' }))
    const env = write('env-config', kubeconfig({ server: 'https://127.0.0.1:2' }, { token: 'env' }))
    const fromEnv = loadKubeCredentials({ env: { KUBECONFIG: env }, home: dir })
    expect(fromEnv.kind === 'loaded' && fromEnv.credentials.token).to.equal('env')
    const fromHome = loadKubeCredentials({ env: {}, home: dir })
    expect(fromHome.kind === 'loaded' && fromHome.credentials.token).to.equal('home')
    const several = loadKubeCredentials({ env: { KUBECONFIG: `${env}:${join(dir, '.kube/config')}` }, home: dir })
    expect(several.kind).to.equal('unsupported')
  })

  it('falls back to the in-cluster ServiceAccount: token file re-read per request, CA, bracketed IPv6 host', () => {
    const sa = join(dir, 'sa')
    mkdirSync(sa)
    writeFileSync(join(sa, 'token'), 'pod-token')
    writeFileSync(join(sa, 'ca.crt'), 'cluster CA')
    const found = loadKubeCredentials({ env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, home: dir, serviceAccountDir: sa })
    expect(found).to.deep.equal({
      kind: 'loaded', from: 'in-cluster ServiceAccount',
      credentials: { server: 'https://[fd00::1]:443', tokenFile: join(sa, 'token'), ca: Buffer.from('cluster CA') },
    })
  })

  it('throws a clear error when there is no configuration, or the kubeconfig is broken', () => {
    expect(() => loadKubeCredentials({ env: {}, home: dir, serviceAccountDir: join(dir, 'none') })).to.throw(/No Kubernetes credentials/)
    const noContext = write('config', stringify({ clusters: [] }))
    expect(() => loadKubeCredentials({ kubeconfig: noContext, env: noEnv, home: dir })).to.throw(`Kubeconfig ${noContext}: no current-context`)
    const missingCa = write('config2', kubeconfig({ server: 'https://127.0.0.1:6443', 'certificate-authority': 'missing.crt' }, { token: 't' }))
    expect(() => loadKubeCredentials({ kubeconfig: missingCa, env: noEnv, home: dir })).to.throw(/cannot read certificate-authority .*missing\.crt/)
    expect(() => loadKubeCredentials({ kubeconfig: join(dir, 'absent'), env: noEnv, home: dir })).to.throw(/Cannot read kubeconfig/)
  })
})
