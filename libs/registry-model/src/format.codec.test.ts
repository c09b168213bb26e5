import { expect } from 'chai'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { isDateTime, isHostname, isUri } from './format.codec.js'

const ajv = new Ajv()
addFormatsModule.default(ajv)
const ajvFormat = (format: string): ((s: string) => boolean) => {
  const validate = ajv.compile({ type: 'string', format })
  return (s) => validate(s) === true
}

// [format, our check, value, expected verdict]; ajv-formats (full mode) must agree on every row.
const cases: ReadonlyArray<readonly [string, (s: string) => boolean, string, boolean]> = [
  ['uri', isUri, 'https://github.com/stacklok/toolhive', true],
  ['uri', isUri, 'https://example.com/a?b=c#frag', true],
  ['uri', isUri, 'urn:isbn:0451450523', true],
  ['uri', isUri, 'mailto:someone@example.com', true],
  ['uri', isUri, 'https://example.com/%20x', true],
  ['uri', isUri, 'example.com/path', false],
  ['uri', isUri, 'https://example.com/a b', false],
  ['uri', isUri, 'https://example.com/%zz', false],
  ['uri', isUri, '', false],
  ['uri', isUri, '1http://example.com', false],
  ['uri', isUri, 'https://example.com/<script>', false],
  ['date-time', isDateTime, '2025-09-30T00:17:43Z', true],
  ['date-time', isDateTime, '2025-09-30t00:17:43z', true],
  ['date-time', isDateTime, '2025-09-30T00:17:43.551+02:00', true],
  ['date-time', isDateTime, '2024-02-29T12:00:00Z', true],
  ['date-time', isDateTime, '2016-12-31T23:59:60Z', true],
  ['date-time', isDateTime, '2025-02-29T12:00:00Z', false],
  ['date-time', isDateTime, '2025-09-30T24:00:00Z', false],
  ['date-time', isDateTime, '2025-09-30T00:17:43', false],
  ['date-time', isDateTime, '2025-09-30', false],
  ['date-time', isDateTime, '2025-13-01T00:00:00Z', false],
  ['date-time', isDateTime, '2025-09-30T12:00:60Z', false],
  ['hostname', isHostname, 'tuf-repo-cdn.sigstore.dev', true],
  ['hostname', isHostname, 'localhost', true],
  ['hostname', isHostname, 'a'.repeat(63) + '.com', true],
  ['hostname', isHostname, 'a'.repeat(64) + '.com', false],
  ['hostname', isHostname, '-bad.example.com', false],
  ['hostname', isHostname, 'under_score.example.com', false],
  ['hostname', isHostname, 'space host', false],
]

describe('string formats', () => {
  for (const [format, check, value, expected] of cases) {
    it(`${expected ? 'accepts' : 'rejects'} ${JSON.stringify(value.slice(0, 40))} as ${format}, as ajv-formats does`, () => {
      expect(check(value)).to.equal(expected)
      expect(ajvFormat(format)(value)).to.equal(expected)
    })
  }
})
