/** HttpProblem: a typed HTTP error rendered as RFC 9457 problem+json by the outermost middleware. */
import { STATUS_CODES } from 'node:http'

/** One offending input, in the shape huma (the official registry's framework) uses. */
export interface ProblemFieldError {
  /** Where the bad value was found, e.g. `query.limit` or `path.serverName`. */
  readonly location: string
  /** What is wrong with it, one sentence. */
  readonly message: string
  /** The value as received (omitted when there was none). */
  readonly value?: string
}

/** The problem type URIs this API emits; `about:blank` means "see the status code". */
export const ProblemTypes = {
  blank: 'about:blank',
  invalidParameter: 'urn:thv-registry:problem:invalid-parameter',
  notFound: 'urn:thv-registry:problem:not-found',
  notReady: 'urn:thv-registry:problem:not-ready',
} as const

/** The RFC 9457 body we send, plus the `error` string older clients of the generic registry API read. */
export interface ProblemBody {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string
  readonly instance: string
  readonly error: string
  readonly errors?: readonly ProblemFieldError[]
}

/**
 * An HTTP error with a status and a client-safe detail. Thrown by handlers, caught by `problemJson`.
 * 4xx details are shown to the client; for 5xx only the status text is shown and the error is logged.
 */
export class HttpProblem extends Error {
  /** Extra headers for the error response (e.g. `Allow`). */
  readonly headers: Readonly<Record<string, string>>
  /** Whether `detail` may be shown to the client; default true for 4xx, false for 5xx. */
  readonly expose: boolean

  constructor(
    readonly status: number,
    readonly detail: string,
    readonly type: string = ProblemTypes.blank,
    readonly errors?: readonly ProblemFieldError[],
    options?: { cause?: unknown; headers?: Record<string, string>; expose?: boolean },
  ) {
    super(detail, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'HttpProblem'
    this.headers = options?.headers ?? {}
    this.expose = options?.expose ?? status < 500
  }

  /** A 400 or 422 naming the query parameter that was wrong. */
  static invalidQuery(status: 400 | 422, parameter: string, detail: string, value?: string): HttpProblem {
    const fieldError = value === undefined
      ? { location: `query.${parameter}`, message: detail }
      : { location: `query.${parameter}`, message: detail, value }
    return new HttpProblem(status, detail, ProblemTypes.invalidParameter, [fieldError])
  }

  /** A 503 while no snapshot has been loaded; the detail is shown (it is about the service, not a bug). */
  static notReady(): HttpProblem {
    return new HttpProblem(503, 'No registry snapshot has been loaded yet', ProblemTypes.notReady, undefined,
      { expose: true, headers: { 'Retry-After': '1' } })
  }

  /** A 404 for a name or version that the current snapshot does not hold. */
  static notFound(detail: string): HttpProblem {
    return new HttpProblem(404, detail, ProblemTypes.notFound)
  }
}

/** The standard reason phrase for a status code (`Not Found`), or `Error` for an unknown code. */
export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error'
}

/** Builds the problem body for `status`; `instance` is the request path the problem is about. */
export function problemBody(
  status: number, detail: string, instance: string, type: string = ProblemTypes.blank,
  errors?: readonly ProblemFieldError[],
): ProblemBody {
  const base = { type, title: statusTitle(status), status, detail, instance, error: detail }
  return errors === undefined ? base : { ...base, errors }
}
