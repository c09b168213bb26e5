// Builds the registry API the way its container image does (apps/registry-api/Dockerfile: tsc output of the app
// and of the @thv libraries it imports, run with plain `node` and NODE_ENV=production), into a scratch directory,
// so bench/api.bench.ts measures what ships instead of the sources through tsx.
// The repository's dist/ folders are left alone: the build goes to <work>/out, and <work>/run gets the layout of
// the image (<package>/package.json + dist/) with node_modules linking to the workspace's installed packages.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/** The built API: run `node <main>` with `cwd` (and NODE_ENV=production, as the image does). */
export interface BuiltApi {
  readonly cwd: string
  readonly main: string
  readonly buildMs: number
}

interface PackageJson { readonly name: string; readonly dependencies?: Readonly<Record<string, string>> }

const readPackage = (dir: string): PackageJson => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson

/** The workspace folders of `app` and of every @thv package it depends on, directly or not. */
function workspaceClosure(root: string, app: string): string[] {
  const dirs = [app]
  for (let i = 0; i < dirs.length; i++) {
    for (const name of Object.keys(readPackage(join(root, dirs[i] as string)).dependencies ?? {})) {
      if (!name.startsWith('@thv/')) continue
      const dir = relative(root, realpathSync(join(root, 'node_modules', name)))
      if (!dirs.includes(dir)) dirs.push(dir)
    }
  }
  return dirs
}

/** Compiles apps/registry-api and its libraries with the repository's tsc and compiler options into `work`. */
export function buildApi(root: string, work: string): BuiltApi {
  const started = Date.now()
  const app = 'apps/registry-api'
  const packages = workspaceClosure(root, app)
  const out = join(work, 'out')
  const tsconfig = join(work, 'tsconfig.json')
  // One program over all the packages (cross-package imports resolve to sources for type checking); every file is
  // emitted on its own (isolatedModules, verbatimModuleSyntax), so the JavaScript equals the per-package build.
  writeFileSync(tsconfig, JSON.stringify({
    extends: join(root, 'tsconfig.base.json'),
    compilerOptions: {
      rootDir: root, outDir: out, noEmit: false, declaration: false, declarationMap: false, sourceMap: false,
      typeRoots: [join(root, 'node_modules', '@types')],
    },
    include: packages.map((p) => join(root, p, 'src', '**', '*.ts')),
    exclude: [join(root, '**', '*.test.ts')],
  }))
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { cwd: root, encoding: 'utf8' })
  if (tsc.status !== 0) throw new Error(`tsc failed building the API:\n${tsc.stdout}${tsc.stderr}`)

  const run = join(work, 'run')
  mkdirSync(join(run, 'node_modules', '@thv'), { recursive: true })
  const linked = new Set<string>()
  for (const p of packages) {
    mkdirSync(join(run, p), { recursive: true })
    cpSync(join(root, p, 'package.json'), join(run, p, 'package.json'))
    cpSync(join(out, p, 'src'), join(run, p, 'dist'), { recursive: true })
    const name = readPackage(join(root, p)).name
    symlinkSync(join(run, p), join(run, 'node_modules', name))
    linked.add(name)
  }
  cpSync(join(root, app, 'src', 'openapi.yaml'), join(run, app, 'dist', 'openapi.yaml')) // as the image build does
  // Third-party packages come from the workspace install; the workspace's own packages are the ones built above.
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry === '@thv' || entry.startsWith('.') || linked.has(entry)) continue
    symlinkSync(join(root, 'node_modules', entry), join(run, 'node_modules', entry))
  }
  cpSync(join(root, 'package.json'), join(run, 'package.json'))
  return { cwd: run, main: join(app, 'dist', 'main.js'), buildMs: Date.now() - started }
}
