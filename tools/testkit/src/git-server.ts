// A real git server for tests: `git http-backend` (the git CLI's smart HTTP CGI) behind a small Node CGI bridge
// with HTTP Basic auth, served over HTTPS on 127.0.0.1; plus helpers that make commits with the git CLI.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { startHttpsServer, type TestHttpsServer, type TestTls } from './remote-sources.js'

/** A bare repository served at `<origin>/repo.git`, and a work tree to commit from. */
export interface TestGitServer {
  readonly url: string
  readonly http: TestHttpsServer
  /** Requests the bridge answered (method and path), to see what a sync did. */
  readonly requests: Array<{ method: string; path: string }>
  /** Writes files, commits them on `branch` and pushes (force when `force`); returns the commit hash. */
  commit(files: Record<string, string | Buffer>, message: string, options?: { branch?: string; force?: boolean }): string
  /** Runs git in the work tree. */
  git(...args: string[]): string
  close(): Promise<void>
}

/** Starts the server with one user; the repository starts empty. */
export async function startGitServer(tls: TestTls, user: { name: string; password: string }): Promise<TestGitServer> {
  const root = mkdtempSync(join(tmpdir(), 'thv-git-server-'))
  const bare = join(root, 'repo.git')
  const work = join(root, 'work')
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' }
  const run = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 }).toString('utf8').trim()
  run(root, 'init', '-q', '--bare', '-b', 'main', bare)
  run(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true')
  run(root, 'init', '-q', '-b', 'main', work)
  run(work, 'remote', 'add', 'origin', bare)
  const requests: Array<{ method: string; path: string }> = []
  const expected = `Basic ${Buffer.from(`${user.name}:${user.password}`).toString('base64')}`

  const bridge = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://localhost')
    requests.push({ method: req.method ?? 'GET', path: url.pathname })
    if (req.headers.authorization !== expected) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end()
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.replace(/^\?/, ''),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: user.name,
        REMOTE_ADDR: '127.0.0.1',
        ...(req.headers['git-protocol'] === undefined ? {} : { GIT_PROTOCOL: String(req.headers['git-protocol']) }),
        ...(req.headers['content-length'] === undefined ? {} : { CONTENT_LENGTH: String(req.headers['content-length']) }),
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    })
    req.pipe(cgi.stdin)
    let head = Buffer.alloc(0)
    let headersDone = false
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) return void res.write(chunk)
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      headersDone = true
      let status = 200
      const headers: Record<string, string> = {}
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const i = line.indexOf(':')
        const name = line.slice(0, i).trim().toLowerCase()
        const value = line.slice(i + 1).trim()
        if (name === 'status') status = Number(value.split(' ')[0])
        else headers[name] = value
      }
      res.writeHead(status, headers)
      res.write(head.subarray(end + 4))
    })
    cgi.stdout.on('end', () => res.end())
    cgi.on('error', () => res.destroy())
  }
  const http = await startHttpsServer(tls, bridge)

  return {
    url: `${http.origin}/repo.git`,
    http,
    requests,
    commit(files, message, options = {}) {
      const branch = options.branch ?? 'main'
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(work, path)), { recursive: true })
        writeFileSync(join(work, path), content)
      }
      run(work, 'add', '-A')
      run(work, 'commit', '-q', '--allow-empty', '-m', message)
      run(work, 'push', '-q', ...(options.force === true ? ['--force'] : []), 'origin', `HEAD:refs/heads/${branch}`)
      return run(work, 'rev-parse', 'HEAD')
    },
    git: (...args) => run(work, ...args),
    async close() {
      await http.close()
      rmSync(root, { recursive: true, force: true })
    },
  }
}
