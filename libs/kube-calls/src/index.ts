/**
 * @packageDocumentation
 * Helpers for single Kubernetes API calls, shared by the I/O libraries, the controller framework and the apps:
 * an AbortSignal on a client-node request ({@link withSignal}), the HTTP status of a failure ({@link httpStatusOf}), and
 * read calls without client-node ({@link KubeHttp}, {@link loadKubeCredentials}; also the `@thv/kube-calls/http` entry
 * point, which never loads client-node).
 */
export { withSignal } from './with-signal.js'
export { httpStatusOf } from './http-status.js'
export { KubeHttp, KubeHttpError, MaxKubeResponseBytes } from './kube-http.js'
export type { KubeQuery, KubeWatchEvent } from './kube-http.js'
export { loadKubeCredentials, fromKubeconfig, InClusterServiceAccountDir } from './kube-credentials.js'
export type { KubeCredentials, KubeCredentialsOptions, KubeCredentialsResult } from './kube-credentials.js'
