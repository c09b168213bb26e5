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
})
