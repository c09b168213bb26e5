import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { expect } from 'chai'
import { applyDelta, GitObjectTooLargeError, GitPackReader, GitPathNotFoundError, MaxPackObjects } from './git-pack.reader.js'

describe('GitPackReader (packs written by the git CLI)', () => {
  let dir: string
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 }).toString('utf8').trim()
  const signal = () => AbortSignal.timeout(20_000)

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'thv-pack-'))
    git('init', '-q', '-b', 'main')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const commit = (files: Record<string, string | Buffer>): string => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      writeFileSync(join(dir, path), content)
    }
    git('add', '-A')
    git('commit', '-q', '-m', 'c')
    return git('rev-parse', 'HEAD')
  }
  /** A pack of every object reachable from `rev`, as upload-pack would send (ofs-deltas allowed). */
  const packOf = (rev: string, options: readonly string[] = []): string => {
    const objects = git('rev-list', '--objects', rev)
    const sha = execFileSync('git', ['pack-objects', '--delta-base-offset', ...options, join(dir, 'out')], { cwd: dir, env, input: objects, maxBuffer: 64 * 1024 * 1024 }).toString('utf8').trim()
    return join(dir, `out-${sha}.pack`)
  }

  it('reads a file nested in trees, and reports a missing path or a directory as not found', async () => {
    const head = commit({ 'a/b/registry.json': '{"x":1}', 'other.txt': 'other' })
    const reader = await GitPackReader.open(packOf(head), signal())
    try {
      expect((await reader.readPath(head, 'a/b/registry.json', 1024)).toString('utf8')).to.equal('{"x":1}')
      expect((await reader.readPath(head, 'other.txt', 1024)).toString('utf8')).to.equal('other')
      for (const missing of ['a/b/nope.json', 'a/b', 'nope/registry.json', 'other.txt/x']) {
        await reader.readPath(head, missing, 1024).then(() => expect.fail(`${missing} was found`), (err: unknown) => expect(err).to.be.instanceOf(GitPathNotFoundError))
      }
    } finally {
      await reader.close()
    }
  })

  it('resolves ofs-delta chains (similar files and a history) to the exact bytes', async () => {
    const base = Array.from({ length: 4000 }, (_, i) => `line ${i} of a registry that changes a little per commit`).join('\n')
    commit({ 'registry.json': base })
    commit({ 'registry.json': `${base}\nsecond`, 'copy.json': `${base}\ncopy` })
    const head = commit({ 'registry.json': `${base}\nthird`, 'copy.json': `${base}\ncopy2` })
    const pack = packOf('HEAD')
    // The pack really holds deltas (git verify-pack lists a delta chain).
    const stats = execFileSync('git', ['verify-pack', '-v', pack.replace(/\.pack$/, '.idx')], { cwd: dir, env, stdio: 'pipe' }).toString('utf8')
    expect(stats).to.match(/chain length = [1-9]/)
    const reader = await GitPackReader.open(pack, signal())
    try {
      expect((await reader.readPath(head, 'registry.json', 1024 * 1024)).toString('utf8')).to.equal(`${base}\nthird`)
      expect((await reader.readPath(head, 'copy.json', 1024 * 1024)).toString('utf8')).to.equal(`${base}\ncopy2`)
      const first = git('rev-list', '--max-parents=0', 'HEAD')
      expect((await reader.readPath(first, 'registry.json', 1024 * 1024)).toString('utf8')).to.equal(base)
    } finally {
      await reader.close()
    }
  })

  it('streams past a large unrelated blob and bounds the blob it reads', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 7)
    const head = commit({ 'registry.json': '{}', 'big.bin': big })
    const reader = await GitPackReader.open(packOf(head), signal())
    try {
      expect((await reader.readPath(head, 'registry.json', 1024)).toString('utf8')).to.equal('{}')
      await reader.readPath(head, 'big.bin', 1024 * 1024).then(() => expect.fail('read above the limit'), (err: unknown) => expect(err).to.be.instanceOf(GitObjectTooLargeError))
    } finally {
      await reader.close()
    }
  })

  it('rejects data that is not a pack, and a pack of too many objects', async () => {
    const file = join(dir, 'bad.pack')
    writeFileSync(file, 'not a pack at all')
    await GitPackReader.open(file, signal()).then(() => expect.fail('opened'), (err: unknown) => expect(String(err)).to.include('not a git pack'))
    // A header announcing more objects than the index may hold is refused before reading any of them.
    const header = Buffer.alloc(12)
    header.write('PACK', 0, 'latin1')
    header.writeUInt32BE(2, 4)
    header.writeUInt32BE(MaxPackObjects + 1, 8)
    writeFileSync(file, header)
    await GitPackReader.open(file, signal()).then(() => expect.fail('opened'), (err: unknown) => expect(String(err)).to.include(`more than the ${MaxPackObjects}`))
  })

  it('applyDelta copies and inserts, and refuses a result above the limit', () => {
    const base = Buffer.from('hello world')
    // base size 11, result size 11: copy "hello " (offset 0, size 6), insert "there"
    const delta = Buffer.from([11, 11, 0x90, 6, 5, ...Buffer.from('there')])
    expect(applyDelta(base, delta, 100).toString('utf8')).to.equal('hello there')
    expect(() => applyDelta(base, delta, 5)).to.throw(GitObjectTooLargeError)
  })
})
