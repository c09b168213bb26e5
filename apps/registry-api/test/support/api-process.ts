// The API as a real process (`main.ts --file …` or `--registry …`), for tests that need it as it runs in production.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { eventually } from '@thv/testkit'
import { expect } from 'chai'
import { REPO_ROOT } from './fixtures.js'

const MAIN = join(REPO_ROOT, 'apps/registry-api/src/main.ts')

/** A running API process. */
export interface ApiProcess {
  readonly child: ChildProcess
  readonly port: number
  readonly url: string
  /** Every JSON log line it wrote to stdout so far, parsed. */
  readonly logLines: readonly Record<string, unknown>[]
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>
  /** Resolves once `/readiness` answers 200 (the first snapshot is served); rejects after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<void>
}

/** Starts `main.ts --file <file>` on 127.0.0.1 and resolves once it logs `Listening`; extra flags follow. */
export function startFileModeApi(file: string, extraArgs: readonly string[] = []): Promise<ApiProcess> {
  return startApiProcess(['--file', file, ...extraArgs])
}

/** Starts `main.ts` with `args` on 127.0.0.1 (any free port) and resolves once it logs `Listening`. */
export async function startApiProcess(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--conditions=@thv/source', '--import', 'tsx', MAIN, ...args, '--port', '0', '--host', '127.0.0.1'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'], env })
  const logLines: Record<string, unknown>[] = []
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('API process did not log "Listening" within 60 s')), 60_000)
    void exited.then((code) => reject(new Error(`API process exited with ${code} before listening`)))
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      if (!text.startsWith('{')) return
      const line = JSON.parse(text) as { message?: string; port?: number }
      logLines.push(line)
      if (line.message === 'Listening' && typeof line.port === 'number') {
        clearTimeout(timer)
        resolve(line.port)
      }
    })
  })
  const url = `http://127.0.0.1:${port}`
  return {
    child, port, exited, url, logLines,
    // A refused or reset connection is "not ready yet" too: a loaded machine can reset the first connections.
    ready: async (timeoutMs = 60_000) => {
      await eventually(async () => expect((await fetch(`${url}/readiness`)).status).to.equal(200), {
        timeoutMs, intervalMs: 50, description: `API at ${url} ready`,
        abortIf: () => (child.exitCode !== null || child.signalCode !== null ? new Error(`API process exited with ${child.exitCode ?? child.signalCode}`) : undefined),
      })
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
