/**
 * Sync tracing: a {@link SyncPipeline} decorator that records one `mcpregistry.sync` span per sync attempt with one
 * `mcpregistry.sync.source` child span per source of the registry. Attributes carry names, counts and reasons,
 * never source data or credentials.
 */
import { kindsOf } from '@thv/registry-model'
import { SpanKind, SpanStatusCode, context, trace, type Tracer } from '@opentelemetry/api'
import type { DeployedServerSummary, MCPRegistry, MCPRegistrySourceEntry, SingleSourceRegistry } from '@thv/registry-model'
import type { PublishOutcome, SourceSyncOutcome, SyncOutcome } from '../status/sync-outcome.js'
import type { SyncPipeline } from '../sync/sync-pipeline.js'

/** `type/namespace/name` of each source in the spec (`spec.source`, and `spec.sources[]` where present). */
export function sourceLabels(registry: MCPRegistry): { type: string; name: string }[] {
  const spec = registry.spec as unknown as { source?: unknown; sources?: unknown }
  const all = [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])]
  return all.flatMap((s) => {
    if (typeof s !== 'object' || s === null) return []
    const src = s as { type?: unknown; name?: unknown; configmap?: { name?: unknown; namespace?: unknown } }
    const type = typeof src.type === 'string' ? src.type : 'unknown'
    const name = typeof src.name === 'string' ? src.name
      : typeof src.configmap?.name === 'string' ? `${typeof src.configmap.namespace === 'string' ? `${src.configmap.namespace}/` : ''}${src.configmap.name}` : type
    return [{ type, name }]
  })
}

function kindOf(entry: MCPRegistrySourceEntry): string {
  return kindsOf(entry)[0] ?? 'unknown'
}

/** Wraps `inner` so each `run` is traced with `tracer` (a no-op tracer when no provider is registered). */
export class TracedSyncPipeline implements SyncPipeline {
  constructor(private readonly inner: SyncPipeline, private readonly tracer: Tracer = trace.getTracer('thv-operator')) {}

  async run(registry: SingleSourceRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<SyncOutcome> {
    const attributes = { 'mcpregistry.namespace': registry.metadata.namespace ?? '', 'mcpregistry.name': registry.metadata.name }
    return this.tracer.startActiveSpan('mcpregistry.sync', { kind: SpanKind.INTERNAL, attributes }, async (span) => {
      const sources = sourceLabels(registry).map((s) =>
        this.tracer.startSpan('mcpregistry.sync.source', { attributes: { ...attributes, 'mcpregistry.source.type': s.type, 'mcpregistry.source.name': s.name } }, context.active()))
      try {
        const outcome = await this.inner.run(registry, deployedServers, signal)
        const result = outcome.ok
          ? { 'mcpregistry.sync.result': 'success', 'mcpregistry.sync.server_count': outcome.serverCount, 'mcpregistry.sync.stored': outcome.stored }
          : { 'mcpregistry.sync.result': 'failure', 'mcpregistry.sync.failure_step': outcome.failure.step, 'mcpregistry.sync.failure_reason': outcome.failure.reason }
        for (const s of [span, ...sources]) {
          s.setAttributes(result)
          if (!outcome.ok) s.setStatus({ code: SpanStatusCode.ERROR, message: outcome.failure.reason })
        }
        return outcome
      } catch (err) {
        for (const s of [span, ...sources]) s.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' })
        throw err
      } finally {
        for (const s of sources) s.end()
        span.end()
      }
    })
  }

  updateDeployedServers(registry: MCPRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<boolean> {
    return this.inner.updateDeployedServers(registry, deployedServers, signal)
  }

  async syncSource(registry: MCPRegistry, entry: MCPRegistrySourceEntry, previousHash: string | undefined, signal: AbortSignal): Promise<SourceSyncOutcome> {
    const attributes = {
      'mcpregistry.namespace': registry.metadata.namespace ?? '', 'mcpregistry.name': registry.metadata.name,
      'mcpregistry.source.name': entry.name, 'mcpregistry.source.type': kindOf(entry),
    }
    return this.tracer.startActiveSpan('mcpregistry.sync.source', { kind: SpanKind.INTERNAL, attributes }, async (span) => {
      try {
        const outcome = await this.inner.syncSource(registry, entry, previousHash, signal)
        span.setAttributes(outcome.ok
          ? { 'mcpregistry.sync.result': 'success', 'mcpregistry.sync.server_count': outcome.serverCount, 'mcpregistry.sync.stored': outcome.stored }
          : { 'mcpregistry.sync.result': 'failure', 'mcpregistry.sync.failure_step': outcome.failure.step, 'mcpregistry.sync.failure_reason': outcome.failure.reason })
        if (!outcome.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.failure.reason })
        return outcome
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' })
        throw err
      } finally {
        span.end()
      }
    })
  }

  publish(registry: MCPRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<PublishOutcome> {
    return this.inner.publish(registry, deployedServers, signal)
  }

  forgetSource(registry: MCPRegistry, source: string, signal: AbortSignal): Promise<void> {
    return this.inner.forgetSource(registry, source, signal)
  }

  delete(registry: MCPRegistry, signal: AbortSignal): Promise<void> {
    return this.inner.delete(registry, signal)
  }
}
