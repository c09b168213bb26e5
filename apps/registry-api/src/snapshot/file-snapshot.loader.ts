/** Loads a registry file into the SnapshotStore and reloads it when the file changes (standalone mode). */
import { watch, type FSWatcher } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import type { Logger } from 'winston'
import type { ApiMetrics } from '../http/api-metrics.js'
import type { ServedSnapshot } from './served-snapshot.js'
import type { OfferResult, SnapshotStore } from './snapshot-store.js'
import type { SnapshotViews } from './view-builder.js'

/** Why a snapshot could not be built from raw bytes; `message` is one readable sentence with paths. */
export interface SnapshotBuildFailure {
  readonly message: string
}

/** Turns the raw bytes of a registry file into a snapshot (wired to @thv/converters' `buildSnapshot`). */
export type SnapshotBuilder<S extends ServedSnapshot> = (raw: Uint8Array) => E.Either<SnapshotBuildFailure, S>

/** What building a registry file's views gave: the views, or why there are none (`reason` of the load-error metric). */
export type FileViewsBuild<S extends ServedSnapshot> =
  | { readonly failed: 'read' | 'invalid' | 'render'; readonly message: string }
  | { readonly views: SnapshotViews<S>; readonly versions: number; readonly startedAt: number }

/** Builds the views of the registry file at a path (file-views.builder.ts: in a worker thread, then streamed). */
export type FileViewsBuilder<S extends ServedSnapshot> = (path: string) => Promise<FileViewsBuild<S>>

/** Options of the file loader. */
export interface FileSnapshotLoaderOptions<S extends ServedSnapshot> {
  readonly path: string
  readonly store: SnapshotStore<S>
  /** Builds a snapshot from the file's bytes, which the store keeps (what restricted views need). */
  readonly build: SnapshotBuilder<S>
  /** Builds the file's views instead (the store then keeps no snapshot objects); `build` is not used when set. */
  readonly buildViews?: FileViewsBuilder<S>
  readonly log: Logger
  readonly metrics: ApiMetrics
  /** Quiet time after the last change event before reloading, in ms. Editors and ConfigMap mounts write in bursts. */
  readonly debounceMs: number
}

/** What one load attempt did. */
export type LoadOutcome = 'swapped' | 'unchanged' | 'failed'

/**
 * Reads the file, builds a snapshot and offers it to the store. A file that cannot be read or built never
 * replaces the snapshot being served: the reason is logged (warn once something is served, error before) and
 * counted in `thv_registry_snapshot_load_errors_total{reason}`.
 *
 * `watch()` follows the file's directory rather than the file, so replacements by rename (editors, and the
 * `..data` symlink flip of a mounted ConfigMap) are seen too.
 */
export class FileSnapshotLoader<S extends ServedSnapshot> {
  #watcher: FSWatcher | undefined
  #timer: NodeJS.Timeout | undefined
  #loading: Promise<LoadOutcome> = Promise.resolve('unchanged')

  constructor(private readonly options: FileSnapshotLoaderOptions<S>) {}

  /** Loads the file now (after any load in progress). */
  load(): Promise<LoadOutcome> {
    this.#loading = this.#loading.then(() => this.#loadOnce())
    return this.#loading
  }

  /** Starts watching; changes trigger a debounced `load()`. Stop with `close()`. */
  watch(): void {
    if (this.#watcher !== undefined) return
    const name = basename(this.options.path)
    this.#watcher = watch(dirname(this.options.path), { persistent: false }, (_event, filename) => {
      if (filename === null || filename === name || filename === '..data') this.#schedule()
    })
    this.#watcher.on('error', (err: unknown) => {
      this.options.log.error('Stopped watching registry file', { err, path: this.options.path })
    })
  }

  /** Stops watching and waits for a load in progress. */
  async close(): Promise<void> {
    this.#watcher?.close()
    this.#watcher = undefined
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#loading
  }

  #schedule(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.load()
    }, this.options.debounceMs)
  }

  async #loadOnce(): Promise<LoadOutcome> {
    const { path, store } = this.options
    if (this.options.buildViews !== undefined) return this.#loadViews(this.options.buildViews)
    const built = await this.#readAndBuild()
    if (built === 'failed') return built
    if (E.isLeft(built)) return this.#failed('invalid', `Registry file ${path} is invalid: ${built.left.message}`, built.left)
    const snapshot = built.right
    return this.#offer(() => store.offer(snapshot), snapshot.servers.length, snapshot.hash)
  }

  async #loadViews(buildViews: FileViewsBuilder<S>): Promise<LoadOutcome> {
    const { path } = this.options
    let built: FileViewsBuild<S>
    try {
      built = await buildViews(path)
    } catch (err: unknown) {
      return this.#failed('render', `Could not build registry file ${path}`, err)
    }
    if ('failed' in built) {
      const messages = { read: `Could not read registry file ${path}`, invalid: `Registry file ${path} is invalid: ${built.message}`, render: `Could not serve registry file ${path}` }
      return this.#failed(built.failed, messages[built.failed], { message: built.message })
    }
    const { views, versions, startedAt } = built
    return this.#offer(() => this.options.store.offerViews(views, startedAt), versions, views.view.hash)
  }

  #offer(offer: () => OfferResult, versions: number, hash: string): LoadOutcome {
    const { path, log, metrics } = this.options
    try {
      const result = offer()
      if (result === 'swapped') {
        metrics.snapshotSwaps.inc()
        metrics.snapshotServerVersions.set(versions)
      } else {
        log.debug('Registry file unchanged', { path, hash })
      }
      return result
    } catch (err: unknown) {
      return this.#failed('render', `Could not serve registry file ${path}`, err)
    }
  }

  /**
   * Reads and builds the file in a frame of its own: once it returns, the file's bytes are garbage, so a large
   * file does not stay alive while its view is built.
   */
  async #readAndBuild(): Promise<E.Either<SnapshotBuildFailure, S> | 'failed'> {
    const { path } = this.options
    let raw: Buffer
    try {
      raw = await readFile(path)
    } catch (err: unknown) {
      return this.#failed('read', `Could not read registry file ${path}`, err)
    }
    return this.options.build(raw)
  }

  #failed(reason: string, message: string, err: unknown): 'failed' {
    this.options.metrics.snapshotLoadErrors.labels(reason).inc()
    const serving = this.options.store.current
    if (serving === undefined) this.options.log.error(`${message}; no snapshot is served yet`, { err, path: this.options.path })
    else this.options.log.warn(`${message}; kept serving the previous snapshot`, { err, path: this.options.path, hash: serving.hash })
    return 'failed'
  }
}
