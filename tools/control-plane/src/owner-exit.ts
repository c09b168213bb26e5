/**
 * Kills the process groups of live planes when this process exits or is interrupted, so a test run stopped by
 * Ctrl-C or `process.exit` leaves nothing behind. (SIGKILL of this process is covered by the reaper.)
 * Handlers are installed on first use, never at import time.
 */

const groups = new Set<() => number[]>()
let installed = false

function killAll(signal: NodeJS.Signals): void {
  for (const pidsOf of groups) {
    for (const pid of pidsOf()) {
      try {
        process.kill(-pid, signal)
      } catch {
        // already gone
      }
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  killAll('SIGTERM')
  // When nobody else handles the signal, behave like the default action (terminate by that signal).
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal)
    process.kill(process.pid, signal)
  }
}

/** Registers a function returning the live process-group ids of one plane; returns the unregister function. */
export function killOnOwnerExit(pidsOf: () => number[]): () => void {
  if (!installed) {
    installed = true
    process.on('exit', () => killAll('SIGTERM'))
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  }
  groups.add(pidsOf)
  return () => {
    groups.delete(pidsOf)
  }
}
