import { expect } from 'chai'
import { createFakeClock } from './clock.js'
import { createItemExponentialRateLimiter } from './rate-limiter.js'
import { WorkQueue, type WorkQueueMetrics } from './work-queue.js'

function setup() {
  const clock = createFakeClock()
  const counts = { depth: 0, added: 0, retried: 0 }
  const metrics: WorkQueueMetrics = {
    depth: (n) => (counts.depth = n),
    added: () => counts.added++,
    retried: () => counts.retried++,
  }
  const queue = new WorkQueue({ clock, rateLimiter: createItemExponentialRateLimiter(5, 1000), metrics })
  return { clock, queue, counts }
}

/** Takes every key queued right now. */
async function drain(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = []
  while (queue.len() > 0) keys.push((await queue.get()) as string)
  return keys
}

describe('WorkQueue', () => {
  it('hands out a key queued many times once, in FIFO order of first add', async () => {
    const { queue, counts } = setup()
    for (const k of ['ns/a', 'ns/b', 'ns/a', 'ns/a', 'ns/c', 'ns/b']) queue.add(k)
    expect(await drain(queue)).to.deep.equal(['ns/a', 'ns/b', 'ns/c'])
    expect(counts).to.deep.equal({ depth: 0, added: 6, retried: 0 })
  })

  it('never hands out a key that is being processed; a re-add during processing is queued on done', async () => {
    const { queue } = setup()
    queue.add('ns/a')
    const first = await queue.get()
    queue.add('ns/a')
    queue.add('ns/a')
    expect([first, queue.len(), queue.processingCount()]).to.deep.equal(['ns/a', 0, 1])
    queue.done('ns/a')
    expect(queue.len()).to.equal(1)
    expect(await queue.get()).to.equal('ns/a')
    queue.done('ns/a')
    expect([queue.len(), queue.processingCount()]).to.deep.equal([0, 0])
  })

  it('wakes a waiting get when a key arrives', async () => {
    const { queue } = setup()
    const pending = queue.get()
    queue.add('ns/x')
    expect(await pending).to.equal('ns/x')
    expect(queue.processingCount()).to.equal(1)
  })

  it('queues after the delay of addAfter; the earliest pending time wins', async () => {
    const { clock, queue } = setup()
    queue.addAfter('ns/a', 1000)
    queue.addAfter('ns/a', 300)
    queue.addAfter('ns/a', 2000)
    clock.advance(299)
    expect(queue.len()).to.equal(0)
    clock.advance(1)
    expect(await drain(queue)).to.deep.equal(['ns/a'])
    clock.advance(5000)
    expect(queue.len()).to.equal(0)
  })

  it('delays addRateLimited by the per-key backoff and counts retries', async () => {
    const { clock, queue, counts } = setup()
    const due: number[] = []
    for (let i = 0; i < 4; i++) {
      const start = clock.now()
      queue.addRateLimited('ns/a')
      while (queue.len() === 0) clock.advance(1)
      due.push(clock.now() - start)
      queue.done((await queue.get()) as string)
    }
    expect(due).to.deep.equal([5, 10, 20, 40])
    expect(counts.retried).to.equal(4)
    queue.forget('ns/a')
    expect(queue.numRequeues('ns/a')).to.equal(0)
  })

  it('ignores adds after shutDown, cancels delayed adds and resolves waiting gets with undefined', async () => {
    const { clock, queue } = setup()
    const waiting = queue.get()
    queue.addAfter('ns/late', 100)
    queue.shutDown()
    expect(await waiting).to.equal(undefined)
    queue.add('ns/a')
    clock.advance(1000)
    expect([queue.len(), clock.pendingTimers(), await queue.get()]).to.deep.equal([0, 0, undefined])
  })

  it('shutDownWithDrain resolves only after in-flight keys are done and hands out no queued key', async () => {
    const { queue } = setup()
    queue.add('ns/a')
    queue.add('ns/b')
    const a = await queue.get()
    let drained = false
    const drain = queue.shutDownWithDrain().then(() => (drained = true))
    await Promise.resolve()
    expect([drained, await queue.get()]).to.deep.equal([false, undefined])
    queue.done(a as string)
    await drain
    expect(drained).to.equal(true)
  })
})
