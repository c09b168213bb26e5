import { expect } from 'chai'
import fc from 'fast-check'
import { StreamedSnapshotJson } from './snapshot-json.reader.js'

/** Feeds `text`'s UTF-8 bytes in pieces cut at `cuts` (byte offsets, any order) and returns the value or the error. */
function readInPieces(text: string, cuts: readonly number[] = []): { value: unknown } | { error: unknown } {
  const bytes = Buffer.from(text, 'utf8')
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const reader = new StreamedSnapshotJson()
  try {
    let from = 0
    for (const cut of [...at, bytes.length]) {
      reader.write(bytes.subarray(from, cut))
      from = cut
    }
    return { value: reader.end() }
  } catch (error) {
    return { error }
  }
}

function engine(text: string): { value: unknown } | { error: unknown } {
  try {
    return { value: JSON.parse(text) as unknown }
  } catch (error) {
    return { error }
  }
}

/** Strings that stress the reader: quotes, backslash runs, brackets and separators, multi-byte characters. */
const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom('', '\\', '\\\\', '"', '\\"', '"]', '],"servers":[', '{"a":[', 'é', '😀', '\\u0022'),
  fc.array(fc.constantFrom('\\', '"', ',', ']', '[', '{', '}', ':', 'é', '😀', 'x'), { maxLength: 12 }).map((cs) => cs.join('')),
)
const item = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ server: fc.record({ name: tricky, description: tricky }), _meta: fc.dictionary(tricky, tricky) }))
const snapshotLike = fc.record({
  schemaVersion: fc.constant(1),
  registry: fc.record({ name: tricky, nested: fc.record({ servers: fc.array(item, { maxLength: 3 }) }) }),
  servers: fc.array(item, { maxLength: 8 }),
  hash: tricky,
  extraServers: fc.option(fc.array(item, { maxLength: 4 }), { nil: undefined }),
  deployedServers: fc.array(fc.record({ name: tricky }), { maxLength: 2 }),
})
const cuts = fc.array(fc.nat(), { maxLength: 12 })

describe('StreamedSnapshotJson', () => {
  it('reads any snapshot-like JSON, cut anywhere (even inside a character), to what JSON.parse returns', () => {
    fc.assert(fc.property(snapshotLike, fc.boolean(), cuts, (value, pretty, at) => {
      const text = JSON.stringify(value, null, pretty ? 2 : undefined)
      expect(readInPieces(text, at)).to.deep.equal({ value: JSON.parse(text) })
    }), { numRuns: 500 })
  })

  it('reads empty streamed arrays, with or without whitespace, and streamed keys that are not arrays', () => {
    for (const text of ['{"servers":[]}', '{"servers":[ \n ],"extraServers":[\t]}', '{"servers":5,"extraServers":null}', '{"a":{"servers":[1,2]}}', '[1,{"servers":[2]}]', '"x"', '7']) {
      expect(readInPieces(text), text).to.deep.equal({ value: JSON.parse(text) })
    }
  })

  it('accepts exactly what JSON.parse accepts: a text with one character removed, added or replaced', () => {
    const edit = fc.tuple(fc.constantFrom('remove', 'add', 'replace'), fc.nat(), fc.constantFrom(',', ']', '[', '{', '}', '"', '\\', ':', ' ', '1', 'x'))
    fc.assert(fc.property(snapshotLike, edit, cuts, (value, [kind, where, ch], at) => {
      const text = JSON.stringify(value)
      const i = where % (text.length + 1)
      const edited = kind === 'remove' ? text.slice(0, i) + text.slice(i + 1) : kind === 'add' ? text.slice(0, i) + ch + text.slice(i) : text.slice(0, i) + ch + text.slice(i + 1)
      // Through UTF-8 and back, as the reader sees it (an edit may split a surrogate pair; UTF-8 has no lone surrogates).
      const expected = engine(Buffer.from(edited, 'utf8').toString('utf8'))
      const got = readInPieces(edited, at)
      if ('value' in expected) expect(got, edited).to.deep.equal(expected)
      else expect(got, edited).to.have.property('error').that.is.instanceOf(SyntaxError)
    }), { numRuns: 2000 })
  })

  it('rejects empty elements and unclosed input as JSON.parse does', () => {
    for (const text of ['{"servers":[,]}', '{"servers":[1,]}', '{"servers":[,1]}', '{"servers":[1 2]}', '{"servers":[1', '{"servers":["a]}', '{"servers":[\u00a0]}']) {
      expect(engine(text), text).to.have.property('error')
      expect(readInPieces(text), text).to.have.property('error').that.is.instanceOf(SyntaxError)
    }
  })
})

describe('StreamedSnapshotJson with an element mapper', () => {
  it('maps every element of servers and extraServers as it is parsed, and nothing else', () => {
    const text = JSON.stringify({ servers: [{ n: 1 }, { n: 2 }], registry: { servers: [{ n: 9 }] }, extraServers: [{ n: 3 }], other: [{ n: 4 }] })
    const seen: unknown[] = []
    const reader = new StreamedSnapshotJson((v) => {
      seen.push(v)
      return (v as { n: number }).n * 10
    })
    const bytes = Buffer.from(text)
    for (let i = 0; i < bytes.length; i += 7) reader.write(bytes.subarray(i, i + 7))
    expect(reader.end()).to.deep.equal({ servers: [10, 20], registry: { servers: [{ n: 9 }] }, extraServers: [30], other: [{ n: 4 }] })
    expect(seen).to.deep.equal([{ n: 1 }, { n: 2 }, { n: 3 }])
  })

  it('lets the mapper reject an element with its own error', () => {
    const reader = new StreamedSnapshotJson(() => {
      throw new RangeError('no')
    })
    expect(() => reader.write(Buffer.from('{"servers":[1,'))).to.throw(RangeError, 'no')
  })
})
