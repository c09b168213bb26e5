import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { booleanFlag, decodeFlags, helpText, intFromString, LogLevelCodec, readFlags, stringFlag } from './index.js'

const Flags = [stringFlag('port', 'Port', '8080'), booleanFlag('leader-elect', 'Elect'), stringFlag('log-level', 'Level', 'info'), stringFlag('kubeconfig', 'Kc', undefined, '(in-cluster)')]
const Codec = t.type({ port: intFromString('Port', 0, 65535), 'leader-elect': t.string, 'log-level': LogLevelCodec })

describe('readFlags', () => {
  it('prefers a flag over its env twin over the default, and reads LOG_LEVEL as the fallback twin', () => {
    const out = readFlags(['--port', '9000', '--leader-elect=false'], { THV_REGISTRY_PORT: '7000', THV_REGISTRY_LEADER_ELECT: 'true', LOG_LEVEL: 'debug' }, Flags, 'help')
    expect(out).to.deep.equal(E.right({ kind: 'values', raw: { port: '9000', 'leader-elect': 'false', 'log-level': 'debug' } }))
  })
  it('reads a bare boolean flag as true and treats an empty env value as unset', () => {
    expect(readFlags(['--leader-elect'], { THV_REGISTRY_PORT: '' }, Flags, 'help'))
      .to.deep.equal(E.right({ kind: 'values', raw: { port: '8080', 'leader-elect': 'true', 'log-level': 'info' } }))
  })
  it('answers help, and refuses an unknown flag with the help text appended', () => {
    expect(readFlags(['--help'], {}, Flags, 'help')).to.deep.equal(E.right({ kind: 'help' }))
    const bad = readFlags(['--nope'], {}, Flags, 'HELP TEXT')
    expect(E.isLeft(bad) && bad.left.message).to.match(/'--nope'[\s\S]*\n\nHELP TEXT$/)
  })
})

describe('decodeFlags', () => {
  it('names every bad flag with its env twin, once', () => {
    const out = decodeFlags(Codec, { port: 'http', 'leader-elect': 'x', 'log-level': 'loud' }, Flags)
    expect(E.isLeft(out) && out.left.message).to.equal(
      '--port (THV_REGISTRY_PORT): must be an integer from 0 to 65535, got "http"\n' +
      '--log-level (THV_REGISTRY_LOG_LEVEL): must be error, warn, info or debug, got "loud"')
  })
})

describe('helpText', () => {
  it('lists every flag with its env twin and its default or what happens when absent', () => {
    const text = helpText(Flags, { usage: 'Usage: x', summary: 'Does x.', flagWidth: 12, envWidth: 28 })
    expect(text.split('\n').slice(0, 5)).to.deep.equal(['Usage: x', '', 'Does x.', '', '  flag           environment                  default'])
    expect(text).to.include('  --kubeconfig   THV_REGISTRY_KUBECONFIG      (in-cluster)\n      Kc')
    expect(text).to.match(/--help\s+\n {6}Print this help$/)
  })
})
