/** A child process with its output in a log file, stopped with SIGTERM and, after a grace period, SIGKILL. */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'

/** How to start a {@link ManagedProcess}. */
export interface ManagedProcessOptions {
  /** Short name used in errors ("operator", "registry-api demo/reg"). */
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
  readonly cwd: string
  /** Full environment of the child (not merged with ours). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** stdout and stderr are appended here. */
  readonly logPath: string
  /** Start in a new process group, so stop() also reaches grandchildren (e.g. `npm run` -> node). */
  readonly ownGroup?: boolean
}

const running = new Set<ManagedProcess>()
let exitHookInstalled = false

/** Kills every process still running (synchronous; used from an `exit` handler so no child outlives us). */
export function killAllManagedProcesses(): void {
  for (const p of running) p.signal('SIGKILL')
}

/** One child process; {@link ManagedProcess.start} spawns it. */
export class ManagedProcess {
  readonly #child: ChildProcess
  readonly #opts: ManagedProcessOptions
  /** Resolves with the exit code (or the signal name) when the process has exited. */
  readonly exited: Promise<number | string>
  #exit: number | string | undefined

  private constructor(opts: ManagedProcessOptions) {
    this.#opts = opts
    const fd = openSync(opts.logPath, 'a')
    try {
      this.#child = spawn(opts.command, [...opts.args], {
        cwd: opts.cwd,
        env: opts.env as NodeJS.ProcessEnv,
        stdio: ['ignore', fd, fd],
        detached: opts.ownGroup === true,
      })
    } finally {
      closeSync(fd)
    }
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exit = code ?? signal ?? 'unknown'
        running.delete(this)
        resolve(this.#exit)
      })
      this.#child.once('error', (err) => {
        this.#exit = `spawn error: ${err.message}`
        running.delete(this)
        resolve(this.#exit)
      })
    })
    running.add(this)
    if (!exitHookInstalled) {
      exitHookInstalled = true
      process.once('exit', killAllManagedProcesses)
    }
  }

  /** Spawns the process. */
  static start(opts: ManagedProcessOptions): ManagedProcess {
    return new ManagedProcess(opts)
  }

  /** Process id of the child. */
  get pid(): number | undefined {
    return this.#child.pid
  }

  /** True until the process has exited. */
  get isRunning(): boolean {
    return this.#exit === undefined
  }

  /** Exit code or signal once exited. */
  get exitStatus(): number | string | undefined {
    return this.#exit
  }

  /** The log written so far (for error messages). */
  logTail(lines = 40): string {
    try {
      return readFileSync(this.#opts.logPath, 'utf8').split('\n').slice(-lines).join('\n')
    } catch (err) {
      return `(log ${this.#opts.logPath} unreadable: ${String(err)})`
    }
  }

  /** Sends a signal to the process (or its group); a no-op once it has exited. */
  signal(sig: NodeJS.Signals): void {
    if (!this.isRunning || this.#child.pid === undefined) return
    try {
      if (this.#opts.ownGroup) process.kill(-this.#child.pid, sig)
      else this.#child.kill(sig)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); resolves with the exit status. */
  async stop(graceMs = 10_000): Promise<number | string> {
    if (!this.isRunning) return this.#exit ?? 'unknown'
    this.signal('SIGTERM')
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs)
    try {
      return await this.exited
    } finally {
      clearTimeout(timer)
    }
  }

  /** Kills the process at once with SIGKILL and waits for it. */
  async kill(): Promise<number | string> {
    this.signal('SIGKILL')
    return this.exited
  }
}
