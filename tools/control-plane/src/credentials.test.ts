import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import { expect } from 'chai'
import { generateCredentials, renderTokenAuthFile } from './credentials.js'

describe('generateCredentials', () => {
  it('creates a matching RSA key pair for service-account token signing', () => {
    const c = generateCredentials()
    expect(c.serviceAccountPrivateKeyPem).to.match(/^-----BEGIN PRIVATE KEY-----/)
    expect(c.serviceAccountPublicKeyPem).to.match(/^-----BEGIN PUBLIC KEY-----/)
    const data = Buffer.from('header.payload')
    const signature = sign('sha256', data, createPrivateKey(c.serviceAccountPrivateKeyPem))
    expect(verify('sha256', data, createPublicKey(c.serviceAccountPublicKeyPem), signature)).to.equal(true)
  })

  it('creates a different admin token each time', () => {
    const a = generateCredentials().adminToken
    expect(a).to.match(/^[0-9a-f]{48}$/)
    expect(generateCredentials().adminToken).to.not.equal(a)
  })
})

describe('renderTokenAuthFile', () => {
  it('maps the token to user admin in group system:masters', () => {
    expect(renderTokenAuthFile('abc')).to.equal('abc,admin,admin-uid,"system:masters"\n')
  })
})
