/** Starting one binary of the plane, with the testkit's process supervisor. */
import { join } from 'node:path'
import { ManagedProcess, type ProcessTracker } from '@thv/testkit'

/** Name of a process of the plane. */
export type ComponentName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok'

/** A started component: a {@link ManagedProcess} whose process id is known. */
export type ComponentProcess = ManagedProcess & { readonly pid: number }

/**
 * Starts `binary args...` in its own process group (so a terminal's Ctrl-C does not hit it behind the launcher's back
 * and the whole group can be signalled at once), with output appended to `<logsDir>/<name>.log`. The child does not
 * keep the event loop alive and is not killed when this process exits: the launcher's owner watch and the reaper
 * (`tracker`) decide when the plane stops.
 */
export function startComponent(name: ComponentName, binary: string, args: readonly string[], logsDir: string, tracker: ProcessTracker): ComponentProcess {
  const process = ManagedProcess.start({
    name, command: binary, args, logPath: join(logsDir, `${name}.log`), ownGroup: true, tracker, keepAlive: false, killOnExit: false,
  })
  if (process.pid === undefined) throw new Error(`Could not start ${name} (${binary}): ${process.describeExit()}`)
  return process as ComponentProcess
}
