// A real OpenID provider for the API fuzz step (tools/test/fuzz-api.sh): starts oidc-provider over TLS on 127.0.0.1
// with a fresh test CA, writes into the directory given as the first argument the CA (ca.pem), the API's auth
// settings (auth.json: mode oauth, this provider) and a valid access token (token), then `ready`, and serves until
// it gets SIGTERM.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeTestTls, ReadScope, startTestIdp } from '@thv/testkit'

const dir = process.argv[2]
if (dir === undefined) {
  process.stderr.write('Usage: fuzz-idp.ts <dir>\n')
  process.exit(2)
}
const audience = 'https://fuzz.registry.test/'
const fuzzer = { id: 'fuzzer', secret: 'fuzzer-secret-of-at-least-thirty-two-characters', claims: { groups: ['fuzz'] } }
const tls = makeTestTls()
const idp = await startTestIdp(tls, [fuzzer], 'fuzz')
writeFileSync(join(dir, 'ca.pem'), tls.caPem)
writeFileSync(join(dir, 'auth.json'), JSON.stringify({
  mode: 'oauth',
  oauth: { realm: 'fuzz', scopesSupported: [ReadScope], providers: [{ name: 'fuzz', issuerUrl: idp.issuer, audience, caCertFile: join(dir, 'ca.pem') }] },
}))
writeFileSync(join(dir, 'token'), await idp.token(fuzzer, audience))
writeFileSync(join(dir, 'ready'), idp.issuer)
process.on('SIGTERM', () => void idp.close().then(() => process.exit(0)))
