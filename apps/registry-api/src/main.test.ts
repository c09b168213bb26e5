import { spawn, type ChildProcess } from 'node:child_process'
import { get } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { expect } from 'chai'
import { fixturePath, REPO_ROOT } from '../test/support/fixtures.js'

const MAIN = join(REPO_ROOT, 'apps/registry-api/src/main.ts')

interface LogLine { message: string; port?: number; outcome?: string }

function startProcess(args: string[]): { child: ChildProcess; lines: LogLine[]; waitForLog: (message: string, timeoutMs: number) => Promise<LogLine> } {
  const child = spawn(process.execPath, ['--conditions=@thv/source', '--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: LogLine[] = []
  const waiters: { message: string; resolve: (l: LogLine) => void }[] = []
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    if (!text.startsWith('{')) return
    const line = JSON.parse(text) as LogLine
    lines.push(line)
    for (const w of waiters.filter((x) => x.message === line.message)) w.resolve(line)
  })
  const waitForLog = (message: string, timeoutMs: number): Promise<LogLine> => {
    const seen = lines.find((l) => l.message === message)
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${message}" log within ${timeoutMs} ms`)), timeoutMs)
      waiters.push({ message, resolve: (l) => { clearTimeout(timer); resolve(l) } })
    })
  }
  return { child, lines, waitForLog }
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString('utf8') })
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })))
}

async function refusesConnections(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const req = get({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => { res.resume(); resolve(false) })
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'))
    })
    if (refused) return
    if (Date.now() > deadline) throw new Error('server still accepts connections')
    await new Promise((r) => setImmediate(r))
  }
}

describe('thv-registry-api process', function () {
  this.timeout(120_000)
  it('answers a request in flight at SIGTERM, stops accepting, and exits 0', async () => {
    const proc = startProcess(['--file', fixturePath('toolhive-registry.json'), '--port', '0', '--host', '127.0.0.1'])
    const exited = exitOf(proc.child)
    try {
      const { port } = await proc.waitForLog('Listening', 60_000)
      await proc.waitForLog('Loaded registry snapshot', 60_000)
      // A request whose header section is still arriving is in flight: the server has started reading it.
      const socket = connect(port as number, '127.0.0.1')
      await new Promise((resolve) => socket.once('connect', resolve))
      let answer = ''
      socket.on('error', (err) => { answer += `socket error: ${err.message}` })
      socket.on('data', (c: Buffer) => { answer += c.toString('utf8') })
      const closed = new Promise((resolve) => socket.once('close', resolve))
      socket.write('GET /api/v1/registry/info HTTP/1.1\r\nHost: registry\r\n')
      proc.child.kill('SIGTERM')
      await proc.waitForLog('Shutting down', 10_000)
      await refusesConnections(port as number, 10_000)
      expect(proc.child.exitCode, 'process waits for the in-flight request').to.equal(null)
      socket.write('\r\n')
      await closed
      expect(answer.split('\r\n')[0]).to.equal('HTTP/1.1 200 OK')
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).to.deep.include({ name: 'toolhive-registry', serverCount: 86 })
      const { code } = await exited
      expect(code).to.equal(0)
      expect(proc.lines.find((l) => l.message === 'Stopped')?.outcome).to.equal('drained')
    } finally {
      proc.child.kill('SIGKILL')
    }
  })

  it('prints every flag with its env twin and default for --help', async () => {
    const proc = startProcess(['--help'])
    let out = ''
    proc.child.stdout?.on('data', (c: Buffer) => { out += c.toString('utf8') })
    const { code } = await exitOf(proc.child)
    expect(code).to.equal(0)
    for (const [flag, env, dflt] of <[string, string, string][]>[['--file', 'THV_REGISTRY_FILE', ''], ['--registry', 'THV_REGISTRY_REGISTRY', ''], ['--port', 'THV_REGISTRY_PORT', '8080'], ['--host', 'THV_REGISTRY_HOST', '0.0.0.0'], ['--log-level', 'THV_REGISTRY_LOG_LEVEL', 'info']]) {
      expect(out).to.match(new RegExp(`${flag}\\s+${env}\\s+${dflt.replace(/\./g, '\\.')}`))
    }
  })

  it('exits 2 naming the flag when the configuration is invalid', async () => {
    const proc = startProcess(['--file', 'x.json', '--port', '99999'])
    const { code, stderr } = await exitOf(proc.child)
    expect(code).to.equal(2)
    expect(stderr).to.equal('--port (THV_REGISTRY_PORT): must be an integer from 0 to 65535, got "99999"\n')
  })
})
