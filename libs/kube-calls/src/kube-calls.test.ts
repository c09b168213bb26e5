import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { expect } from 'chai'
import { httpStatusOf, withSignal } from './index.js'

describe('httpStatusOf', () => {
  it('reads the code of a client-node ApiException', () => {
    expect(httpStatusOf(new ApiException(409, 'Conflict', {}, {}))).to.equal(409)
  })
  it('reads the statusCode of a watch error', () => {
    expect(httpStatusOf(Object.assign(new Error('Gone'), { statusCode: 410 }))).to.equal(410)
  })
  it('is undefined for a network error, whose code is a string', () => {
    expect(httpStatusOf(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).to.equal(undefined)
  })
  it('is undefined for values that are not errors', () => {
    expect([undefined, null, 'x', 404].map(httpStatusOf)).to.deep.equal([undefined, undefined, undefined, undefined])
  })
})

describe('withSignal', () => {
  let server: Server
  let core: CoreV1Api
  const requests: string[] = []
  before(async () => {
    // Answers nothing: every request hangs until the client gives up.
    server = createServer((req) => { requests.push(req.url ?? '') })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const kc = new KubeConfig()
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    })
    core = kc.makeApiClient(CoreV1Api)
  })
  after(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('cancels a request in flight when the signal aborts', async () => {
    const controller = new AbortController()
    const call = core.readNamespacedConfigMap({ namespace: 'default', name: 'data' }, withSignal(controller.signal))
    const settled = call.then(() => 'resolved', (err: unknown) => err)
    while (requests.length === 0) await new Promise((resolve) => setImmediate(resolve))
    controller.abort(new Error('stop'))
    const outcome = await settled
    expect(outcome).to.be.instanceOf(Error)
    expect(requests).to.deep.equal(['/api/v1/namespaces/default/configmaps/data'])
  })
})
