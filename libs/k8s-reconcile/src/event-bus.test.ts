import { expect } from 'chai'
import { recordingLogger } from '../test/unit-support.js'
import { createEventBus } from './event-bus.js'

interface Events extends Record<string, unknown> {
  sourceChanged: { namespace: string; name: string }
  tick: number
}

describe('createEventBus', () => {
  it('delivers each payload to every subscriber of its type only', () => {
    const bus = createEventBus<Events>(recordingLogger())
    const got: string[] = []
    bus.subscribe('sourceChanged', (r) => got.push(`a:${r.namespace}/${r.name}`))
    bus.subscribe('sourceChanged', (r) => got.push(`b:${r.name}`))
    bus.subscribe('tick', (n) => got.push(`tick:${n}`))
    bus.publish('sourceChanged', { namespace: 'ns', name: 'reg' })
    bus.publish('tick', 3)
    expect(got).to.deep.equal(['a:ns/reg', 'b:reg', 'tick:3'])
  })

  it('keeps delivering when a subscriber throws, and logs the failure', () => {
    const log = recordingLogger()
    const bus = createEventBus<Events>(log)
    const got: number[] = []
    bus.subscribe('tick', () => {
      throw new Error('boom')
    })
    bus.subscribe('tick', (n) => got.push(n))
    bus.publish('tick', 1)
    expect(got).to.deep.equal([1])
    expect(log.entries.map((e) => [e.level, e.message, e.fields['event'], (e.fields['err'] as Error).message])).to.deep.equal([
      ['error', 'Event bus subscriber failed', 'tick', 'boom'],
    ])
  })

  it('stops delivering after unsubscribe', () => {
    const bus = createEventBus<Events>(recordingLogger())
    const got: number[] = []
    const off = bus.subscribe('tick', (n) => got.push(n))
    bus.publish('tick', 1)
    off()
    bus.publish('tick', 2)
    expect(got).to.deep.equal([1])
  })
})
