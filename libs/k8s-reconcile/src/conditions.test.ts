import { expect } from 'chai'
import fc from 'fast-check'
import { findCondition, isConditionTrue, removeCondition, setCondition, type Condition, type ConditionInput } from './conditions.js'

const statusArb = fc.constantFrom<Condition['status']>('True', 'False', 'Unknown')
const typeArb = fc.constantFrom('Ready', 'Synced', 'SourceAvailable', 'Degraded')
const inputArb: fc.Arbitrary<ConditionInput> = fc.record({
  type: typeArb,
  status: statusArb,
  reason: fc.constantFrom('Synced', 'FetchFailed', 'InvalidFormat'),
  message: fc.string({ maxLength: 20 }),
  observedGeneration: fc.nat({ max: 100 }),
})
const dateArb = fc.integer({ min: 0, max: 4_000_000_000 }).map((s) => new Date(s * 1000))
const listArb = fc.uniqueArray(fc.tuple(inputArb, dateArb), { selector: ([c]) => c.type, maxLength: 4 }).map((items) =>
  items.map(([c, d]): Condition => ({ ...c, lastTransitionTime: d.toISOString().replace(/\.\d{3}Z$/, 'Z') })),
)

describe('setCondition', () => {
  it('sets lastTransitionTime to now exactly when the type is new or its status flips', () => {
    fc.assert(
      fc.property(listArb, inputArb, dateArb, (list, next, now) => {
        const before = findCondition(list, next.type)
        const after = findCondition(setCondition(list, next, now), next.type)
        const flipped = before === undefined || before.status !== next.status
        expect(after?.lastTransitionTime).to.equal(flipped ? now.toISOString().replace(/\.\d{3}Z$/, 'Z') : before?.lastTransitionTime)
      }),
    )
  })

  it('is idempotent', () => {
    fc.assert(
      fc.property(listArb, inputArb, dateArb, dateArb, (list, next, t1, t2) => {
        const once = setCondition(list, next, t1)
        expect(setCondition(once, next, t2)).to.deep.equal(once)
      }),
    )
  })

  it('leaves other conditions untouched and in order, and does not mutate its input', () => {
    fc.assert(
      fc.property(listArb, inputArb, dateArb, (list, next, now) => {
        const copy = structuredClone(list)
        const result = setCondition(list, next, now)
        expect(list).to.deep.equal(copy)
        expect(result.filter((c) => c.type !== next.type)).to.deep.equal(list.filter((c) => c.type !== next.type))
        expect(result.map((c) => c.type)).to.deep.equal(list.some((c) => c.type === next.type) ? list.map((c) => c.type) : [...list.map((c) => c.type), next.type])
      }),
    )
  })

  it('carries reason, message and observedGeneration of the new value', () => {
    fc.assert(
      fc.property(listArb, inputArb, dateArb, (list, next, now) => {
        const { lastTransitionTime: _ignored, ...rest } = findCondition(setCondition(list, next, now), next.type) as Condition
        expect(rest).to.deep.equal(next)
      }),
    )
  })

  it('keeps the transition time when only the reason changes', () => {
    const t0 = new Date('2026-01-01T00:00:00.123Z')
    const list = setCondition([], { type: 'Ready', status: 'False', reason: 'FetchFailed', message: 'HTTP 503', observedGeneration: 1 }, t0)
    const next = setCondition(list, { type: 'Ready', status: 'False', reason: 'InvalidFormat', message: 'Bad JSON', observedGeneration: 2 }, new Date('2026-01-02T00:00:00Z'))
    expect(next).to.deep.equal([{ type: 'Ready', status: 'False', reason: 'InvalidFormat', message: 'Bad JSON', observedGeneration: 2, lastTransitionTime: '2026-01-01T00:00:00Z' }])
  })
})

describe('condition lookups', () => {
  const list: Condition[] = [
    { type: 'Ready', status: 'True', reason: 'Synced', message: 'ok', lastTransitionTime: '2026-01-01T00:00:00Z' },
    { type: 'Degraded', status: 'False', reason: 'Synced', message: 'ok', lastTransitionTime: '2026-01-01T00:00:00Z' },
  ]
  it('finds, tests and removes by type', () => {
    expect([findCondition(list, 'Degraded')?.status, findCondition(undefined, 'Ready'), isConditionTrue(list, 'Ready'), isConditionTrue(list, 'Degraded')]).to.deep.equal(['False', undefined, true, false])
    expect(removeCondition(list, 'Ready').map((c) => c.type)).to.deep.equal(['Degraded'])
  })
})
