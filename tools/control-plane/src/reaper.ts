import { spawn, type ChildProcess } from 'node:child_process'
import type { Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ProcessTracker } from '@thv/testkit'

/**
 * Handle on a detached reaper process (see reaper.main.ts) that kills the tracked process groups and removes the
 * plane folder if this process dies without calling {@link Reaper.release} (SIGKILL, crash, interrupted test run).
 */
export class Reaper implements ProcessTracker {
  #child: ChildProcess
  #stdin: Socket

  private constructor(child: ChildProcess) {
    this.#child = child
    this.#stdin = child.stdin as Socket
    // A reaper that died early must not crash the owner with EPIPE.
    this.#stdin.on('error', () => undefined)
  }

  /** Starts the reaper; `cleanupDir` is removed by it if the owner dies. */
  static start(cleanupDir?: string): Reaper {
    const { command, args, cwd } = reaperCommand()
    const child = spawn(command, args, { cwd, detached: true, stdio: ['pipe', 'ignore', 'ignore'] })
    // Neither the process nor its stdin pipe may keep the owner's event loop alive; the pipe stays open until the
    // owner exits, and the kernel closing it is the reaper's signal.
    child.unref()
    ;(child.stdin as Socket).unref()
    const reaper = new Reaper(child)
    if (cleanupDir) reaper.#send(`cleanup ${cleanupDir}`)
    return reaper
  }

  /** Process id of the reaper. */
  get pid(): number | undefined {
    return this.#child.pid
  }

  /** Registers a process group to kill when the owner dies. */
  track(pid: number): void {
    this.#send(`track ${pid}`)
  }

  /** Forgets a process group (it has exited). */
  untrack(pid: number): void {
    this.#send(`untrack ${pid}`)
  }

  /** The owner cleaned up itself: the reaper exits without killing anything. */
  release(): void {
    this.#send('release')
    this.#stdin.end()
  }

  #send(line: string): void {
    if (!this.#stdin.writable) return
    this.#stdin.write(`${line}\n`)
  }
}

/**
 * How to run reaper.main: from the TypeScript sources (tests, `npm run`) through the tsx loader, from a build as plain
 * JavaScript. `--import tsx` is resolved from the cwd, so the reaper runs in this folder (inside the workspace).
 * Not `import.meta.resolve('tsx')`: mocha `--require`s the root hook through tsx's CommonJS hook, whose `import.meta`
 * shim has no `resolve`.
 */
function reaperCommand(): { command: string; args: string[]; cwd: string } {
  const here = fileURLToPath(import.meta.url)
  const fromSource = here.endsWith('.ts')
  const main = join(dirname(here), fromSource ? 'reaper.main.ts' : 'reaper.main.js')
  return { command: process.execPath, args: fromSource ? ['--import', 'tsx', main] : [main], cwd: dirname(here) }
}
