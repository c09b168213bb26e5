import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'

/** Name of a process of the plane. */
export type ComponentName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok'

/** Hooks told about each started and stopped process (the reaper tracks them). */
export interface ProcessTracker {
  track(pid: number): void
  untrack(pid: number): void
}

/**
 * One running binary of the plane. It runs in its own process group (`detached`), so a terminal's Ctrl-C does not
 * hit it behind the launcher's back and the whole group can be signalled at once. Output goes to
 * `<logs>/<name>.log` (appended across restarts).
 */
export class ComponentProcess {
  readonly logFile: string
  #child: ChildProcess
  #exit: Promise<void>
  #exited = false
  #exitCode: number | null = null
  #exitSignal: NodeJS.Signals | null = null

  private constructor(
    readonly name: ComponentName,
    child: ChildProcess,
    logFile: string,
    private readonly tracker: ProcessTracker,
  ) {
    this.logFile = logFile
    this.#child = child
    this.#exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exited = true
        this.#exitCode = code
        this.#exitSignal = signal
        if (child.pid !== undefined) tracker.untrack(child.pid)
        resolve()
      })
    })
  }

  /** Starts `binary args...` with output to `<logsDir>/<name>.log`. */
  static start(name: ComponentName, binary: string, args: readonly string[], logsDir: string, tracker: ProcessTracker): ComponentProcess {
    const logFile = join(logsDir, `${name}.log`)
    const fd = openSync(logFile, 'a')
    try {
      const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd] })
      if (child.pid === undefined) {
        throw new Error(`Could not start ${name} (${binary})`)
      }
      tracker.track(child.pid)
      // Do not keep the event loop alive for it: the launcher's owner decides when to stop.
      child.unref()
      return new ComponentProcess(name, child, logFile, tracker)
    } finally {
      closeSync(fd)
    }
  }

  /** Process id (also the process group id). */
  get pid(): number {
    return this.#child.pid as number
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.#exited
  }

  /** "exited with code 1" / "killed by SIGKILL", for error messages. */
  describeExit(): string {
    return this.#exitSignal ? `killed by ${this.#exitSignal}` : `exited with code ${String(this.#exitCode)}`
  }

  /** Sends `signal` to the process group; ignores a group that is already gone. */
  signalGroup(signal: NodeJS.Signals): void {
    if (this.#exited) return
    try {
      process.kill(-this.pid, signal)
    } catch {
      // ESRCH: the group is gone already (exit event not yet delivered).
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.#exited) return
    // The child is unref'd; without a ref here, awaiting its exit would let Node end the process early.
    this.#child.ref()
    this.signalGroup('SIGTERM')
    const ac = new AbortController()
    const timer = delay(graceMs, undefined, { signal: ac.signal }).then(
      () => 'timeout' as const,
      () => 'exited' as const,
    )
    const outcome = await Promise.race([this.#exit.then(() => 'exited' as const), timer])
    ac.abort()
    if (outcome === 'timeout') {
      this.signalGroup('SIGKILL')
      await this.#exit
    }
  }

  /** Resolves when the process exits (for any reason). */
  waitForExit(): Promise<void> {
    return this.#exit
  }

  /** Last `lines` lines of the log file. */
  logTail(lines = 40): string {
    return readLogTail(this.logFile, lines)
  }
}

/** Last `lines` lines of a text file, or a note that it cannot be read. */
export function readLogTail(file: string, lines = 40): string {
  try {
    const all = readFileSync(file, 'utf8').trimEnd().split('\n')
    return all.slice(-lines).join('\n')
  } catch (err) {
    return `(cannot read ${file}: ${(err as Error).message})`
  }
}
