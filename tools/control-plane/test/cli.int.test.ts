import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { expect } from 'chai'
import { FakeNodeName } from '../src/index.js'
import { processAlive as alive } from '../src/cluster-state.js'

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const run = promisify(execFile)

describe('control plane: npm run cluster -- up | status | down', function () {
  this.timeout(180_000)
  let home: string
  const env = () => ({ ...process.env, THV_CLUSTER_HOME: home })
  const cluster = (command: string) =>
    run(process.execPath, ['--conditions=@thv/source', '--import', 'tsx', CLI, command], { env: env() }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    )

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'thv-cluster-cli-'))
  })
  after(async () => {
    await cluster('down')
    rmSync(home, { recursive: true, force: true })
  })

  it('up returns with the plane running and prints KUBECONFIG; status reports it; down stops it', async () => {
    const up = await cluster('up')
    expect(up.code, up.stdout).to.equal(0)
    const kubeconfigPath = /^KUBECONFIG=(.+)$/m.exec(up.stdout)?.[1]
    expect(kubeconfigPath, up.stdout).to.be.a('string')

    // `up` has returned; the plane still serves, with the kwok node of a controllers-enabled plane.
    const kc = new KubeConfig()
    kc.loadFromFile(kubeconfigPath as string)
    const node = await kc.makeApiClient(CoreV1Api).readNode({ name: FakeNodeName })
    expect(node.metadata?.name).to.equal(FakeNodeName)

    const again = await cluster('up')
    expect(again.stdout).to.contain('already running').and.contain(`KUBECONFIG=${kubeconfigPath}`)

    const status = await cluster('status')
    expect(status.code).to.equal(0)
    expect(status.stdout).to.contain('/readyz: ready')
    const pids = [...status.stdout.matchAll(/pid (\d+) running/g)].map((m) => Number(m[1]))
    expect(pids).to.have.length(5)

    const down = await cluster('down')
    expect(down.stdout).to.contain('Control plane stopped')
    for (const pid of pids) expect(alive(pid), `pid ${pid} after down`).to.equal(false)
    const after = await cluster('status')
    expect(after.code).to.equal(1)
    expect(after.stdout).to.contain('not running')
  })
})
