import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** What `npm run cluster -- up` records about the plane it left running. */
export interface ClusterState {
  /** The daemon process that owns the plane (SIGTERM stops it cleanly). */
  readonly pid: number
  readonly kubeconfigPath: string
  readonly server: string
  readonly dir: string
  readonly startedAt: string
  /** Component process ids at start. */
  readonly components: Readonly<Record<string, number>>
}

/** Folder of the CLI's state: `$THV_CLUSTER_HOME`, else `${XDG_CACHE_HOME:-~/.cache}/thv-registry/cluster`. */
export function clusterHome(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.THV_CLUSTER_HOME) return env.THV_CLUSTER_HOME
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'thv-registry', 'cluster')
}

/** Path of the state file inside `home`. */
export function clusterStatePath(home: string): string {
  return join(home, 'state.json')
}

/** Reads the state file; undefined when absent or unreadable. */
export function readClusterState(home: string): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(clusterStatePath(home), 'utf8')) as ClusterState
  } catch {
    return undefined
  }
}

/** Writes the state file atomically (temp file + rename), so readers never see half a file. */
export function writeClusterState(home: string, state: ClusterState): void {
  mkdirSync(home, { recursive: true })
  const tmp = `${clusterStatePath(home)}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(state, null, 2))
  renameSync(tmp, clusterStatePath(home))
}

/** Removes the state file. */
export function removeClusterState(home: string): void {
  rmSync(clusterStatePath(home), { force: true })
}

/** Whether a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
