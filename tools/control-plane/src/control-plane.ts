import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api, KubeConfig, type AuthenticationV1TokenRequest } from '@kubernetes/client-node'
import { apiGet, type ApiEndpoint } from './api-http.js'
import {
  ControllerBinaries,
  CoreBinaries,
  ensureBinaries,
  findKwokStages,
  type BinaryName,
  type LocatedBinary,
  type LookupEnv,
} from './binaries.js'
import {
  apiServerArgs,
  controllerManagerArgs,
  etcdArgs,
  kwokArgs,
  planeFiles,
  schedulerArgs,
  type PlaneFiles,
  type PlanePorts,
} from './component-args.js'
import { startComponent, type ComponentName, type ComponentProcess } from './component-process.js'
import { generateCredentials, renderTokenAuthFile } from './credentials.js'
import { installCrds, readCrdFiles } from './crds.js'
import { createFakeNode } from './fake-node.js'
import { renderKubeconfig } from './kubeconfig.js'
import { killOnOwnerExit } from './owner-exit.js'
import { allocateFreePorts, eventually, notYet } from '@thv/testkit'
import { Reaper } from './reaper.js'

/** Options of {@link startControlPlane}. Every field is optional; defaults are stated per field. */
export interface ControlPlaneOptions {
  /** Also run kube-controller-manager, kube-scheduler and kwok with one fake node. Default false. */
  readonly withControllers?: boolean
  /** Folder for data, keys, kubeconfig and logs. Default: a fresh temp folder `thv-cp-*`. */
  readonly dir?: string
  /** Keep `dir` after stop (logs stay readable). Default false. */
  readonly keepDir?: boolean
  /** Deadline for each start-up wait (etcd health, /readyz, fake node Ready). Default 60 s. */
  readonly startTimeoutMs?: number
  /** Environment for the binary lookup (`KUBEBUILDER_ASSETS`, `THV_K8S_BIN_DIR`, ...). Default `process.env`. */
  readonly env?: LookupEnv
  /** Progress lines (binary build, start-up steps). Default: build progress to stderr, nothing else. */
  readonly onProgress?: (line: string) => void
}

const DEFAULT_START_TIMEOUT_MS = 60_000

// On SIGTERM kube-apiserver 1.35 stops its controllers and listener within milliseconds, but with watch connections
// of kube-controller-manager/scheduler/kwok open the process then lingers 10+ s before exiting (measured here).
// Clients have been disconnected by then, so waiting longer only slows tests down: SIGKILL after this grace.
const API_SERVER_STOP_GRACE_MS = 3_000

// etcd 3.6 closes its listeners at once on SIGTERM, but with kube-apiserver's watch streams open it takes ~7 s more to
// exit (measured here). Acknowledged writes are already written out (--unsafe-no-fsync skips only the fsync, which a
// process kill does not need), so SIGKILL after this grace loses nothing and keeps the outage brief.
const ETCD_STOP_GRACE_MS = 1_000

/**
 * A running control plane: etcd + kube-apiserver on free loopback ports, optionally with kube-controller-manager,
 * kube-scheduler and kwok. Create one with {@link startControlPlane}; always {@link ControlPlane.stop} it.
 */
export class ControlPlane {
  /** Path of the admin kubeconfig (user `admin`, group `system:masters`). */
  readonly kubeconfigPath: string
  /** `https://127.0.0.1:<port>` */
  readonly server: string
  readonly #components = new Map<ComponentName, ComponentProcess>()
  #caPem = ''
  #stopped = false
  readonly #unregisterExit: () => void

  private constructor(
    readonly files: PlaneFiles,
    readonly ports: PlanePorts,
    readonly binaries: Readonly<Partial<Record<BinaryName, LocatedBinary>>>,
    readonly withControllers: boolean,
    private readonly adminToken: string,
    private readonly reaper: Reaper,
    private readonly opts: ControlPlaneOptions,
  ) {
    this.kubeconfigPath = files.kubeconfig
    this.server = `https://127.0.0.1:${ports.apiServer}`
    this.#unregisterExit = killOnOwnerExit(() => [...this.#components.values()].filter((c) => c.isRunning).map((c) => c.pid))
  }

  /** Starts a plane; see {@link startControlPlane}. */
  static async start(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
    const withControllers = opts.withControllers ?? false
    const binaries = await ensureBinaries([...CoreBinaries, ...(withControllers ? ControllerBinaries : [])], {
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    })
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'thv-cp-'))
    const files = planeFiles(dir)
    mkdirSync(files.logs, { recursive: true })
    mkdirSync(files.pki, { recursive: true })
    const [etcdClient, etcdPeer, apiServer, kwok] = (await allocateFreePorts(4)) as [number, number, number, number]
    const credentials = generateCredentials()
    writeFileSync(files.serviceAccountKey, credentials.serviceAccountPrivateKeyPem, { mode: 0o600 })
    writeFileSync(files.serviceAccountPub, credentials.serviceAccountPublicKeyPem)
    writeFileSync(files.tokenAuthFile, renderTokenAuthFile(credentials.adminToken), { mode: 0o600 })
    const reaper = Reaper.start(opts.keepDir ? undefined : dir)
    const plane = new ControlPlane(files, { etcdClient, etcdPeer, apiServer, kwok }, binaries, withControllers, credentials.adminToken, reaper, opts)
    try {
      await plane.#boot()
    } catch (err) {
      const logs = plane.#logTails()
      await plane.stop()
      throw new Error(`Control plane did not start: ${(err as Error).message}\n${logs}`, { cause: err })
    }
    return plane
  }

  async #boot(): Promise<void> {
    const progress = this.opts.onProgress ?? (() => undefined)
    const started = Date.now()
    await this.#launchEtcd()
    progress(`[control-plane] etcd ready (${Date.now() - started} ms)`)
    await this.startApiServer()
    this.#caPem = readFileSync(join(this.files.pki, 'apiserver.crt'), 'utf8')
    writeFileSync(this.files.kubeconfig, renderKubeconfig({ server: this.server, caPem: this.#caPem, token: this.adminToken }), { mode: 0o600 })
    progress(`[control-plane] kube-apiserver ready at ${this.server} (${Date.now() - started} ms)`)
    if (!this.withControllers) return
    this.#launch('kube-controller-manager', controllerManagerArgs(this.files))
    this.#launch('kube-scheduler', schedulerArgs(this.files))
    const stages = findKwokStages(this.binaries.kwok?.path ?? '', this.opts.env)
    if (!stages) throw new Error(`kwok stages file missing next to ${this.binaries.kwok?.path}; run build/build-binaries.sh`)
    // kwok's config holds only the Stage documents (kwok v0.8 has no built-in stages: "no stages found"). No
    // KwokConfiguration document on purpose: one with `options: {}` zeroes kwok's defaults and kwok exits with
    // "node leases parallelism must be greater than 0"; flags carry our options. An explicit --config also keeps a
    // developer's ~/.kwok/kwok.yaml (kwok's default) out of the tests.
    copyFileSync(stages, this.files.kwokConfig)
    this.#launch('kwok', kwokArgs(this.files, this.ports))
    const abortIf = () => this.#anyExited()
    const kc = this.kubeConfig()
    await createFakeNode(kc, this.#timeoutMs, abortIf)
    // The serviceaccount controller creating `default/default` proves kube-controller-manager runs its controllers.
    const core = kc.makeApiClient(CoreV1Api)
    await eventually(async () => ((await core.readNamespacedServiceAccount({ namespace: 'default', name: 'default' })) ? true : notYet()), {
      description: 'ServiceAccount default/default (kube-controller-manager)',
      timeoutMs: this.#timeoutMs,
      abortIf,
    })
    progress(`[control-plane] controllers and kwok node ready (${Date.now() - started} ms)`)
  }

  /** Starts etcd on the plane's ports and data folder and waits until its /health reports true. */
  async #launchEtcd(): Promise<void> {
    const etcd = this.#launch('etcd', etcdArgs(this.files, this.ports))
    await eventually(
      async () => {
        const res = await fetch(`http://127.0.0.1:${this.ports.etcdClient}/health`)
        return res.ok && ((await res.json()) as { health?: string }).health === 'true' ? true : notYet()
      },
      { description: 'etcd /health', timeoutMs: this.#timeoutMs, abortIf: () => this.#exitedError(etcd) },
    )
  }

  /** Waits until kube-apiserver (which must be running) answers /readyz with 200. */
  async #awaitApiServerReady(apiServer: ComponentProcess): Promise<void> {
    const probe: ApiEndpoint = { server: this.server, ...(this.#caPem ? { caPem: this.#caPem } : {}) }
    await eventually(async () => ((await apiGet(probe, '/readyz')).status === 200 ? true : notYet()), {
      description: 'kube-apiserver /readyz',
      timeoutMs: this.#timeoutMs,
      abortIf: () => this.#exitedError(apiServer),
    })
  }

  get #timeoutMs(): number {
    return this.opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS
  }

  #launch(name: ComponentName, args: string[]): ComponentProcess {
    const binary = this.binaries[name as BinaryName]
    if (!binary) throw new Error(`No binary for ${name}`)
    const component = startComponent(name, binary.path, args, this.files.logs, this.reaper)
    this.#components.set(name, component)
    return component
  }

  #exitedError(component: ComponentProcess): Error | undefined {
    return !component.isRunning ? new Error(`${component.name} ${component.describeExit()}`) : undefined
  }

  #anyExited(): Error | undefined {
    for (const c of this.#components.values()) {
      const err = this.#exitedError(c)
      if (err) return err
    }
    return undefined
  }

  #logTails(): string {
    return [...this.#components.values()].map((c) => `--- ${c.name} (${c.logPath}) ---\n${c.logTail(25)}`).join('\n')
  }

  /** Plane folder (data, keys, kubeconfig, `logs/<component>.log`). */
  get dir(): string {
    return this.files.dir
  }

  /** Endpoint for raw HTTPS probes with admin credentials. */
  get adminEndpoint(): ApiEndpoint {
    return { server: this.server, token: this.adminToken, ...(this.#caPem ? { caPem: this.#caPem } : {}) }
  }

  /** Process ids of the running components (each is also its process-group id). */
  pids(): Partial<Record<ComponentName, number>> {
    const out: Partial<Record<ComponentName, number>> = {}
    for (const [name, c] of this.#components) if (c.isRunning) out[name] = c.pid
    return out
  }

  /** Process id of the last process started per component, including ones that have exited since. */
  get startedPids(): Partial<Record<ComponentName, number>> {
    const out: Partial<Record<ComponentName, number>> = {}
    for (const [name, c] of this.#components) out[name] = c.pid
    return out
  }

  /** Process id of this plane's reaper (see reaper.main.ts). */
  get reaperPid(): number | undefined {
    return this.reaper.pid
  }

  /** A fresh admin client configuration (loaded from {@link ControlPlane.kubeconfigPath}'s content). */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig()
    kc.loadFromString(readFileSync(this.kubeconfigPath, 'utf8'))
    return kc
  }

  /** Installs every CRD found in `dir` (yaml/json files) and waits until they are served. Returns their names. */
  async installCrds(dir: string): Promise<string[]> {
    return installCrds(this.kubeConfig(), this.adminEndpoint, readCrdFiles(dir), this.#timeoutMs)
  }

  /**
   * Client configuration authenticating as ServiceAccount `namespace/name` with a real token from the TokenRequest
   * API (valid 24 h). The ServiceAccount must exist; its permissions are whatever RBAC grants it.
   */
  async kubeConfigForServiceAccount(namespace: string, name: string): Promise<KubeConfig> {
    const core = this.kubeConfig().makeApiClient(CoreV1Api)
    const body: AuthenticationV1TokenRequest = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [], expirationSeconds: 86_400 } }
    let token: string | undefined
    try {
      token = (await core.createNamespacedServiceAccountToken({ namespace, name, body })).status?.token
    } catch (err) {
      throw new Error(`Cannot request a token for ServiceAccount ${namespace}/${name}`, { cause: err })
    }
    if (!token) throw new Error(`TokenRequest for ServiceAccount ${namespace}/${name} returned no token`)
    const kc = new KubeConfig()
    kc.loadFromString(renderKubeconfig({ server: this.server, caPem: this.#caPem, token, userName: `system:serviceaccount:${namespace}:${name}`, namespace }))
    return kc
  }

  /** Like {@link ControlPlane.kubeConfigForServiceAccount}, written to a kubeconfig file in the plane folder (for child processes). */
  async writeKubeconfigForServiceAccount(namespace: string, name: string): Promise<string> {
    const kc = await this.kubeConfigForServiceAccount(namespace, name)
    const path = join(this.files.dir, `kubeconfig-${namespace}-${name}`)
    writeFileSync(path, kc.exportConfig(), { mode: 0o600 })
    return path
  }

  /** Stops kube-apiserver only (etcd and controllers keep running); clients see connection errors until restart. */
  async stopApiServer(): Promise<void> {
    await this.#components.get('kube-apiserver')?.stop(API_SERVER_STOP_GRACE_MS)
  }

  /** (Re)starts kube-apiserver on the same port with the same certificates and etcd, and waits for /readyz. */
  async startApiServer(): Promise<void> {
    if (this.#stopped) throw new Error(`Control plane ${this.files.dir} is stopped; start a new one`)
    const current = this.#components.get('kube-apiserver')
    if (current?.isRunning) return
    await this.#awaitApiServerReady(this.#launch('kube-apiserver', apiServerArgs(this.files, this.ports)))
  }

  /**
   * Stops etcd only (SIGTERM, SIGKILL after 1 s). kube-apiserver keeps running and answers /readyz with 500;
   * requests that need etcd fail or wait until etcd is back.
   */
  async stopEtcd(): Promise<void> {
    await this.#components.get('etcd')?.stop(ETCD_STOP_GRACE_MS)
  }

  /**
   * (Re)starts etcd with the same data folder, ports and flags, waits for its /health, then, when kube-apiserver
   * runs, until kube-apiserver answers /readyz with 200 again (it reconnects by itself). Data written before
   * {@link ControlPlane.stopEtcd} is kept.
   */
  async startEtcd(): Promise<void> {
    if (this.#stopped) throw new Error(`Control plane ${this.files.dir} is stopped; start a new one`)
    const current = this.#components.get('etcd')
    if (current?.isRunning) return
    await this.#launchEtcd()
    const apiServer = this.#components.get('kube-apiserver')
    if (apiServer?.isRunning) await this.#awaitApiServerReady(apiServer)
  }

  /** Stops every process (controllers first) and removes the plane folder unless `keepDir`. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    const controllers = (['kwok', 'kube-scheduler', 'kube-controller-manager'] as const).map((n) => this.#components.get(n))
    await Promise.all(controllers.map((c) => c?.stop()))
    // kube-apiserver before etcd: with etcd gone first, its graceful shutdown can hang until SIGKILL.
    await this.#components.get('kube-apiserver')?.stop(API_SERVER_STOP_GRACE_MS)
    await this.#components.get('etcd')?.stop()
    this.#unregisterExit()
    if (!this.opts.keepDir) rmSync(this.files.dir, { recursive: true, force: true })
    this.reaper.release()
  }
}

/**
 * Starts a control plane (building or locating the binaries first: `KUBEBUILDER_ASSETS` -> cache -> build).
 * It dies with this process: a detached reaper kills it if this process is killed.
 */
export function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  return ControlPlane.start(opts)
}
