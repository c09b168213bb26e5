import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { SegmentBytes, SegmentedBytes, SegmentWriter } from './segmented-bytes.js'

describe('SegmentedBytes', () => {
  // Text-like bytes (compressible) of a length that ends mid-segment.
  const original = Buffer.from(Array.from({ length: 3 * SegmentBytes + 1234 }, (_, i) => 'abcdefghij'.charCodeAt((i * 7) % 10)))

  it('reads back every range, within a segment, across segment boundaries and the whole, from about a quarter of the size', () => {
    const segmented = SegmentedBytes.compress(original)
    expect(segmented.length).to.equal(original.length)
    expect(segmented.compressedLength).to.be.below(original.length / 4)
    const ranges: Array<[number, number]> = [[0, 0], [0, 1], [5, 100], [SegmentBytes - 3, SegmentBytes + 3], [10, 3 * SegmentBytes + 5], [original.length - 1, original.length], [0, original.length]]
    for (const [start, end] of ranges) {
      const expected = original.subarray(start, end)
      expect(segmented.copy(start, end).equals(expected), `copy ${start}..${end}`).to.equal(true)
      expect(Buffer.concat([...segmented.pieces(start, end)]).equals(expected), `pieces ${start}..${end}`).to.equal(true)
    }
    expect(segmented.all().equals(original)).to.equal(true)
  })

  it('gives copies that later reads do not change, and refuses a range outside the bytes', () => {
    const segmented = SegmentedBytes.compress(original)
    const first = segmented.copy(0, 10)
    segmented.copy(2 * SegmentBytes, 2 * SegmentBytes + 10)
    segmented.copy(3 * SegmentBytes, 3 * SegmentBytes + 10)
    expect(first.equals(original.subarray(0, 10))).to.equal(true)
    expect(() => segmented.copy(5, original.length + 1)).to.throw(RangeError)
    expect(() => segmented.copy(10, 5)).to.throw(RangeError)
  })

  it('builds the same bytes from pieces of any size (SegmentWriter), incompressible ones included', () => {
    const noise = randomBytes(SegmentBytes + 17)
    const writer = new SegmentWriter()
    writer.write('head,')
    writer.write(noise)
    writer.write(original.subarray(0, 100))
    expect(writer.position).to.equal(5 + noise.length + 100)
    const segmented = writer.finish()
    expect(segmented.all().equals(Buffer.concat([Buffer.from('head,'), noise, original.subarray(0, 100)]))).to.equal(true)
  })

  it('concatenates byte strings of any lengths without copying them, and reads every range of the result', () => {
    const parts = [Buffer.from('{"head":1,'), original, Buffer.alloc(0), randomBytes(SegmentBytes + 5), Buffer.from('}')]
    const joined = SegmentedBytes.concat(parts.map((p) => SegmentedBytes.compress(p)))
    const expected = Buffer.concat(parts)
    expect(joined.length).to.equal(expected.length)
    expect(joined.all().equals(expected)).to.equal(true)
    const edges = [0, 9, 10, 11, 10 + SegmentBytes, 10 + original.length - 1, 10 + original.length, 10 + original.length + 1, expected.length - 2, expected.length - 1, expected.length]
    for (const start of edges) {
      for (const end of edges) {
        if (end < start) continue
        const want = expected.subarray(start, end)
        expect(joined.copy(start, end).equals(want), `copy ${start}..${end}`).to.equal(true)
        expect(Buffer.concat([...joined.pieces(start, end)]).equals(want), `pieces ${start}..${end}`).to.equal(true)
      }
    }
    const again = SegmentedBytes.concat([joined, SegmentedBytes.compress('!')])
    expect(again.all().equals(Buffer.concat([expected, Buffer.from('!')]))).to.equal(true)
    expect(SegmentedBytes.concat([]).all().length).to.equal(0)
  })

  it('keeps compressed segments in slabs: reads ranges across slab boundaries of incompressible bytes (several slabs)', () => {
    const noise = randomBytes(40 * SegmentBytes + 99)
    const writer = new SegmentWriter()
    for (let at = 0; at < noise.length; at += 50_000) writer.write(noise.subarray(at, at + 50_000))
    const segmented = writer.finish()
    expect(segmented.compressedLength).to.be.above(2 * 1024 * 1024)
    expect(segmented.all().equals(noise)).to.equal(true)
    for (let start = 0; start < noise.length; start += 7 * SegmentBytes + 3) {
      const end = Math.min(noise.length, start + 3 * SegmentBytes)
      expect(segmented.copy(start, end).equals(noise.subarray(start, end)), `copy ${start}..${end}`).to.equal(true)
    }
  })
})
