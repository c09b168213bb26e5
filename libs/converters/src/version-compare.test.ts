import { expect } from 'chai'
import fc from 'fast-check'
import { compareSemanticVersions, compareVersions, isSemanticVersion } from './version-compare.js'
import { computeIsLatest } from './is-latest.js'

describe('isSemanticVersion (upstream IsSemanticVersion)', () => {
  const cases: ReadonlyArray<[string, boolean]> = [
    ['1.0.0', true], ['0.0.0', true], ['100.200.300', true], ['1.0.0-alpha', true], ['1.0.0-alpha.1', true],
    ['1.0.0-beta.2.3', true], ['01.2.3', true], ['+1.2.3', true], ['0.0.1-seed', true],
    ['v1.2.3', false], ['1.2', false], ['1.2.3.4', false], ['1.2.3+build', false], ['1.0.0-', false],
    ['1.0.0-rc-1', false], ['1.0.0-rc_1', false], ['latest', false], ['2024.10.01', true], ['', false],
    ['1.x.0', false], ['99999999999999999999.0.0', false],
  ]
  for (const [v, expected] of cases) it(`says ${JSON.stringify(v)} is ${expected ? '' : 'not '}semver`, () => expect(isSemanticVersion(v)).to.equal(expected))
})

describe('compareVersions (upstream CompareVersions)', () => {
  const cases: ReadonlyArray<[string, string, number, number, number]> = [
    ['1.0.0', '2.0.0', 0, 0, -1],
    ['1.10.0', '1.9.0', 0, 0, 1],
    ['1.0.0', '1.0.0-rc.1', 0, 0, 1],
    ['1.0.0-rc.10', '1.0.0-rc.9', 0, 0, -1], // plain string comparison, not SemVer 2.0 precedence
    ['1.0.0-alpha', '1.0.0-alpha', 0, 0, 0],
    ['01.0.0', '1.0.0', 0, 0, 0],
    ['2.0.0', 'v3.0.0', 0, 99, 1], // semver beats non-semver regardless of time
    ['v3.0.0', '2.0.0', 99, 0, -1],
    ['v1', 'v2', 5, 3, 1], // neither semver: later publish wins
    ['v2', 'v1', 3, 5, -1],
    ['nightly', 'nightly-2', 7, 7, 0],
  ]
  for (const [a, b, ta, tb, expected] of cases) {
    it(`compares ${a}@${ta} with ${b}@${tb} as ${expected}`, () => expect(compareVersions(a, b, ta, tb)).to.equal(expected))
  }

  it('is antisymmetric', () => {
    const version = fc.oneof(fc.string(), fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20), fc.option(fc.stringMatching(/^[a-z0-9.]{1,6}$/)))
      .map(([a, b, c, p]) => `${a}.${b}.${c}${p === null ? '' : `-${p}`}`))
    fc.assert(fc.property(version, version, fc.nat(), fc.nat(), (a, b, ta, tb) => {
      expect(compareVersions(a, b, ta, tb)).to.equal(-compareVersions(b, a, tb, ta) || 0)
    }))
  })

  it('orders semver triples numerically', () => {
    fc.assert(fc.property(fc.tuple(fc.nat(), fc.nat(), fc.nat()), fc.tuple(fc.nat(), fc.nat(), fc.nat()), (x, y) => {
      const expected = x[0] !== y[0] ? Math.sign(x[0] - y[0]) : x[1] !== y[1] ? Math.sign(x[1] - y[1]) : Math.sign(x[2] - y[2])
      expect(compareSemanticVersions(x.join('.'), y.join('.'))).to.equal(expected || 0)
    }))
  })
})

describe('computeIsLatest', () => {
  it('marks the highest semver of each name, whatever the order', () => {
    expect(computeIsLatest([
      { name: 'a/x', version: '1.2.4' }, { name: 'a/x', version: '2.0.0' }, { name: 'b/y', version: '0.1.0' },
      { name: 'a/x', version: '2.0.0-rc.1' },
    ])).to.deep.equal([false, true, true, false])
  })
  it('prefers semver over a newer non-semver version', () => {
    expect(computeIsLatest([
      { name: 'a/x', version: '1.0.0', publishedAt: '2025-01-01T00:00:00Z' },
      { name: 'a/x', version: '2024.10.01-x-y', publishedAt: '2025-06-01T00:00:00Z' },
    ])).to.deep.equal([true, false])
  })
  it('picks the later publish time among non-semver versions', () => {
    expect(computeIsLatest([
      { name: 'a/x', version: 'build-b', publishedAt: '2025-06-01T00:00:00Z' },
      { name: 'a/x', version: 'build-a', publishedAt: '2025-07-01T00:00:00Z' },
    ])).to.deep.equal([false, true])
  })
  it('skips deleted versions unless all are deleted', () => {
    expect(computeIsLatest([
      { name: 'a/x', version: '2.0.0', status: 'deleted' }, { name: 'a/x', version: '1.0.0', status: 'deprecated' },
      { name: 'b/y', version: '2.0.0', status: 'deleted' }, { name: 'b/y', version: '1.0.0', status: 'deleted' },
    ])).to.deep.equal([false, true, true, false])
  })
  it('marks exactly one latest per name and does not depend on order', () => {
    const entry = fc.record({
      name: fc.constantFrom('a/x', 'a/y', 'b/z'),
      version: fc.oneof(fc.constantFrom('1.0.0', '1.0.1', '2.0.0-rc', 'v1', 'nightly'), fc.string({ maxLength: 4 })),
      publishedAt: fc.constantFrom('2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z', 'garbage'),
    })
    fc.assert(fc.property(fc.uniqueArray(entry, { selector: (e) => `${e.name} ${e.version}` }), (entries) => {
      const latest = computeIsLatest(entries)
      for (const name of new Set(entries.map((e) => e.name))) {
        expect(entries.filter((e, i) => e.name === name && latest[i]).length).to.equal(1)
      }
      const reversed = computeIsLatest([...entries].reverse()).reverse()
      expect(reversed).to.deep.equal(latest)
    }))
  })
})
