import { expect } from 'chai'
import { classifyAddress, EgressPolicy } from './egress-policy.js'

describe('EgressPolicy', () => {
  it('classifies IPv4, IPv6 and IPv4-mapped addresses', () => {
    const cases: Array<[string, string]> = [
      ['127.0.0.1', 'loopback'], ['127.8.9.10', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'],
      ['169.254.169.254', 'link-local'], ['fe80::1', 'link-local'], ['fd00:ec2::254', 'link-local'], ['::ffff:169.254.169.254', 'link-local'],
      ['0.0.0.0', 'unspecified'], ['::', 'unspecified'],
      ['10.0.0.1', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'], ['100.64.0.1', 'private'], ['fd12:3456::1', 'private'],
      ['172.32.0.1', 'public'], ['8.8.8.8', 'public'], ['2001:db8::1', 'public'], ['::ffff:8.8.8.8', 'public'],
    ]
    expect(cases.map(([a]) => [a, classifyAddress(a)])).to.deep.equal(cases)
  })

  it('matches host globs: *. covers any depth of subdomain, not the bare domain', () => {
    const p = new EgressPolicy({ allowedHosts: ['*.example.com', 'git.example.org'] })
    const allowed = (host: string) => p.checkUrl(new URL(`https://${host}/x`)) === undefined
    expect(['a.example.com', 'a.b.example.com', 'GIT.example.org'].map(allowed)).to.deep.equal([true, true, true])
    expect(['example.com', 'evil-example.com', 'example.com.evil.test', 'x.git.example.org'].map(allowed)).to.deep.equal([false, false, false, false])
  })

  it('refuses by rule and names host and rule; loopback only when allowed; private only when denied', async () => {
    const resolve = async (host: string) => [{ address: ({ meta: '169.254.169.254', local: '127.0.0.1', lan: '192.168.0.5' } as Record<string, string>)[host] ?? '1.2.3.4', family: 4 }]
    const strict = new EgressPolicy({ denyPrivate: true, resolve })
    const lax = new EgressPolicy({ allowLoopback: true, resolve })
    const ruleOf = async (p: EgressPolicy, host: string) => p.resolve(host).then(() => 'allowed', (e: { rule?: string; message: string }) => `${e.rule}: ${e.message.includes(host)}`)
    expect(await Promise.all(['meta', 'local', 'lan', 'pub'].map((h) => ruleOf(strict, h)))).to.deep.equal(['link-local: true', 'loopback: true', 'private: true', 'allowed'])
    expect(await Promise.all(['meta', 'local', 'lan', 'pub'].map((h) => ruleOf(lax, h)))).to.deep.equal(['link-local: true', 'allowed', 'allowed', 'allowed'])
    expect(strict.checkUrl(new URL('ssh://host/x'))?.rule).to.equal('scheme')
    expect(strict.checkUrl(new URL('http://host/x'))?.rule).to.equal('insecure-http')
    expect(new EgressPolicy({ allowInsecure: true }).checkUrl(new URL('http://host/x'))).to.equal(undefined)
  })
})
