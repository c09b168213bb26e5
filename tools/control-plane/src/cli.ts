// `npm run cluster -- up | down | status`: a control plane (with controllers and a kwok node) that outlives the
// command. `up` starts a detached daemon (this file with `__serve`) owning the plane, waits until it is ready,
// prints `KUBECONFIG=<path>` and returns; `down` sends the daemon SIGTERM; `status` reports what runs.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { apiGet } from './api-http.js'
import { startControlPlane } from './control-plane.js'
import { clusterHome, processAlive, readClusterState, removeClusterState, writeClusterState, type ClusterState } from './cluster-state.js'
import { eventually, notYet } from '@thv/testkit'

const CRD_DIR = fileURLToPath(new URL('../../../config/crd/bases', import.meta.url))
const UP_TIMEOUT_MS = 60 * 60_000 // the first `up` on a fresh machine builds the binaries (tens of minutes)
const HEALTH_CHECK_MS = 10_000

function liveState(home: string): ClusterState | undefined {
  const state = readClusterState(home)
  return state && processAlive(state.pid) ? state : undefined
}

async function up(home: string): Promise<number> {
  const running = liveState(home)
  if (running) {
    console.log(`Control plane already running (pid ${running.pid}, ${running.server})`)
    console.log(`KUBECONFIG=${running.kubeconfigPath}`)
    return 0
  }
  removeClusterState(home)
  mkdirSync(home, { recursive: true })
  const logPath = join(home, 'daemon.log')
  const fd = openSync(logPath, 'w')
  const daemon = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '__serve'], { detached: true, stdio: ['ignore', fd, fd] })
  closeSync(fd)
  daemon.unref()
  let exited = false
  daemon.once('exit', () => (exited = true))
  let printed = 0
  const relayLog = () => {
    const lines = readFileSync(logPath, 'utf8').split('\n')
    for (const line of lines.slice(printed, -1)) console.log(line)
    printed = Math.max(printed, lines.length - 1)
  }
  try {
    const state = await eventually(
      async () => {
        relayLog()
        const s = readClusterState(home)
        return s && s.pid === daemon.pid ? s : notYet()
      },
      { description: 'the control plane daemon', timeoutMs: UP_TIMEOUT_MS, intervalMs: 250, abortIf: () => (exited ? new Error(`daemon exited; log: ${logPath}`) : undefined) },
    )
    console.log(`Control plane running (pid ${state.pid}, ${state.server}); stop it with: npm run cluster -- down`)
    console.log(`KUBECONFIG=${state.kubeconfigPath}`)
    return 0
  } catch (err) {
    relayLog()
    console.error(`Control plane did not start: ${(err as Error).message}`)
    return 1
  }
}

async function down(home: string): Promise<number> {
  const state = liveState(home)
  if (!state) {
    removeClusterState(home)
    console.log('Control plane not running')
    return 0
  }
  process.kill(state.pid, 'SIGTERM')
  const deadline = Date.now() + 30_000
  while (processAlive(state.pid) && Date.now() < deadline) await delay(100)
  if (processAlive(state.pid)) process.kill(state.pid, 'SIGKILL') // its reaper then kills the components
  removeClusterState(home)
  console.log(`Control plane stopped (pid ${state.pid})`)
  return 0
}

async function status(home: string): Promise<number> {
  const state = liveState(home)
  if (!state) {
    console.log('Control plane not running')
    return 1
  }
  const ready = await apiGet({ server: state.server }, '/readyz').then(
    (res) => (res.status === 200 ? 'ready' : `NOT READY (HTTP ${res.status})`),
    (err: unknown) => `NOT READY (${(err as Error).message})`,
  )
  console.log(`Control plane running since ${state.startedAt} (daemon pid ${state.pid})`)
  console.log(`server: ${state.server} /readyz: ${ready}`)
  for (const [name, pid] of Object.entries(state.components)) console.log(`${name.padEnd(24)} pid ${pid} ${processAlive(pid) ? 'running' : 'NOT RUNNING'}`)
  console.log(`KUBECONFIG=${state.kubeconfigPath}`)
  return 0
}

async function serve(home: string): Promise<void> {
  const dir = join(home, 'plane')
  rmSync(dir, { recursive: true, force: true })
  const plane = await startControlPlane({ withControllers: true, dir, onProgress: (line) => console.log(line) })
  if (existsSync(CRD_DIR)) console.log(`[control-plane] installed CRDs: ${(await plane.installCrds(CRD_DIR)).join(', ')}`)
  let stopping = false
  const shutdown = () => {
    if (stopping) return
    stopping = true
    removeClusterState(home)
    plane.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
  const state: ClusterState = { pid: process.pid, kubeconfigPath: plane.kubeconfigPath, server: plane.server, dir, startedAt: new Date().toISOString(), components: plane.pids() }
  // Keeps the daemon alive (components and reaper are unref'd) and reports a component that died.
  setInterval(() => {
    const missing = Object.keys(state.components).filter((n) => !(n in plane.pids()))
    if (missing.length > 0) console.log(`[control-plane] not running any more: ${missing.join(', ')}`)
  }, HEALTH_CHECK_MS)
  writeClusterState(home, state)
}

async function main(argv: readonly string[]): Promise<number> {
  const home = clusterHome()
  switch (argv[0]) {
    case 'up':
      return up(home)
    case 'down':
      return down(home)
    case 'status':
      return status(home)
    case '__serve':
      await serve(home)
      return -1
    default:
      console.error('usage: npm run cluster -- up | down | status')
      return 2
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
