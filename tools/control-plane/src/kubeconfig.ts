import { stringify } from 'yaml'

/** What a kubeconfig for one bearer-token user of the plane contains. */
export interface KubeconfigParams {
  /** `https://127.0.0.1:<port>` */
  readonly server: string
  /** PEM bundle that verifies the API server's serving certificate. */
  readonly caPem: string
  readonly token: string
  /** User and context name; default `admin`. */
  readonly userName?: string
  /** Default namespace of the context. */
  readonly namespace?: string
}

/** Context (and cluster) name used in every kubeconfig of the plane. */
export const KubeconfigClusterName = 'thv-control-plane'

/** Renders a self-contained kubeconfig (CA embedded as base64, bearer token) as YAML. */
export function renderKubeconfig(params: KubeconfigParams): string {
  const user = params.userName ?? 'admin'
  const context = `${user}@${KubeconfigClusterName}`
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [
      {
        name: KubeconfigClusterName,
        cluster: { server: params.server, 'certificate-authority-data': Buffer.from(params.caPem).toString('base64') },
      },
    ],
    users: [{ name: user, user: { token: params.token } }],
    contexts: [
      {
        name: context,
        context: { cluster: KubeconfigClusterName, user, ...(params.namespace ? { namespace: params.namespace } : {}) },
      },
    ],
    'current-context': context,
  })
}
