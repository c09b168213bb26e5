import { expect } from 'chai'
import { createFakeClock } from './clock.js'
import {
  createBucketRateLimiter,
  createDefaultControllerRateLimiter,
  createItemExponentialRateLimiter,
  createMaxOfRateLimiter,
} from './rate-limiter.js'

describe('createItemExponentialRateLimiter', () => {
  it('doubles from 5 ms per failure and caps at 1000 s', () => {
    const limiter = createItemExponentialRateLimiter()
    const delays = Array.from({ length: 32 }, () => limiter.when('ns/a'))
    expect(delays.slice(0, 6)).to.deep.equal([5, 10, 20, 40, 80, 160])
    expect(delays[17]).to.equal(5 * 2 ** 17) // 655 360 ms, still below the cap
    expect(delays[18]).to.equal(1_000_000)
    expect(delays.slice(18)).to.deep.equal(Array(14).fill(1_000_000))
  })

  it('keeps one history per key and forgets it on success', () => {
    const limiter = createItemExponentialRateLimiter(1, 100)
    limiter.when('a')
    limiter.when('a')
    expect([limiter.when('b'), limiter.numRequeues('a'), limiter.numRequeues('b')]).to.deep.equal([1, 2, 1])
    limiter.forget('a')
    expect([limiter.numRequeues('a'), limiter.when('a')]).to.deep.equal([0, 1])
  })

  it('stays at the cap for huge failure counts', () => {
    const limiter = createItemExponentialRateLimiter(5, 1000)
    for (let i = 0; i < 2000; i++) limiter.when('x')
    expect(limiter.when('x')).to.equal(1000)
  })
})

describe('createBucketRateLimiter', () => {
  it('lets a burst through, then spaces requests at 1/qps', () => {
    const clock = createFakeClock()
    const bucket = createBucketRateLimiter(clock, 10, 3)
    const delays = Array.from({ length: 6 }, (_, i) => bucket.when(`k${i}`))
    expect(delays).to.deep.equal([0, 0, 0, 100, 200, 300])
  })

  it('refills with time up to the burst size', () => {
    const clock = createFakeClock()
    const bucket = createBucketRateLimiter(clock, 10, 2)
    bucket.when('a')
    bucket.when('a')
    clock.advance(10_000)
    expect([bucket.when('a'), bucket.when('a'), bucket.when('a')]).to.deep.equal([0, 0, 100])
  })
})

describe('createDefaultControllerRateLimiter', () => {
  it('takes the larger of per-key backoff and the overall bucket', () => {
    const clock = createFakeClock()
    const limiter = createDefaultControllerRateLimiter(clock)
    // burst 100 at 10 qps: the 101st request in the same instant waits 100 ms although its key is new
    const delays = Array.from({ length: 101 }, (_, i) => limiter.when(`key-${i}`))
    expect(delays.slice(0, 100).every((d) => d === 5)).to.equal(true)
    expect(delays[100]).to.equal(100)
  })

  it('forgets per-key history in every limiter', () => {
    const a = createItemExponentialRateLimiter(1, 1000)
    const b = createItemExponentialRateLimiter(2, 1000)
    const both = createMaxOfRateLimiter(a, b)
    expect([both.when('k'), both.when('k'), both.numRequeues('k')]).to.deep.equal([2, 4, 2])
    both.forget('k')
    expect([a.numRequeues('k'), b.numRequeues('k')]).to.deep.equal([0, 0])
  })
})
