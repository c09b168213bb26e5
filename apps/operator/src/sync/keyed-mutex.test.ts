import * as chai from 'chai'
import chaiAsPromised from 'chai-as-promised'
import { KeyedMutex } from './keyed-mutex.js'

chai.use(chaiAsPromised)
const { expect } = chai

describe('KeyedMutex', () => {
  it('never overlaps two functions of one key and keeps call order', async () => {
    const mutex = new KeyedMutex()
    const log: string[] = []
    let release!: () => void
    const gate = new Promise<void>((r) => { release = r })
    const first = mutex.run('a', async () => { log.push('a1 start'); await gate; log.push('a1 end') })
    const second = mutex.run('a', async () => { log.push('a2') })
    const other = mutex.run('b', async () => { log.push('b') })
    await other
    expect(log).to.deep.equal(['a1 start', 'b'])
    release()
    await Promise.all([first, second])
    expect(log).to.deep.equal(['a1 start', 'b', 'a1 end', 'a2'])
    expect(mutex.size).to.equal(0)
  })

  it('runs the next function after a failure and passes the failure on', async () => {
    const mutex = new KeyedMutex()
    const failed = mutex.run('a', () => Promise.reject(new Error('boom')))
    const next = mutex.run('a', () => Promise.resolve(2))
    await expect(failed).to.be.rejectedWith('boom')
    expect(await next).to.equal(2)
  })
})
