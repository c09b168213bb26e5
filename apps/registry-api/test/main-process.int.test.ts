/**
 * The thv-registry-api process as it ships (main.ts run by node): its configuration errors, `--help`, and a
 * graceful SIGTERM, observed only from outside: HTTP answers, connection refusals, stdout/stderr and exit codes.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { get } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { allocateFreePorts, eventually, notYet } from '@thv/testkit'
import { expect } from 'chai'
import { fixturePath, REPO_ROOT } from './support/fixtures.js'

const MAIN = join(REPO_ROOT, 'apps/registry-api/src/main.ts')

interface Finished { readonly code: number | null; readonly stdout: string; readonly stderr: string; readonly at: number }

/** Starts main.ts with `args`; `finished` resolves with its exit code, its whole output and when it exited. */
function startProcess(args: string[]): { child: ChildProcess; finished: Promise<Finished> } {
  const child = spawn(process.execPath, ['--conditions=@thv/source', '--import', 'tsx', MAIN, ...args], {
    cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' },
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (c: Buffer) => { stdout += c.toString('utf8') })
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString('utf8') })
  const finished = new Promise<Finished>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr, at: Date.now() })))
  return { child, finished }
}

/** Status code of `GET path`, or undefined when the connection is refused. */
function statusOf(port: number, path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false }, (res) => { res.resume(); resolve(res.statusCode) })
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? resolve(undefined) : reject(err)))
  })
}

describe('thv-registry-api process', function () {
  this.timeout(120_000)

  it('answers a request in flight at SIGTERM, stops accepting, and exits 0 once it is drained', async () => {
    const [port] = await allocateFreePorts(1) as [number]
    // A shutdown timeout far beyond the test's waits: an exit before it means the server drained, not gave up.
    const shutdownTimeoutMs = 90_000
    const proc = startProcess(['--file', fixturePath('toolhive-registry.json'), '--port', String(port), '--host', '127.0.0.1',
      '--shutdown-timeout-ms', String(shutdownTimeoutMs)])
    let exited: Finished | undefined
    void proc.finished.then((f) => { exited = f })
    try {
      await eventually(async () => ((await statusOf(port, '/readiness')) === 200 ? true : notYet()), {
        description: 'the API to answer /readiness with 200', timeoutMs: 60_000, intervalMs: 50,
        abortIf: () => (exited === undefined ? undefined : new Error(`the API exited with ${exited.code}: ${exited.stderr}`)),
      })
      // A request whose header section is still arriving is in flight: the server has started reading it.
      const socket = connect(port, '127.0.0.1')
      await new Promise((resolve) => socket.once('connect', resolve))
      let answer = ''
      socket.on('error', (err) => { answer += `socket error: ${err.message}` })
      socket.on('data', (c: Buffer) => { answer += c.toString('utf8') })
      const closed = new Promise((resolve) => socket.once('close', resolve))
      socket.write('GET /api/v1/registry/info HTTP/1.1\r\nHost: registry\r\n')
      proc.child.kill('SIGTERM')
      await eventually(async () => ((await statusOf(port, '/health')) === undefined ? true : notYet()), {
        description: 'the API to refuse new connections after SIGTERM', timeoutMs: 10_000, intervalMs: 10,
      })
      expect(exited, 'process waits for the in-flight request').to.equal(undefined)
      const answeredAt = Date.now()
      socket.write('\r\n')
      await closed
      expect(answer.split('\r\n')[0]).to.equal('HTTP/1.1 200 OK')
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).to.deep.include({ name: 'toolhive-registry', serverCount: 86 })
      const { code, at } = await proc.finished
      expect(code).to.equal(0)
      expect(at - answeredAt, 'exits as soon as the last request is done, not at the shutdown timeout').to.be.below(shutdownTimeoutMs / 3)
    } finally {
      proc.child.kill('SIGKILL')
    }
  })

  it('prints every flag with its env twin and default for --help and exits 0', async () => {
    const { code, stdout } = await startProcess(['--help']).finished
    expect(code).to.equal(0)
    for (const [flag, env, dflt] of <[string, string, string][]>[['--file', 'THV_REGISTRY_FILE', ''], ['--registry', 'THV_REGISTRY_REGISTRY', ''], ['--port', 'THV_REGISTRY_PORT', '8080'], ['--host', 'THV_REGISTRY_HOST', '0.0.0.0'], ['--log-level', 'THV_REGISTRY_LOG_LEVEL', 'info']]) {
      expect(stdout).to.match(new RegExp(`${flag}\\s+${env}\\s+${dflt.replace(/\./g, '\\.')}`))
    }
  })

  it('exits 2 naming the flag when the configuration is invalid', async () => {
    const { code, stderr } = await startProcess(['--file', 'x.json', '--port', '99999']).finished
    expect(code).to.equal(2)
    expect(stderr).to.equal('--port (THV_REGISTRY_PORT): must be an integer from 0 to 65535, got "99999"\n')
  })
})
