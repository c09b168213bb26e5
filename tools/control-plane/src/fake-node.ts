import { CoreV1Api, ApiException, type KubeConfig, type V1Node } from '@kubernetes/client-node'
import { KwokNodeAnnotation } from './component-args.js'
import { eventually, notYet } from '@thv/testkit'

/** Name of the fake node kwok manages. */
export const FakeNodeName = 'kwok-node-0'

/**
 * The fake Node: annotated for our kwok instance, no taints (so ordinary pods schedule onto it), generous capacity.
 * kwok fills in conditions, addresses and heartbeats.
 */
export function fakeNode(name = FakeNodeName): V1Node {
  const resources = { cpu: '32', memory: '256Gi', pods: '250' }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KwokNodeAnnotation]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
    spec: {},
    status: { allocatable: resources, capacity: resources },
  }
}

/** Creates the fake node (if absent) and waits until kwok reports it Ready (and it carries no taint). */
export async function createFakeNode(kc: KubeConfig, timeoutMs: number, abortIf?: () => Error | undefined): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api)
  try {
    await core.createNode({ body: fakeNode() })
  } catch (err) {
    if (!(err instanceof ApiException) || err.code !== 409) throw new Error(`Cannot create node ${FakeNodeName}`, { cause: err })
  }
  await eventually(
    async () => {
      const node = await core.readNode({ name: FakeNodeName })
      const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
      return ready && (node.spec?.taints ?? []).length === 0 ? true : notYet()
    },
    { description: `node ${FakeNodeName} Ready (kwok)`, timeoutMs, intervalMs: 200, ...(abortIf ? { abortIf } : {}) },
  )
}
