/**
 * @packageDocumentation
 * Helpers for single Kubernetes API calls, shared by the I/O libraries, the controller framework and the apps:
 * an AbortSignal on a client-node request ({@link withSignal}) and the HTTP status of a failure ({@link httpStatusOf}).
 */
export { withSignal } from './with-signal.js'
export { httpStatusOf } from './http-status.js'
