import { join } from 'node:path'

/** Loopback ports of one plane. */
export interface PlanePorts {
  readonly etcdClient: number
  readonly etcdPeer: number
  readonly apiServer: number
  readonly kwok: number
}

/** Files and folders of one plane, all below `dir`. */
export interface PlaneFiles {
  readonly dir: string
  readonly etcdData: string
  readonly pki: string
  readonly tokenAuthFile: string
  readonly serviceAccountKey: string
  readonly serviceAccountPub: string
  readonly kubeconfig: string
  /** kwok's `--config`: a copy of the Stage documents (see the launcher). */
  readonly kwokConfig: string
  readonly logs: string
}

/** Service CIDR of the plane; the API server takes its first address for the `kubernetes` Service. */
export const ServiceClusterIpRange = '10.0.0.0/24'

/** Pod CIDR kwok assigns pod IPs from (distinct from the service range). */
export const PodCidr = '10.244.0.0/16'

/** Annotation that marks a Node as managed by our kwok instance. */
export const KwokNodeAnnotation = 'kwok.x-k8s.io/node'

/**
 * Controllers started in kube-controller-manager: enough for Deployments to roll out, owner-reference cascading
 * deletes, namespace deletion and default ServiceAccounts. Node lifecycle, IPAM, service-account token secrets and
 * certificate controllers are left out on purpose (they need extra keys or would taint the fake node).
 */
export const Controllers = [
  'deployment-controller',
  'replicaset-controller',
  'statefulset-controller',
  'job-controller',
  'garbage-collector-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'endpointslice-controller',
] as const

/** Paths of a plane rooted at `dir`. */
export function planeFiles(dir: string): PlaneFiles {
  return {
    dir,
    etcdData: join(dir, 'etcd'),
    pki: join(dir, 'pki'),
    tokenAuthFile: join(dir, 'tokens.csv'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPub: join(dir, 'sa.pub'),
    kubeconfig: join(dir, 'kubeconfig'),
    kwokConfig: join(dir, 'kwok.yaml'),
    logs: join(dir, 'logs'),
  }
}

/** etcd flags: single member on loopback, no fsync (test data only; makes writes ~10x cheaper on slow disks). */
export function etcdArgs(files: PlaneFiles, ports: PlanePorts): string[] {
  const client = `http://127.0.0.1:${ports.etcdClient}`
  const peer = `http://127.0.0.1:${ports.etcdPeer}`
  return [
    '--name=thv',
    `--data-dir=${files.etcdData}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=thv=${peer}`,
    '--unsafe-no-fsync=true',
    '--quota-backend-bytes=2147483648',
    '--log-level=warn',
  ]
}

/**
 * kube-apiserver flags. The serving certificate is self-signed by the API server into `--cert-dir` (kept across
 * restarts, so clients keep trusting it); authentication is a static token file; authorization is RBAC only.
 */
export function apiServerArgs(files: PlaneFiles, ports: PlanePorts): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports.apiServer}`,
    `--cert-dir=${files.pki}`,
    `--token-auth-file=${files.tokenAuthFile}`,
    '--authorization-mode=RBAC',
    '--allow-privileged=true',
    `--service-cluster-ip-range=${ServiceClusterIpRange}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${files.serviceAccountPub}`,
    `--service-account-signing-key-file=${files.serviceAccountKey}`,
    // ServiceAccount: no token controller runs and pods need no mounted tokens under kwok (envtest does the same).
    // TaintNodesByCondition: it gives every new Node a `node.kubernetes.io/not-ready:NoSchedule` taint that only
    // node-lifecycle-controller removes; we do not run that controller (it would also evict on missed heartbeats),
    // so the fake node would stay unschedulable and no Deployment would ever become Available.
    '--disable-admission-plugins=ServiceAccount,TaintNodesByCondition',
    // Single API server on loopback: no need to maintain the `kubernetes` Endpoints object.
    '--endpoint-reconciler-type=none',
    // API Priority and Fairness would queue bursts of test/bench requests and costs startup time (bootstrap
    // FlowSchemas); the plain max-inflight limits apply instead.
    '--enable-priority-and-fairness=false',
    '--max-requests-inflight=2000',
    '--max-mutating-requests-inflight=1000',
    '--profiling=false',
  ]
}

/** kube-controller-manager flags; it talks to the API server with the admin kubeconfig and serves no port. */
export function controllerManagerArgs(files: PlaneFiles): string[] {
  return [
    `--kubeconfig=${files.kubeconfig}`,
    '--leader-elect=false',
    '--secure-port=0',
    `--controllers=${Controllers.join(',')}`,
    '--use-service-account-credentials=false',
  ]
}

/** kube-scheduler flags; it serves no port. */
export function schedulerArgs(files: PlaneFiles): string[] {
  return [`--kubeconfig=${files.kubeconfig}`, '--leader-elect=false', '--secure-port=0']
}

/**
 * kwok flags: manage only nodes carrying {@link KwokNodeAnnotation}=fake and simulate their pods
 * (kwok's built-in default stages move pods to Running/Ready).
 */
export function kwokArgs(files: PlaneFiles, ports: PlanePorts): string[] {
  return [
    `--kubeconfig=${files.kubeconfig}`,
    `--config=${files.kwokConfig}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${KwokNodeAnnotation}=fake`,
    '--manage-nodes-with-label-selector=',
    '--manage-single-node=',
    `--cidr=${PodCidr}`,
    '--node-ip=127.0.0.1',
    '--node-lease-duration-seconds=40',
    `--server-address=127.0.0.1:${ports.kwok}`,
  ]
}
