import { expect } from 'chai'
import { parseRfc3339Nanos } from './rfc3339.js'

describe('parseRfc3339Nanos', () => {
  const cases: ReadonlyArray<[string, bigint | undefined]> = [
    ['2025-08-07T13:15:04Z', 1754572504000000000n],
    ['2025-08-07T13:15:04.280Z', 1754572504280000000n],
    ['2025-08-07t13:15:04.000000001z', 1754572504000000001n],
    ['2025-08-07T15:15:04+02:00', 1754572504000000000n],
    ['2025-08-07T08:45:04-04:30', 1754572504000000000n],
    ['2024-02-29T00:00:00Z', 1709164800000000000n],
    ['2025-08-07T13:15:04.1234567891Z', 1754572504123456789n],
    ['2025-02-29T00:00:00Z', undefined],
    ['2025-13-01T00:00:00Z', undefined],
    ['2025-08-07T24:00:00Z', undefined],
    ['2025-08-07T13:60:00Z', undefined],
    ['2025-08-07T13:15:60Z', undefined],
    ['2025-08-07T13:15:04', undefined],
    ['2025-08-07 13:15:04Z', undefined],
    ['2025-08-07T13:15:04+0200', undefined],
    ['2025-08-07T13:15:04.Z', undefined],
    ['2025-08-07', undefined],
    ['', undefined],
  ]
  for (const [text, nanos] of cases) {
    it(`parses ${JSON.stringify(text)} as ${String(nanos)}`, () => expect(parseRfc3339Nanos(text)).to.equal(nanos))
  }
})
