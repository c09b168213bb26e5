import { expect } from 'chai'
import { parseGoDurationMs } from './go-duration.js'

describe('parseGoDurationMs', () => {
  const cases: ReadonlyArray<[string, number | undefined]> = [
    ['30s', 30_000], ['1h30m', 5_400_000], ['1.5h', 5_400_000], ['250ms', 250], ['2m3s', 123_000], ['24h', 86_400_000],
    ['1500us', 1.5], ['1µs', 0.001], ['0s', 0],
    ['', undefined], ['1 hour', undefined], ['-5m', undefined], ['5', undefined], ['m', undefined], ['1d', undefined],
  ]
  for (const [input, ms] of cases) it(`reads ${JSON.stringify(input)} as ${String(ms)}`, () => expect(parseGoDurationMs(input)).to.equal(ms))
})
