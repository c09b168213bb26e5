/** Helpers for this library's integration tests: a test CRD of our own, polling, etcd access. */
import { randomBytes } from 'node:crypto'
import { ApiextensionsV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node'
import { httpStatusOf, type KindDescriptor } from '../src/index.js'
import { eventually } from '@thv/testkit'

/**
 * Test resource: `reconcile.test.thv.dev/v1 Widget`, namespaced, with a status subresource and a free-form spec.
 * Its own group, so it never clashes with `widgets.test.thv.dev` of the control-plane tests in the same run.
 */
export const WidgetKind: KindDescriptor = { group: 'reconcile.test.thv.dev', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true }

/** A Widget object. */
export interface Widget extends KubernetesObject {
  spec?: { n?: number; note?: string }
  status?: { observedGeneration?: number; seen?: number; conditions?: Array<Record<string, unknown>> }
}

/** A fresh kind name for tests that install their CRD late. */
export function uniqueKind(prefix: string): KindDescriptor {
  const suffix = randomBytes(3).toString('hex')
  const kind = `${prefix}${suffix}`
  return { group: 'reconcile.test.thv.dev', version: 'v1', kind, plural: `${kind.toLowerCase()}s`, namespaced: true }
}

/** Creates the CRD of `kind` (idempotent) and waits until it is Established and served. */
export async function installCrd(kc: KubeConfig, kind: KindDescriptor = WidgetKind): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api)
  const name = `${kind.plural}.${kind.group}`
  try {
    await api.createCustomResourceDefinition({
      body: {
        metadata: { name },
        spec: {
          group: kind.group,
          scope: kind.namespaced ? 'Namespaced' : 'Cluster',
          names: { kind: kind.kind, plural: kind.plural, singular: kind.kind.toLowerCase(), listKind: `${kind.kind}List` },
          versions: [
            {
              name: kind.version,
              served: true,
              storage: true,
              subresources: { status: {} },
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
                    status: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
                  },
                },
              },
            },
          ],
        },
      },
    })
  } catch (err) {
    if (httpStatusOf(err) !== 409) throw err
  }
  await eventually(async () => {
    const crd = await api.readCustomResourceDefinition({ name })
    const established = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
    if (!established) throw new Error(`CRD ${name} not established yet`)
  }, { timeoutMs: 30_000, description: `CRD ${name} established` })
}

/** A plain etcd v3 JSON-gateway client for the test plane's etcd (plain HTTP on loopback). */
export function etcdClient(port: number) {
  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: JSON.stringify(body) })
    if (!res.ok) throw new Error(`etcd ${path}: HTTP ${res.status} ${await res.text()}`)
    return (await res.json()) as Record<string, unknown>
  }
  const b64 = (s: string) => Buffer.from(s).toString('base64')
  return {
    /** Writes a key outside the apiserver's prefix; returns the new store revision. */
    async bump(): Promise<number> {
      const res = await post('/v3/kv/put', { key: b64('/thv-test/bump'), value: b64(String(Date.now())) })
      return Number((res['header'] as { revision: string }).revision)
    },
    /** Compacts history up to `revision`, so older resourceVersions cannot be watched from etcd. */
    async compact(revision: number): Promise<void> {
      await post('/v3/kv/compaction', { revision: String(revision), physical: true })
    },
  }
}
