import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node'
import { expect } from 'chai'
import { PooledKubeConfig } from './pooled-kube-config.js'

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const dir = mkdtempSync(join(tmpdir(), 'pooled-kc-'))
const caFile = join(dir, 'ca.crt')
writeFileSync(caFile, PEM)

/** A kubeconfig with token auth and three clusters: CA inline, CA from a file, and the system's CAs. */
function load<T extends KubeConfig>(kc: T): T {
  kc.loadFromOptions({
    clusters: [
      { name: 'a', server: 'https://127.0.0.1:6443', caData: Buffer.from(PEM).toString('base64') },
      { name: 'b', server: 'https://127.0.0.2:6443', caFile },
      { name: 'system-ca', server: 'https://127.0.0.3:6443' },
    ],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'a', cluster: 'a', user: 'u' }, { name: 'b', cluster: 'b', user: 'u' }, { name: 'system-ca', cluster: 'system-ca', user: 'u' }],
    currentContext: 'a',
  })
  return kc
}

async function authenticate(kc: KubeConfig): Promise<RequestContext> {
  const ctx = new RequestContext('https://127.0.0.1:6443/api/v1/namespaces', HttpMethod.GET)
  await kc.applySecurityAuthentication(ctx)
  return ctx
}

describe('PooledKubeConfig', () => {
  it('gives every request of one cluster and TLS identity the same dispatcher, and still its credentials', async () => {
    const kc = load(new PooledKubeConfig())
    const [first, second] = [await authenticate(kc), await authenticate(kc)]
    expect(first.getDispatcher()).to.not.equal(undefined)
    expect([second.getDispatcher() === first.getDispatcher(), second.getHeaders()['Authorization']]).to.deep.equal([true, 'Bearer secret-token'])
  })

  it('starts a new pool when the context changes, and when a certificate file is rewritten', async () => {
    const kc = load(new PooledKubeConfig())
    const onA = (await authenticate(kc)).getDispatcher()
    kc.setCurrentContext('b')
    const onB = (await authenticate(kc)).getDispatcher()
    utimesSync(caFile, new Date(), new Date(Date.now() + 60_000))
    const rotated = (await authenticate(kc)).getDispatcher()
    expect([onB === onA, rotated === onB, (await authenticate(kc)).getDispatcher() === rotated]).to.deep.equal([false, false, true])
  })

  it('leaves requests without TLS options to the global dispatcher', async () => {
    const kc = load(new PooledKubeConfig())
    kc.setCurrentContext('system-ca')
    expect((await authenticate(kc)).getDispatcher()).to.equal(undefined)
  })

  it('is needed: a plain KubeConfig gives each request a new dispatcher (client-node 2.x)', async () => {
    const kc = load(new KubeConfig())
    expect((await authenticate(kc)).getDispatcher() === (await authenticate(kc)).getDispatcher()).to.equal(false)
  })
})
