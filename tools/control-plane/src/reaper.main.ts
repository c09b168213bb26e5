// The reaper: a tiny detached process that outlives its owner (the launcher) to clean up after it.
//
// Protocol on stdin, one command per line: `track <pid>`, `untrack <pid>`, `cleanup <dir>` (folder to remove),
// `release` (owner stopped everything itself: exit without killing). When stdin reaches EOF without `release`,
// the owner died (SIGKILL, crash, process.exit without stop): the kernel closed its end of the pipe. The reaper then
// sends SIGTERM to every tracked process group, SIGKILL after a grace period, removes the cleanup folders and exits.
// EOF is event-driven, so no polling of the owner's pid (and no pid-reuse race) is needed.
import { rmSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { setTimeout as delay } from 'node:timers/promises'
import { processAlive as alive } from './cluster-state.js'

const GRACE_MS = 5_000

const tracked = new Set<number>()
const cleanupDirs: string[] = []
let released = false

// We run in our own session/process group, but be explicit: a terminal hang-up or Ctrl-C aimed at the owner must
// not take the reaper down before it has done its job.
process.on('SIGINT', () => undefined)
process.on('SIGHUP', () => undefined)


function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
}

async function reap(): Promise<void> {
  const pids = [...tracked]
  for (const pid of pids) signalGroup(pid, 'SIGTERM')
  const deadline = Date.now() + GRACE_MS
  while (pids.some(alive) && Date.now() < deadline) await delay(100)
  for (const pid of pids) if (alive(pid)) signalGroup(pid, 'SIGKILL')
  while (pids.some(alive) && Date.now() < deadline + GRACE_MS) await delay(50)
  for (const dir of cleanupDirs) rmSync(dir, { recursive: true, force: true })
}

const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  const space = line.indexOf(' ')
  const command = space < 0 ? line : line.slice(0, space)
  const arg = space < 0 ? '' : line.slice(space + 1)
  if (command === 'release') released = true
  else if (command === 'track') tracked.add(Number(arg))
  else if (command === 'untrack') tracked.delete(Number(arg))
  else if (command === 'cleanup') cleanupDirs.push(arg)
})
lines.on('close', () => {
  if (released) process.exit(0)
  reap().then(
    () => process.exit(0),
    () => process.exit(1),
  )
})
