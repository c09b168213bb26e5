/**
 * OpenTelemetry for the registry API: one server span per answered request and the request duration histogram,
 * exported over OTLP/HTTP. Only the method, the route template and the status are recorded: never headers (so
 * never the Authorization header), query strings or raw paths.
 */
import { SpanKind, SpanStatusCode, type Histogram, type Tracer } from '@opentelemetry/api'
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base'

/** What `--otlp-*` asks for. */
export interface OtlpSettings {
  /** Base URL of the OTLP/HTTP receiver (`/v1/traces` and `/v1/metrics` are appended). */
  readonly endpoint: string
  readonly serviceName: string
  readonly serviceVersion?: string
  readonly traces: boolean
  readonly metrics: boolean
  /** Ratio of traces sampled, 0..1. */
  readonly sampling: number
  readonly metricsIntervalMs: number
}

/** The request hook the HTTP layer calls, and shutdown (flushes what is buffered). */
export interface ApiTelemetry {
  recordRequest(method: string, route: string, status: number, seconds: number): void
  shutdown(): Promise<void>
}

const join = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path}`

/** Starts the tracer and meter providers of `settings` (each only when enabled). */
export function startOtlpTelemetry(settings: OtlpSettings): ApiTelemetry {
  const resource = resourceFromAttributes({
    'service.name': settings.serviceName,
    ...(settings.serviceVersion === undefined ? {} : { 'service.version': settings.serviceVersion }),
  })
  let tracer: Tracer | undefined
  let histogram: Histogram | undefined
  const shutdowns: (() => Promise<void>)[] = []
  if (settings.traces) {
    const provider = new BasicTracerProvider({
      resource,
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampling) }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: join(settings.endpoint, '/v1/traces') }), { scheduledDelayMillis: 1000 })],
    })
    tracer = provider.getTracer('thv-registry-api')
    shutdowns.push(() => provider.shutdown())
  }
  if (settings.metrics) {
    const provider = new MeterProvider({
      resource,
      readers: [new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: join(settings.endpoint, '/v1/metrics') }),
        exportIntervalMillis: settings.metricsIntervalMs,
        exportTimeoutMillis: Math.min(settings.metricsIntervalMs, 30_000),
      })],
    })
    histogram = provider.getMeter('thv-registry-api').createHistogram('http.server.request.duration', {
      unit: 's', description: 'Duration of HTTP server requests',
    })
    shutdowns.push(() => provider.shutdown())
  }
  return {
    recordRequest(method, route, status, seconds) {
      const attributes = { 'http.request.method': method, 'http.route': route, 'http.response.status_code': status }
      histogram?.record(seconds, attributes)
      if (tracer === undefined) return
      const end = Date.now()
      const span = tracer.startSpan(`${method} ${route}`, { kind: SpanKind.SERVER, startTime: end - seconds * 1000, attributes })
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      span.end(end)
    },
    async shutdown() {
      await Promise.allSettled(shutdowns.map((s) => s()))
    },
  }
}
