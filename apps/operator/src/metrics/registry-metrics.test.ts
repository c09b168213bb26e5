import { expect } from 'chai'
import { Registry } from 'prom-client'
import { createRegistryMetrics } from './registry-metrics.js'

/** The sample lines of `metric` in the registry's exposition. */
async function samples(registry: Registry, metric: string): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((l) => l.startsWith(`${metric}{`))
}

describe('registry metrics of sources', () => {
  it('sets the three gauges of a source and drops them with the source or the registry', async () => {
    const registry = new Registry()
    const metrics = createRegistryMetrics(registry)
    metrics.setSource('ns', 'team', 'platform', { servers: 12, shadowed: 0, ready: true })
    metrics.setSource('ns', 'team', 'mirror', { servers: 40, shadowed: 3, ready: false })
    metrics.setSource('ns', 'other', 'platform', { servers: 1, shadowed: 0, ready: true })
    expect(await samples(registry, 'mcpregistry_source_servers')).to.deep.equal([
      'mcpregistry_source_servers{namespace="ns",registry="team",source="platform"} 12',
      'mcpregistry_source_servers{namespace="ns",registry="team",source="mirror"} 40',
      'mcpregistry_source_servers{namespace="ns",registry="other",source="platform"} 1',
    ])
    expect(await samples(registry, 'mcpregistry_source_shadowed_servers')).to.include('mcpregistry_source_shadowed_servers{namespace="ns",registry="team",source="mirror"} 3')
    expect(await samples(registry, 'mcpregistry_source_ready')).to.include('mcpregistry_source_ready{namespace="ns",registry="team",source="mirror"} 0')

    metrics.forgetSource('ns', 'team', 'mirror')
    expect(await samples(registry, 'mcpregistry_source_ready')).to.deep.equal([
      'mcpregistry_source_ready{namespace="ns",registry="team",source="platform"} 1',
      'mcpregistry_source_ready{namespace="ns",registry="other",source="platform"} 1',
    ])
    metrics.forget('ns', 'team')
    for (const metric of ['mcpregistry_source_servers', 'mcpregistry_source_shadowed_servers', 'mcpregistry_source_ready']) {
      expect(await samples(registry, metric), metric).to.deep.equal([`${metric}{namespace="ns",registry="other",source="platform"} ${metric === 'mcpregistry_source_shadowed_servers' ? 0 : 1}`])
    }
  })
})
