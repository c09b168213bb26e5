/**
 * The local stack behind `npm start` (see start.sh): control plane with controllers and kwok, CRDs, the operator as
 * a child process (`npm run operator`), the sample registry from config/samples, and the registry API for it on
 * http://127.0.0.1:8080 (`npm run registry-api -- --registry <ns>/<name>` with a token of the API's own
 * ServiceAccount; `--file` with the sample data as a fallback, which it says). Ctrl-C stops everything.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node'
import { startControlPlane, type ControlPlane, renderKustomization } from '@thv/control-plane'
import {
  applyObjects, eventually, freePort, ManagedProcess, parseManifests, readApiDeployment, REPO_ROOT,
  waitForRegistryReady,
} from '@thv/testkit'

const started = Date.now()
const log = (line: string): void => {
  process.stderr.write(`[local-stack ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`)
}

/** The sample objects: config/samples rendered by kustomize when it has a kustomization, else its YAML files. */
async function sampleObjects(): Promise<KubernetesObject[]> {
  const dir = join(REPO_ROOT, 'config/samples')
  const files = readdirSync(dir)
  if (files.some((f) => /^kustomization\.ya?ml$/.test(f))) return renderKustomization(dir)
  return files.filter((f) => /\.ya?ml$/.test(f)).sort().flatMap((f) => parseManifests(readFileSync(join(dir, f), 'utf8')))
}

/** Starts `npm run <script> -- <args>` in its own process group, logging to `<logDir>/<script>.log`. */
function npmRun(script: string, args: readonly string[], logDir: string, env: Record<string, string> = {}): ManagedProcess {
  return ManagedProcess.start({
    name: script, command: 'npm', args: ['run', '--silent', script, '--', ...args], cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...env },
    logPath: join(logDir, `${script}.log`), ownGroup: true,
  })
}

async function waitForHttp(proc: ManagedProcess, url: string, what: string, timeoutMs: number): Promise<void> {
  try {
    await eventually(async () => {
      if (!proc.isRunning) throw new Error(`${what} exited (${String(proc.exitStatus)})`)
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
    }, { timeoutMs, intervalMs: 250 })
  } catch (err) {
    throw new Error(`${what} did not get ready: ${(err as Error).message}\n--- ${what} log ---\n${proc.logTail(30)}`, { cause: err })
  }
}

async function main(): Promise<void> {
  const port = Number(process.env.THV_LOCAL_PORT ?? 8080)
  const logDir = mkdtempSync(join(tmpdir(), 'thv-local-stack-'))
  const children: ManagedProcess[] = []
  let plane: ControlPlane | undefined
  let stopping = false
  const stopAll = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true
      log('stopping: registry API, operator, control plane')
      for (const child of [...children].reverse()) await child.stop(10_000)
      await plane?.stop()
      log('stopped')
    }
    process.exit(code)
  }
  process.on('SIGINT', () => void stopAll(0))
  process.on('SIGTERM', () => void stopAll(0))

  try {
    log('starting the control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)')
    plane = await startControlPlane({ withControllers: true, onProgress: (line) => log(`  ${line}`) })
    const kc = plane.kubeConfig()
    log(`installing CRDs: ${(await plane.installCrds(join(REPO_ROOT, 'config/crd/bases'))).join(', ')}`)
    // ToolHive's MCPServer kind (a minimal copy), so labelled MCPServers can be tried out as deployed servers.
    await applyObjects(kc, parseManifests(readFileSync(join(REPO_ROOT, 'testdata/toolhive-crds/mcpserver/mcpserver.crd.yaml'), 'utf8')))

    const [metricsPort, healthPort] = [await freePort(), await freePort()]
    log(`starting the operator (npm run operator; metrics 127.0.0.1:${metricsPort}, probes 127.0.0.1:${healthPort})`)
    const operator = npmRun('operator', [
      '--kubeconfig', plane.kubeconfigPath,
      '--metrics-bind-address', `127.0.0.1:${metricsPort}`, '--health-probe-bind-address', `127.0.0.1:${healthPort}`,
    ], logDir)
    children.push(operator)
    await waitForHttp(operator, `http://127.0.0.1:${healthPort}/readyz`, 'operator', 90_000)

    const objects = await sampleObjects()
    const registry = objects.find((o) => o.kind === 'MCPRegistry')
    if (!registry?.metadata?.name) throw new Error('config/samples holds no MCPRegistry')
    const namespace = registry.metadata.namespace ?? 'default'
    const name = registry.metadata.name
    await applyObjects(kc, objects, { namespace })
    log(`applied config/samples: MCPRegistry ${namespace}/${name} (${objects.map((o) => o.kind).join(', ')})`)

    let apiArgs: string[]
    let mode: string
    try {
      const reg = await waitForRegistryReady(kc, namespace, name, { timeoutMs: 60_000 })
      const deployment = await readApiDeployment(kc, namespace, name)
      if (!deployment) throw new Error(`Deployment ${namespace}/${name}-api does not exist`)
      const saKubeconfig = await plane.writeKubeconfigForServiceAccount(namespace, deployment.serviceAccountName)
      apiArgs = ['--registry', `${namespace}/${name}`, '--kubeconfig', saKubeconfig]
      mode = `--registry ${namespace}/${name}, as ServiceAccount ${namespace}/${deployment.serviceAccountName} (${reg.status?.serverCount ?? '?'} servers synced)`
    } catch (err) {
      const source = objects.find((o): o is V1ConfigMap & KubernetesObject => o.kind === 'ConfigMap')
      const data = Object.values(source?.data ?? {})[0]
      if (data === undefined) throw err
      const file = join(logDir, 'sample-registry.json')
      writeFileSync(file, data)
      log(`WARNING: the registry did not become Ready (${(err as Error).message.split('\n')[0]}); serving the sample data with --file instead`)
      apiArgs = ['--file', file]
      mode = `--file ${file} (fallback: the operator did not make ${namespace}/${name} Ready; see ${join(logDir, 'operator.log')})`
    }
    log(`starting the registry API on 127.0.0.1:${port} (npm run registry-api)`)
    const api = npmRun('registry-api', [...apiArgs, '--host', '127.0.0.1', '--port', String(port)], logDir)
    children.push(api)
    await waitForHttp(api, `http://127.0.0.1:${port}/readiness`, 'registry API', 60_000)

    const base = `http://127.0.0.1:${port}`
    process.stdout.write([
      '',
      `thv-registry local stack is up (${((Date.now() - started) / 1000).toFixed(0)} s)`,
      `  catalogue         ${base}/   (open in a browser)`,
      `  API reference     ${base}/docs`,
      `  ToolHive format   ${base}/api/v1/registry/servers`,
      `  upstream API      ${base}/v0.1/servers`,
      `  registry info     ${base}/api/v1/registry/info`,
      `  OpenAPI           ${base}/openapi.yaml`,
      `  API mode          ${mode}`,
      `  kubectl           export KUBECONFIG=${plane.kubeconfigPath}`,
      `                    kubectl get mcpregistries -A`,
      `  logs              ${logDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'))
    const exited = await Promise.race(children.map((c, i) => c.exited.then((status) => ({ child: children[i] as ManagedProcess, status }))))
    if (!stopping) {
      log(`a child process exited (${String(exited.status)}); its log:\n${exited.child.logTail(30)}`)
      await stopAll(1)
    }
  } catch (err) {
    log(`ERROR: ${(err as Error).message}`)
    await stopAll(1)
  }
}

void main()
