/**
 * Builds the views of a registry file (`--file` mode without `--auth-config`) the way cluster mode builds a stored
 * snapshot's: a worker thread reads the file and builds its snapshot (file-build.worker.ts) and hands back the
 * snapshot as a stored payload, which streamedViewsDecoder reads into views one server at a time. The main thread's
 * event loop stays free while a large file is built (a 100,000-version file takes seconds of CPU), and the file's
 * bytes and the snapshot's objects never enter its heap.
 */
import { dirname, extname, join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import * as E from 'fp-ts/lib/Either.js'
import type { FileRegistryIdentity } from '../formats.js'
import type { RegistryViewOptions } from '../views/registry-view.js'
import type { FileViewsBuild, FileViewsBuilder } from './file-snapshot.loader.js'
import type { ServedSnapshot } from './served-snapshot.js'
import { streamedViewsDecoder } from './streamed-snapshot.decoder.js'

/** What the worker is asked to build: the file at `path` as of `now`, with the publish times of its last build. */
export interface FileBuildRequest {
  readonly path: string
  readonly identity: FileRegistryIdentity
  /** ISO date-time: when the snapshot is built. */
  readonly now: string
  readonly previous?: Uint8Array | undefined
}

/** What the worker answers: the snapshot's stored payload, or why there is none. */
export type FileBuildResult =
  | { readonly failed: 'read' | 'invalid'; readonly message: string }
  | { readonly payload: Uint8Array; readonly hash: string; readonly versions: number; readonly publishTimes: Uint8Array }

// The worker module sits next to this one: compiled (.js), or run from source (.ts) under tsx.
const WorkerExtension = extname(fileURLToPath(import.meta.url))
const WorkerUrl = new URL(`./file-build.worker${WorkerExtension}`, import.meta.url)

/**
 * A worker thread running the worker module. From source, the worker registers tsx itself before importing it: Node's
 * worker threads do not inherit the loader hooks that `--import tsx` installs in the main thread (nodejs/node#47747),
 * so a `.ts` entry fails with ERR_UNKNOWN_FILE_EXTENSION. Compiled code never takes that path.
 */
function startWorker(request: FileBuildRequest): Worker {
  if (WorkerExtension !== '.ts') return new Worker(WorkerUrl, { workerData: request })
  const tsx = tsxEsmApiUrl()
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WorkerUrl.href)}) })`
  return new Worker(code, { eval: true, workerData: request })
}

/**
 * The URL of tsx's ESM API (`tsx/esm/api`, import condition). Found through its package.json: `import.meta.resolve`
 * is missing where tsx compiles this module as CommonJS (mocha), and `require.resolve` gives its CommonJS entry.
 */
function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url)
  const manifest = require.resolve('tsx/package.json')
  const { exports } = require(manifest) as { exports: Record<string, { import: { default: string } }> }
  return pathToFileURL(join(dirname(manifest), exports['./esm/api']?.import.default ?? 'dist/esm/api/index.mjs')).href
}

/** Runs one build in a worker thread of its own (its heap is gone once it has answered). */
function buildInWorker(request: FileBuildRequest): Promise<FileBuildResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(request)
    let answered = false
    worker.once('message', (result: FileBuildResult) => {
      answered = true
      resolve(result)
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the snapshot build worker exited with code ${code} before answering`))
    })
  })
}

/**
 * A FileViewsBuilder for registry files of `identity`. Publish times the file does not give stay stable across
 * reloads (each build gets the last build's), so an unchanged file keeps its hash.
 */
export function fileViewsBuilder<S extends ServedSnapshot>(identity: FileRegistryIdentity, viewOptions: RegistryViewOptions<S>, now: () => Date): FileViewsBuilder<S> {
  let previous: Uint8Array | undefined
  const decode = streamedViewsDecoder(viewOptions)
  return async (path): Promise<FileViewsBuild<S>> => {
    const startedAt = performance.now()
    const built = await buildInWorker({ path, identity, now: now().toISOString(), previous })
    if ('failed' in built) return built
    const read = await decode(Buffer.from(built.payload.buffer, built.payload.byteOffset, built.payload.byteLength), true, built.hash, true)
    // The payload was just made from a snapshot that passed the build's checks: not reading it back is a bug.
    if (E.isLeft(read)) return { failed: 'render', message: `the built snapshot could not be read back: ${read.left}` }
    if ('invalid' in read.right) return { failed: 'render', message: `the built snapshot could not be read back: ${read.right.invalid}` }
    previous = built.publishTimes
    return { views: read.right.views, versions: built.versions, startedAt }
  }
}
