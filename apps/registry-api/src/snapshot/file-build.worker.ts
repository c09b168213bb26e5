/**
 * The worker thread of `fileViewsBuilder`: reads a registry file, builds its snapshot (any supported format) and
 * answers the snapshot as a stored payload (gzip'd JSON), which the main thread reads into views as it would read a
 * stored snapshot. The file's bytes and the snapshot's objects live and die in this thread's heap.
 */
import { readFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { gzipSnapshotSync } from '@thv/storage/reader'
import * as E from 'fp-ts/lib/Either.js'
import { buildFileSnapshot } from '../formats.js'
import type { FileBuildRequest, FileBuildResult } from './file-views.builder.js'

/** gzip level of the payload: it is read once, right away, so speed matters more than size. */
const PayloadLevel = 1

function build(request: FileBuildRequest): FileBuildResult {
  let raw: Buffer
  try {
    raw = readFileSync(request.path)
  } catch (err: unknown) {
    return { failed: 'read', message: err instanceof Error ? err.message : String(err) }
  }
  const built = buildFileSnapshot(raw, request.identity, new Date(request.now), request.previous === undefined ? undefined : Buffer.from(request.previous))
  if (E.isLeft(built)) return { failed: 'invalid', message: built.left.message }
  const { snapshot, publishTimes } = built.right
  return { payload: gzipSnapshotSync(snapshot, PayloadLevel), hash: snapshot.hash, versions: snapshot.servers.length, publishTimes }
}

parentPort?.postMessage(build(workerData as FileBuildRequest))
