// ToolHive's own example MCPRegistry manifests (testdata/toolhive-examples), applied unchanged to the real control
// plane with the operator running: exactly the files the README's "ToolHive manifests" section names are accepted and
// every registry in them becomes Ready with the server count ToolHive's filters give; the others are refused at
// admission with the reason the README gives. A later issue that widens what is accepted updates this table and
// the README together.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { KubernetesObject } from '@kubernetes/client-node'
import { createTestNamespace } from '@thv/control-plane'
import { KubeApiError, type KubeClient } from '@thv/k8s-reconcile'
import { parseAllDocuments } from 'yaml'
import { eventually } from '@thv/testkit'
import { AllTrue, conditionSummary, readRegistry, startOperator, testClients, type RunningOperator } from './operator-harness.js'

const EXAMPLES = fileURLToPath(new URL('../../../testdata/toolhive-examples', import.meta.url))

type Expectation =
  | { readonly accepted: Readonly<Record<string, number>> }
  | { readonly fetchRefused: { readonly registry: string; readonly host: string } }
  | { readonly refused: { readonly registry: string; readonly code: number; readonly message: RegExp } }
  | { readonly unsupported: { readonly registry: string; readonly servers: number; readonly fields: string } }

/**
 * Every example file and what happens to it. Accepted: each MCPRegistry in it and the servers its filter keeps
 * (counted from the file's data with ToolHive's rules: a name or tag include list keeps only matches, an exclude
 * list drops matches). Fetch refused: admitted and decoded unchanged, but its remote source (github.com) is refused
 * by the egress policy the test runs with. Refused: the MCPRegistry the API server refuses, its HTTP status and message.
 * Unsupported: accepted and Ready, with `Unsupported=True` naming the fields of ToolHive's schema that have no effect here.
 */
const EXPECTED: Readonly<Record<string, Expectation>> = {
  'v1alpha1-2e72ffe/mcpregistry-minimal.yaml': { accepted: { 'minimal-registry': 2 } },
  'v1alpha1-2e72ffe/mcpregistry-configmap.yaml': { accepted: { 'example-registry': 2 } },
  'v1alpha1-2e72ffe/mcpregistry-automatic-sync.yaml': { accepted: { 'auto-sync-registry': 3 } },
  'v1alpha1-2e72ffe/mcpregistry-advanced-filtering.yaml': {
    accepted: { 'database-only-registry': 3, 'production-monitoring-registry': 2, 'development-tools-registry': 2 },
  },
  'v1alpha1-2e72ffe/mcpregistry-tag-filtering.yaml': {
    accepted: { 'security-tools-registry': 3, 'utility-tools-registry': 2, 'ai-ml-registry': 1 },
  },
  'v1alpha1-2e72ffe/mcpregistry-git-simple.yaml': {
    fetchRefused: { registry: 'toolhive-git-simple', host: 'github.com' },
  },
  'v1alpha1-2e72ffe/mcpregistry-git-commit.yaml': {
    fetchRefused: { registry: 'toolhive-git-commit', host: 'github.com' },
  },
  'v1alpha1-2e72ffe/mcpregistry-git-toolhive.yaml': {
    fetchRefused: { registry: 'toolhive-git-registry', host: 'github.com' },
  },
  'v1alpha1-2e72ffe/mcpregistry-enforcing.yaml': {
    unsupported: { registry: 'enforcing-registry', servers: 3, fields: 'spec.enforceServers' },
  },
  'configyaml-e25de16/mcpregistry-configyaml-minimal.yaml': {
    refused: { registry: 'minimal-configyaml', code: 404, message: /404/ },
  },
  'configyaml-e25de16/mcpregistry-configyaml-configmap.yaml': {
    refused: { registry: 'configmap-configyaml', code: 404, message: /404/ },
  },
}

interface Manifest extends KubernetesObject { readonly apiVersion: string; readonly kind: string; metadata: { name: string; namespace?: string } }

function manifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(EXAMPLES, file), 'utf8')).map((d) => d.toJS() as Manifest | null).filter((m): m is Manifest => m !== null)
}

/**
 * Creates one object as `kubectl apply` does on a new object: server-side strict field validation (kubectl's
 * default), so an unknown field is an error rather than silently dropped. The example's namespace is replaced by
 * the test's own (as `kubectl apply -n` would need the files' namespace to exist and be shared between tests).
 */
async function create(client: KubeClient, namespace: string, object: Manifest): Promise<void> {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') as [string, string] : ['', object.apiVersion]
  const kind = object.kind.toLowerCase()
  const plural = kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s` // MCPRegistry -> mcpregistries
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`
  await client.request('POST', `${prefix}/namespaces/${namespace}/${plural}`, {
    body: { ...object, metadata: { ...object.metadata, namespace } },
    query: { fieldValidation: 'Strict', fieldManager: 'kubectl-client-side-apply' },
  })
}

describe("ToolHive's example MCPRegistry manifests", function () {
  this.timeout(300_000)
  let client: KubeClient
  let running: RunningOperator | undefined

  before(async () => {
    client = (await testClients(await createTestNamespace('th-examples-crd'))).client
    // The git examples name github.com: tests never leave 127.0.0.0/8, so the host allow-list excludes it and the
    // egress policy refuses the fetch before any DNS lookup or connection.
    running = await startOperator({ remoteSources: { allowedHosts: ['*.test.invalid'] } })
  })
  after(async () => {
    await running?.stop()
  })

  it('has an expectation for every example file in testdata', () => {
    const files = readdirSync(EXAMPLES, { withFileTypes: true }).filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(EXAMPLES, d.name)).filter((f) => f.endsWith('.yaml')).map((f) => `${d.name}/${f}`))
    expect(files.sort()).to.deep.equal(Object.keys(EXPECTED).sort())
  })

  it('refuses the configYAML form under v1alpha1 too (ToolHive served it there as an alias of v1beta1)', async () => {
    const ns = await createTestNamespace('th-example')
    for (const file of Object.keys(EXPECTED).filter((f) => f.startsWith('configyaml-'))) {
      for (const object of manifests(file).filter((m) => m.kind === 'MCPRegistry')) {
        const refusal = await create(client, ns, { ...object, apiVersion: 'toolhive.stacklok.dev/v1alpha1' }).then(() => undefined, (err: unknown) => err)
        expect(refusal, object.metadata.name).to.be.instanceOf(KubeApiError)
        expect([(refusal as KubeApiError).code, (refusal as KubeApiError).message]).to.satisfy(([code, text]: [number, string]) =>
          code === 400 && /unknown field "spec\.configYAML"/.test(text))
      }
    }
  })

  for (const [file, expectation] of Object.entries(EXPECTED)) {
    if ('accepted' in expectation) {
      it(`accepts ${file} unchanged; each registry becomes Ready with ToolHive's filter count`, async () => {
        const ns = await createTestNamespace('th-example')
        for (const object of manifests(file)) await create(client, ns, object)
        const names = manifests(file).filter((m) => m.kind === 'MCPRegistry').map((m) => m.metadata.name)
        expect(names.sort()).to.deep.equal(Object.keys(expectation.accepted).sort())
        const counts: Record<string, number | undefined> = {}
        for (const name of names) {
          const registry = await eventually(async () => {
            const r = await readRegistry(client, ns, name)
            expect(conditionSummary(r?.status), name).to.deep.equal(AllTrue)
            return r
          }, { timeoutMs: 120_000 })
          counts[name] = registry?.status?.serverCount
        }
        expect(counts).to.deep.equal(expectation.accepted)
      })
    } else if ('fetchRefused' in expectation) {
      const { registry, host } = expectation.fetchRefused
      it(`accepts ${registry} of ${file} unchanged; the fetch is refused by the test's egress policy (no traffic leaves the machine)`, async () => {
        const ns = await createTestNamespace('th-example')
        for (const object of manifests(file)) await create(client, ns, object)
        const condition = await eventually(async () => {
          const c = (await readRegistry(client, ns, registry))?.status?.conditions?.find((x) => x.type === 'SourceAvailable')
          expect(c?.status).to.equal('False')
          return c
        }, { timeoutMs: 60_000 })
        expect(condition?.reason).to.equal('SourceRefusedByPolicy')
        expect(condition?.message).to.include(host).and.include('rule allowed-source-hosts')
      })
    } else if ('unsupported' in expectation) {
      const { registry, servers, fields } = expectation.unsupported
      it(`accepts ${registry} of ${file} unchanged; it becomes Ready and Unsupported=True names ${fields}`, async () => {
        const ns = await createTestNamespace('th-example')
        for (const object of manifests(file)) await create(client, ns, object)
        const r = await eventually(async () => {
          const got = await readRegistry(client, ns, registry)
          expect(conditionSummary(got?.status)).to.deep.equal({ ...AllTrue, Unsupported: ['True', 'UnsupportedFields'] })
          return got
        }, { timeoutMs: 120_000 })
        expect(r?.status?.serverCount).to.equal(servers)
        expect(r?.status?.conditions?.find((c) => c.type === 'Unsupported')?.message).to.equal(`Accepted but not implemented, so without effect: ${fields}`)
      })
    } else {
      const { registry, code, message } = expectation.refused
      it(`refuses ${registry} of ${file} at admission (HTTP ${code})`, async () => {
        const ns = await createTestNamespace('th-example')
        const objects = manifests(file)
        expect(objects.filter((m) => m.kind === 'MCPRegistry').map((m) => m.metadata.name)).to.deep.equal([registry])
        let refusal: unknown
        for (const object of objects) {
          if (object.kind !== 'MCPRegistry') {
            await create(client, ns, object) // the file's ConfigMap is fine; only its MCPRegistry is refused
            continue
          }
          refusal = await create(client, ns, object).then(() => undefined, (err: unknown) => err)
        }
        expect(refusal).to.be.instanceOf(KubeApiError)
        expect((refusal as KubeApiError).code, (refusal as KubeApiError).message).to.equal(code)
        expect((refusal as KubeApiError).message).to.match(message)
        expect(await readRegistry(client, ns, registry)).to.equal(undefined)
      })
    }
  }
})
