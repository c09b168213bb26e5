/** `--otlp-endpoint`: registers a global tracer provider exporting the operator's sync spans over OTLP/HTTP. */
import { trace } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'

/** Starts exporting to `<endpoint>/v1/traces`; resolves the returned function to flush and stop. */
export function startOtlpTracing(endpoint: string, serviceName = 'thv-operator'): () => Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }), { scheduledDelayMillis: 1000 })],
  })
  trace.setGlobalTracerProvider(provider)
  return () => provider.shutdown()
}
