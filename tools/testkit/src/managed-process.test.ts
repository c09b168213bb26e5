import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { eventually } from './poll.js'
import { ManagedProcess, type ManagedProcessOptions } from './managed-process.js'

const dir = mkdtempSync(join(tmpdir(), 'thv-testkit-process-'))
const node = (name: string, script: string, extra: Partial<ManagedProcessOptions> = {}): ManagedProcess =>
  ManagedProcess.start({ name, command: process.execPath, args: ['-e', script], logPath: join(dir, `${name}.log`), ...extra })

describe('ManagedProcess', () => {
  it('reports the exit code and keeps stdout and stderr in the log', async () => {
    const p = node('exit3', 'console.log("out"); console.error("err"); process.exit(3)')
    expect(await p.exited).to.equal(3)
    expect(p.isRunning).to.equal(false)
    expect(p.describeExit()).to.equal('exited with code 3')
    expect(readFileSync(p.logPath, 'utf8').split('\n').filter(Boolean).sort()).to.deep.equal(['err', 'out'])
    expect(p.logTail(1)).to.match(/^(out|err)$/)
  })

  it('stops with SIGTERM and tells the tracker about start and exit', async () => {
    const seen: string[] = []
    const p = node('sleeper', 'setInterval(() => {}, 1000)', { tracker: { track: (pid) => seen.push(`+${pid}`), untrack: (pid) => seen.push(`-${pid}`) }, ownGroup: true })
    expect(p.isRunning).to.equal(true)
    expect(await p.stop(5_000)).to.equal('SIGTERM')
    expect(p.describeExit()).to.equal('killed by SIGTERM')
    expect(seen).to.deep.equal([`+${p.pid}`, `-${p.pid}`])
  })

  it('falls back to SIGKILL when SIGTERM is ignored', async () => {
    const p = node('stubborn', 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)')
    await eventually(() => expect(p.logTail()).to.include('ready'), { timeoutMs: 10_000, intervalMs: 20 })
    expect(await p.stop(200)).to.equal('SIGKILL')
  })

  it('reports a spawn failure as its exit status', async () => {
    const p = ManagedProcess.start({ name: 'missing', command: join(dir, 'no-such-binary'), args: [], logPath: join(dir, 'missing.log') })
    expect(await p.exited).to.match(/^spawn error: .*ENOENT/)
    expect(p.describeExit()).to.match(/^spawn error: .*ENOENT/)
  })
})
