import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { EgressPolicy, GitSourceHandler, type SourceError, type SyncResult, type UnchangedSyncResult } from '../src/index.js'
import { createSourceFixture, putConfigMap, readFixtureBytes, testSignal, type SourceFixture } from './harness.js'
import { makeTestTls, startGitServer, testResolver, type TestGitServer, type TestTls } from '@thv/testkit'
import { putSecret, registryObject } from './remote-harness.js'

const NOW = new Date('2026-12-04T10:00:00Z')

describe('GitSourceHandler (git http-backend behind a CGI bridge, HTTPS and Basic auth on 127.0.0.1)', function () {
  this.timeout(120_000)
  let tls: TestTls
  let f: SourceFixture
  let server: TestGitServer
  let handler: GitSourceHandler
  const raw = readFixtureBytes('toolhive-registry.json').toString('utf8')
  const edited = raw.replace('Allows you to fetch content from the web', 'Fetches web pages')

  before(async () => {
    tls = makeTestTls()
    f = await createSourceFixture('git-source')
    await putConfigMap(f, 'ca', { data: { 'ca.crt': tls.caPem } })
    await putSecret(f, 'git-token', { token: 'pa55-word' })
    await putSecret(f, 'wrong-token', { token: 'n0pe' })
    server = await startGitServer(tls, { name: 'bot', password: 'pa55-word' })
    handler = new GitSourceHandler(f.core, { policy: new EgressPolicy({ allowLoopback: true, resolve: testResolver() }) })
  })
  after(async () => {
    await server.close()
  })

  const gitRegistry = (name: string, git: Record<string, unknown>) =>
    registryObject(f, name, {
      source: { type: 'git', git: { repository: server.url, caCertRef: { name: 'ca', key: 'ca.crt' }, auth: { username: 'bot', passwordSecretRef: { name: 'git-token', key: 'token' } }, ...git } },
    } as never)
  const full = (r: SyncResult | UnchangedSyncResult): SyncResult => {
    if (r.unchanged === true) throw new Error('expected a full sync')
    return r
  }
  const failure = async (p: Promise<unknown>): Promise<SourceError> => {
    try {
      await p
    } catch (err) {
      return err as SourceError
    }
    throw new Error('expected the sync to fail')
  }

  it('reads path at a branch; an unchanged commit is a no-op, a new commit and a force-push are picked up', async () => {
    const first = server.commit({ 'data/registry.json': raw }, 'first')
    const reg = gitRegistry('branch', { branch: 'main', path: 'data/registry.json' })
    const a = full(await handler.sync(reg, testSignal(), { now: NOW }))
    expect(a.revision).to.equal(first)
    expect(Buffer.from(a.raw).toString('utf8')).to.equal(raw)
    expect(a.data.registry.source).to.deep.equal({ type: 'git', ref: `${server.url}#data/registry.json@${first}` })

    const before = server.requests.length
    const same = await handler.sync(reg, testSignal(), { now: NOW, previousHash: a.hash })
    expect(same).to.deep.equal({ unchanged: true, hash: a.hash, serverCount: a.serverCount, revision: first })
    // Only the ref listing (info/refs and one ls-refs POST), no pack fetch.
    expect(server.requests.slice(before).map((r) => r.path)).to.deep.equal(['/repo.git/info/refs', '/repo.git/git-upload-pack'])

    const second = server.commit({ 'data/registry.json': edited }, 'edit')
    const b = full(await handler.sync(reg, testSignal(), { now: NOW, previousHash: a.hash }))
    expect(b.revision).to.equal(second)
    expect(b.hash).to.not.equal(a.hash)

    server.git('reset', '-q', '--hard', first)
    server.git('push', '-q', '--force', 'origin', 'HEAD:refs/heads/main')
    const c = full(await handler.sync(reg, testSignal(), { now: NOW, previousHash: b.hash }))
    expect(c.revision).to.equal(first)
    expect(c.hash).to.equal(a.hash)
  })

  it('reads a tag (annotated, peeled to its commit) and a commit', async () => {
    const tagged = server.commit({ 'registry.json': raw }, 'tagged')
    server.git('tag', '-a', '-m', 'release', 'v1.0.0')
    server.git('push', '-q', 'origin', 'v1.0.0')
    const later = server.commit({ 'registry.json': edited }, 'later')
    const byTag = full(await handler.sync(gitRegistry('tag', { tag: 'v1.0.0' }), testSignal(), { now: NOW }))
    expect(byTag.revision).to.equal(tagged)
    expect(Buffer.from(byTag.raw).toString('utf8')).to.equal(raw)
    const byCommit = full(await handler.sync(gitRegistry('commit', { commit: tagged }), testSignal(), { now: NOW }))
    expect(byCommit.revision).to.equal(tagged)
    const head = full(await handler.sync(gitRegistry('head', {}), testSignal(), { now: NOW }))
    expect(head.revision).to.equal(later)
  })

  it('reports a wrong password as SourceUnauthorized without naming it', async () => {
    const err = await failure(handler.sync(gitRegistry('wrong', { auth: { username: 'bot', passwordSecretRef: { name: 'wrong-token', key: 'token' } } }), testSignal()))
    expect(err.code).to.equal('SourceUnauthorized')
    expect(err.message).to.include(server.url).and.not.include('n0pe')
  })

  it('reports a missing path and a missing branch as SourceNotFound naming them', async () => {
    server.commit({ 'registry.json': raw }, 'base')
    const path = await failure(handler.sync(gitRegistry('nopath', { path: 'nope/registry.json' }), testSignal()))
    expect(path.code).to.equal('SourceNotFound')
    expect(path.message).to.include('nope/registry.json')
    const branch = await failure(handler.sync(gitRegistry('nobranch', { branch: 'does-not-exist' }), testSignal()))
    expect(branch.code).to.equal('SourceNotFound')
    expect(branch.message).to.include('refs/heads/does-not-exist')
  })

  it('reads path from a repository with a 50 MB unrelated file (pack streamed to disk), and bounds the pack on disk', async () => {
    const commit = server.commit({ 'registry.json': raw, 'assets/blob.bin': randomBytes(50 * 1024 * 1024) }, 'big')
    // Default limits: the pack (about 50 MB) is within 16 x --max-source-bytes on disk; only registry.json is read.
    const result = full(await handler.sync(gitRegistry('big', { branch: 'main' }), testSignal(), { now: NOW }))
    expect(result.revision).to.equal(commit)
    expect(Buffer.from(result.raw).toString('utf8')).to.equal(raw)
    const doc = JSON.parse(raw) as { servers: object; remote_servers?: object }
    expect(result.serverCount).to.equal(Object.keys(doc.servers).length + Object.keys(doc.remote_servers ?? {}).length)
    // A pack above maxPackBytes stops while streaming with a clear SourceTooLarge.
    const tight = new GitSourceHandler(f.core, { policy: new EgressPolicy({ allowLoopback: true, resolve: testResolver() }), maxPackBytes: 8 * 1024 * 1024 })
    const err = await failure(tight.sync(gitRegistry('big', { branch: 'main' }), testSignal(), { now: NOW }))
    expect(err.code).to.equal('SourceTooLarge')
    expect(err.message).to.include('the fetched pack of the commit').and.include('8388608 bytes')
    // The file at path itself is still bounded by maxSourceBytes.
    const small = new GitSourceHandler(f.core, { policy: new EgressPolicy({ allowLoopback: true, resolve: testResolver() }), maxSourceBytes: 1024 })
    const tooBig = await failure(small.sync(gitRegistry('big', { branch: 'main' }), testSignal(), { now: NOW }))
    expect(tooBig.code).to.equal('SourceTooLarge')
  })

  it('refuses SSH, git@ and git:// repositories with a message saying HTTPS is supported', () => {
    for (const repository of ['git@github.com:org/repo.git', 'ssh://git@host/org/repo.git', 'git://host/org/repo.git']) {
      const v = handler.validate({ type: 'git', git: { repository } } as never, f.namespace)
      expect(E.isLeft(v) && v.left.message).to.include('not supported').and.include('https://')
    }
  })
})
