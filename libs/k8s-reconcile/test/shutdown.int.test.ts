import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { expect } from 'chai'
import { KubeClient } from '../src/index.js'
import { eventually } from '@thv/testkit'
import { installCrd, WidgetKind, type Widget } from './int-support.js'

const SCRIPT = fileURLToPath(new URL('./fixtures/slow-reconcile.main.ts', import.meta.url))
const REPO = fileURLToPath(new URL('../../../', import.meta.url))

describe('Graceful shutdown (real control plane, child process)', function () {
  this.timeout(120_000)

  it('on SIGTERM finishes the slow reconcile in flight, starts nothing new and exits 0', async () => {
    const plane = await getTestControlPlane()
    await installCrd(plane.kubeConfig())
    const client = new KubeClient(plane.kubeConfig())
    const ns = await createTestNamespace('shutdown')
    const child = spawn(process.execPath, ['--conditions=@thv/source', '--import', 'tsx', SCRIPT, ns], {
      cwd: REPO,
      env: { ...process.env, KUBECONFIG: plane.kubeconfigPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const lines = () => stdout.split('\n').filter(Boolean)
    try {
      const make = (name: string) => client.create(WidgetKind, ns, { apiVersion: 'reconcile.test.thv.dev/v1', kind: 'Widget', metadata: { name }, spec: { n: 1 } } as Widget)
      await make('first')
      await eventually(() => expect(lines()).to.include('START first'), { timeoutMs: 60_000, description: `child to start reconciling (stderr: ${stderr})`, intervalMs: 50 })
      await make('second')
      await eventually(() => expect(lines()).to.include('SEEN second'), { timeoutMs: 15_000, intervalMs: 50 })
      child.kill('SIGTERM')
      const code = await exited
      expect(code, stderr).to.equal(0)
      expect(lines().filter((l) => !l.startsWith('SEEN'))).to.deep.equal([
        'START first',
        'SIGTERM',
        'END first',
        'EXIT {"reason":"shutdown","drainedInTime":true}',
      ])
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
