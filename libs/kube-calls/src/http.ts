/**
 * @packageDocumentation
 * `@thv/kube-calls/http`: read calls on the Kubernetes API without @kubernetes/client-node at run time
 * ({@link KubeHttp}, {@link loadKubeCredentials}), and {@link httpStatusOf}. Importing this entry point never loads
 * client-node; the package's main entry does (its `withSignal` is a client-node middleware).
 */
export { KubeHttp, KubeHttpError, MaxKubeResponseBytes } from './kube-http.js'
export type { KubeQuery, KubeWatchEvent } from './kube-http.js'
export { loadKubeCredentials, fromKubeconfig, InClusterServiceAccountDir } from './kube-credentials.js'
export type { KubeCredentials, KubeCredentialsOptions, KubeCredentialsResult } from './kube-credentials.js'
export { httpStatusOf } from './http-status.js'
