/**
 * The one child-process supervisor of the tests and tools: output to a log file, exit status as a promise, stop with
 * SIGTERM and, after a grace period, SIGKILL. The control plane runs its binaries with it, the whole-system harness
 * its operator and API processes, the local stack everything.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'

/** Told about every started and exited process (the control plane's reaper tracks them). */
export interface ProcessTracker {
  track(pid: number): void
  untrack(pid: number): void
}

/** How to start a {@link ManagedProcess}. */
export interface ManagedProcessOptions {
  /** Short name used in errors ("operator", "registry-api demo/reg", "etcd"). */
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
  /** Working directory; default ours. */
  readonly cwd?: string
  /** Full environment of the child (not merged with ours); default ours. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** stdout and stderr are appended here. */
  readonly logPath: string
  /**
   * Start in a new process group, so signals also reach grandchildren (e.g. `npm run` -> node) and a terminal's
   * Ctrl-C does not hit the child behind our back.
   */
  readonly ownGroup?: boolean
  /** Told about the process id at start and exit. */
  readonly tracker?: ProcessTracker
  /** Whether the running child keeps our event loop alive; default true. */
  readonly keepAlive?: boolean
  /**
   * SIGKILL the child when our process exits; default true. The control plane turns it off: its owner watch and
   * reaper decide when the plane stops.
   */
  readonly killOnExit?: boolean
}

const running = new Set<ManagedProcess>()
let exitHookInstalled = false

/** Kills every process started with `killOnExit` still running (synchronous; used from an `exit` handler). */
export function killAllManagedProcesses(): void {
  for (const p of running) p.signal('SIGKILL')
}

/** One child process; {@link ManagedProcess.start} spawns it. */
export class ManagedProcess {
  readonly #child: ChildProcess
  readonly #opts: ManagedProcessOptions
  /** Resolves with the exit code (or the signal name, or `spawn error: ...`) when the process has exited. */
  readonly exited: Promise<number | string>
  #exit: number | string | undefined

  private constructor(opts: ManagedProcessOptions) {
    this.#opts = opts
    const fd = openSync(opts.logPath, 'a')
    try {
      this.#child = spawn(opts.command, [...opts.args], {
        ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
        ...(opts.env === undefined ? {} : { env: opts.env as NodeJS.ProcessEnv }),
        stdio: ['ignore', fd, fd],
        detached: opts.ownGroup === true,
      })
    } finally {
      closeSync(fd)
    }
    const pid = this.#child.pid
    if (pid !== undefined) opts.tracker?.track(pid)
    if (opts.keepAlive === false) this.#child.unref()
    this.exited = new Promise((resolve) => {
      const done = (status: number | string): void => {
        if (this.#exit !== undefined) return
        this.#exit = status
        running.delete(this)
        if (pid !== undefined) opts.tracker?.untrack(pid)
        resolve(status)
      }
      this.#child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown'))
      this.#child.once('error', (err) => done(`spawn error: ${err.message}`))
    })
    if (opts.killOnExit !== false) {
      running.add(this)
      if (!exitHookInstalled) {
        exitHookInstalled = true
        process.once('exit', killAllManagedProcesses)
      }
    }
  }

  /** Spawns the process. */
  static start(opts: ManagedProcessOptions): ManagedProcess {
    return new ManagedProcess(opts)
  }

  /** The name given at start. */
  get name(): string {
    return this.#opts.name
  }

  /** The log file. */
  get logPath(): string {
    return this.#opts.logPath
  }

  /** Process id of the child (with `ownGroup`, also its process group id). */
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

  /** "exited with code 1" / "killed by SIGKILL" / "spawn error: ...", for error messages. */
  describeExit(): string {
    const exit = this.#exit
    if (exit === undefined) return 'is running'
    if (typeof exit === 'number') return `exited with code ${exit}`
    return exit.startsWith('SIG') ? `killed by ${exit}` : exit
  }

  /** The last `lines` lines of the log (for error messages). */
  logTail(lines = 40): string {
    try {
      return readFileSync(this.#opts.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
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
    // An unref'd child: without a ref here, awaiting its exit could let Node end our process early.
    this.#child.ref()
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
