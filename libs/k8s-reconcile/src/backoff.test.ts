import { expect } from 'chai'
import { backoffDelayMs, defaultInformerBackoff } from './backoff.js'

describe('backoffDelayMs', () => {
  it('doubles from the base and caps without jitter', () => {
    const opts = { baseMs: 100, maxMs: 5000, jitter: 0 }
    expect(Array.from({ length: 8 }, (_, i) => backoffDelayMs(i, opts))).to.deep.equal([100, 200, 400, 800, 1600, 3200, 5000, 5000])
  })

  it('adds up to jitter x delay and never exceeds the cap', () => {
    const opts = { baseMs: 100, maxMs: 1000, jitter: 0.5 }
    expect([backoffDelayMs(0, opts, () => 0), backoffDelayMs(0, opts, () => 0.999), backoffDelayMs(3, opts, () => 0.999)]).to.deep.equal([100, 150, 1000])
  })

  it('defaults to 100 ms doubling with a 5 s cap', () => {
    expect(defaultInformerBackoff).to.deep.equal({ baseMs: 100, maxMs: 5000, jitter: 0.5 })
    expect(backoffDelayMs(10_000, defaultInformerBackoff, () => 0)).to.equal(5000)
  })
})
