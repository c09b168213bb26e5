import { createEventBus, type Logger } from '@thv/k8s-reconcile'
import { expect } from 'chai'
import { connectOperatorBus, type OperatorEvents, type RegistryRef } from './operator-events.js'

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silent }

describe('connectOperatorBus', () => {
  it('queues the registry of a RegistrySynced event in the API deploy controller, once per event', () => {
    const bus = createEventBus<OperatorEvents>(silent)
    const queued: RegistryRef[] = []
    connectOperatorBus(bus, { apiDeploy: { enqueue: (ref) => queued.push(ref) } })
    bus.publish('RegistrySynced', { namespace: 'team-a', name: 'prod' })
    bus.publish('RegistrySynced', { namespace: 'team-b', name: 'dev' })
    expect(queued).to.deep.equal([{ namespace: 'team-a', name: 'prod' }, { namespace: 'team-b', name: 'dev' }])
  })

  it('queues nothing before an event is published', () => {
    const queued: RegistryRef[] = []
    connectOperatorBus(createEventBus<OperatorEvents>(silent), { apiDeploy: { enqueue: (ref) => queued.push(ref) } })
    expect(queued).to.deep.equal([])
  })
})
