import { expect } from 'chai'
import { GitProtocolError, pktLines } from './git-upload-pack.js'

async function collect(chunks: readonly string[]): Promise<Array<string | 'flush' | 'delim'>> {
  const out: Array<string | 'flush' | 'delim'> = []
  const body = (async function* () {
    for (const c of chunks) yield Buffer.from(c, 'latin1')
  })()
  for await (const line of pktLines(body)) out.push(typeof line === 'string' ? line : line.toString('latin1'))
  return out
}

describe('pktLines (git pkt-line framing)', () => {
  it('splits lines, flush and delim packets, also across chunk boundaries', async () => {
    expect(await collect(['000dpackfile\n0001', '0009\u0001abcd', '0000'])).to.deep.equal(['packfile\n', 'delim', '\u0001abcd', 'flush'])
    expect(await collect(['00', '0dpack', 'file\n00', '00'])).to.deep.equal(['packfile\n', 'flush'])
  })

  it('rejects a malformed length and a connection closed inside a line', async () => {
    for (const chunks of [['zzzzpackfile'], ['000dpack']]) {
      await collect(chunks).then(() => expect.fail(`accepted ${chunks.join('')}`), (err: unknown) => expect(err).to.be.instanceOf(GitProtocolError))
    }
  })
})
