import * as chai from 'chai'
import chaiAsPromised from 'chai-as-promised'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'
import winston from 'winston'
import { JwksKeys } from './jwks-keys.js'

chai.use(chaiAsPromised)
const { expect } = chai
const log = winston.createLogger({ silent: true })

async function keyPair(kid: string): Promise<{ jwk: JWK; sign: () => Promise<string> }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  return {
    jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' },
    sign: () => new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid }).sign(privateKey),
  }
}

const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()) as { alg: string; kid: string }

describe('JwksKeys', () => {
  it('refetches on an unknown kid at most once per interval, and keeps the keys it holds when a fetch fails', async () => {
    const a = await keyPair('a')
    const b = await keyPair('b')
    let now = 1_000_000
    let published: JWK[] = [a.jwk]
    let up = true
    let fetches = 0
    const keys = new JwksKeys(async () => {
      fetches += 1
      if (!up) throw new Error('JWKS endpoint down')
      return { keys: published }
    }, log, { minRefreshIntervalMs: 10_000, maxAgeMs: 600_000, now: () => now })
    const tokenA = await a.sign()
    const tokenB = await b.sign()
    await keys.getKey(headerOf(tokenA), { payload: '', signature: '' } as never)
    expect(fetches).to.equal(1)

    // b is published, but the last fetch was just now: the unknown kid is refused without a fetch.
    published = [a.jwk, b.jwk]
    await expect(keys.getKey(headerOf(tokenB), {} as never)).to.be.rejectedWith(/no applicable key found/)
    expect(fetches).to.equal(1)

    now += 10_000
    await keys.getKey(headerOf(tokenB), {} as never)
    expect(fetches).to.equal(2)

    // Endpoint down: known keys keep working, even past their age; an unknown kid is refused, one fetch per interval.
    up = false
    now += 700_000
    await keys.getKey(headerOf(tokenA), {} as never)
    const c = await keyPair('c')
    const tokenC = await c.sign()
    await expect(keys.getKey(headerOf(tokenC), {} as never)).to.be.rejectedWith(/no applicable key found/)
    await expect(keys.getKey(headerOf(tokenC), {} as never)).to.be.rejectedWith(/no applicable key found/)
    expect(fetches).to.equal(3)
    await keys.getKey(headerOf(tokenB), {} as never)
  })

  it('refuses every token while no key set could ever be fetched', async () => {
    const keys = new JwksKeys(async () => Promise.reject(new Error('down')), log, { minRefreshIntervalMs: 0 })
    const a = await keyPair('a')
    await expect(keys.getKey(headerOf(await a.sign()), {} as never)).to.be.rejectedWith(/down/)
  })
})
