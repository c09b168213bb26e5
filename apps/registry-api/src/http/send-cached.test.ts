import { expect } from 'chai'
import { ifNoneMatchHits, negotiateCoding } from './send-cached.js'

describe('negotiateCoding', () => {
  const cases: ReadonlyArray<[string | undefined, string]> = [
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['identity', 'identity'],
    ['GZIP;Q=1', 'gzip'],
    [';;, ,br;q=abc', 'br'],
  ]
  for (const [header, coding] of cases) it(`picks ${coding} for ${JSON.stringify(header)}`, () => expect(negotiateCoding(header)).to.equal(coding))
})

describe('ifNoneMatchHits', () => {
  const cases: ReadonlyArray<[string | undefined, boolean]> = [
    [undefined, false], ['"abc"', true], ['W/"abc"', true], ['"x", "abc"', true], ['*', true], ['"abcd"', false], ['abc', false],
  ]
  for (const [header, hit] of cases) it(`${hit ? 'matches' : 'does not match'} ${JSON.stringify(header)}`, () => expect(ifNoneMatchHits(header, '"abc"')).to.equal(hit))
})
