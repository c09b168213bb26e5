import { expect } from 'chai'
import { claimsMatch, type RequiredClaims } from './claims-match.js'
import { visibilityOf } from './visibility.js'

describe('claimsMatch', () => {
  const cases: ReadonlyArray<[string, RequiredClaims | undefined, Record<string, unknown>, boolean]> = [
    ['matches anything without claims', undefined, {}, true],
    ['matches an equal string claim', { groups: 'eng' }, { groups: 'eng' }, true],
    ['matches a string contained in a list claim', { groups: 'eng' }, { groups: ['ops', 'eng'] }, true],
    ['matches any of a required list', { department: ['eng', 'ops'] }, { department: 'ops' }, true],
    ['matches a required list against a list claim', { department: ['eng', 'ops'] }, { department: ['sales', 'eng'] }, true],
    ['needs every key', { groups: 'eng', department: 'ops' }, { groups: 'eng' }, false],
    ['refuses a different value', { groups: 'eng' }, { groups: 'engineering' }, false],
    ['refuses a missing claim', { groups: 'eng' }, {}, false],
    ['refuses non-string values', { level: '1' }, { level: 1 }, false],
    ['does not read inherited properties', { toString: 'x' }, {}, false],
  ]
  for (const [title, required, token, want] of cases) it(title, () => expect(claimsMatch(required, token)).to.equal(want))
})

describe('visibilityOf', () => {
  const rules = { sourceClaims: { b: { g: 'x' }, a: { g: 'y' } }, viewClaims: { v: { g: ['x', 'y'] } } }

  it('sees everything (key "") when every claim matches', () => {
    const v = visibilityOf({ sourceClaims: { a: { g: 'x' } } }, { g: ['x'] })
    expect([v.key, [...v.hiddenSources], [...v.hiddenViews]]).to.deep.equal(['', [], []])
  })

  it('names the hidden views and sources in a canonical key, equal for callers who see the same', () => {
    const one = visibilityOf(rules, { g: 'z' })
    const two = visibilityOf(rules, { g: ['q', 'z'] })
    expect([one.key, [...one.hiddenSources], [...one.hiddenViews]]).to.deep.equal(['v:v;s:a,b', ['a', 'b'], ['v']])
    expect(two.key).to.equal(one.key)
    expect(visibilityOf(rules, { g: 'x' }).key).to.equal('v:;s:a')
  })
})
