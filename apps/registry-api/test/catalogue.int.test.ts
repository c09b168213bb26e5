// The HTML catalogue and the API reference (issue 18) in headless Chromium, against the API as a real process
// serving a 10,000-server registry: list, search, filters, paging, server pages, escaping, no-JS use, CSP,
// same-origin assets only, accessibility (axe-core) and screenshots; and the catalogue of each view of a registry
// with several sources (the app on a real port, serving a snapshot with two views).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import axe from 'axe-core'
import { expect } from 'chai'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { generateRegistry, type ToolHiveRegistryDocument } from '@thv/generate-registry'
import { startApi, type RunningApi } from './support/api-harness.js'
import { startFileModeApi, type ApiProcess } from './support/api-process.js'
import { launchChromium } from './support/browser.js'
import { fixturePath, REPO_ROOT } from './support/fixtures.js'
import { multiViewSnapshot } from './support/snapshots.js'
import { renderToolHiveForTests } from './support/toolhive.js'

const SCREENSHOTS = join(REPO_ROOT, '.test-results/screenshots')
/** With THV_UPDATE_SCREENSHOTS=1 the list screenshot also replaces the README's image. */
const README_IMAGE = join(REPO_ROOT, 'apps/registry-api/docs/catalogue.png')
const HOSTILE_KEY = 'zz-hostile-entry'
const HOSTILE_DESCRIPTION = 'Hostile marker <script>window.__pwned = true</script><img src="x" onerror="window.__pwned = true"> & "quotes"'
const PAGE_SIZE = 20

/** 9,999 generated servers plus one whose description is markup: 10,000 entries. */
function registryWithHostileEntry(): ToolHiveRegistryDocument {
  const template = JSON.parse(readFileSync(fixturePath('toolhive-registry.json'), 'utf8')) as ToolHiveRegistryDocument
  const doc = generateRegistry({ template, count: 9_999, seed: 18 })
  const servers = doc.servers ?? {}
  const first = Object.values(servers)[0]
  if (first === undefined) throw new Error('The generated registry has no container server')
  return { ...doc, servers: { ...servers, [HOSTILE_KEY]: { ...first, description: HOSTILE_DESCRIPTION } } }
}

function keysOf(doc: ToolHiveRegistryDocument): string[] {
  return [...Object.keys(doc.servers ?? {}), ...Object.keys(doc.remote_servers ?? {})].sort()
}

/** The ToolHive keys the current page links to, in page order. */
async function listedKeys(page: Page): Promise<string[]> {
  const hrefs = await page.locator('ul.servers li.server h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
  return hrefs.map((h) => decodeURIComponent(h.replace(/^\/ui\/servers\//, '')))
}

async function resultCount(page: Page): Promise<string> {
  return (await page.locator('#result-count').textContent()) ?? ''
}

function expectPng(path: string): void {
  const bytes = readFileSync(path)
  expect(statSync(path).size, path).to.be.greaterThan(10_000)
  expect(bytes.subarray(0, 8).toString('hex'), `${path} is a PNG`).to.equal('89504e470d0a1a0a')
}

describe('catalogue and API reference in a browser (issue 18)', function () {
  this.timeout(180_000)
  let dir: string
  let doc: ToolHiveRegistryDocument
  let api: ApiProcess
  let browser: Browser
  let context: BrowserContext
  /** Every URL the browser asked for, and every console message about the CSP. */
  const requested: string[] = []
  const cspViolations: string[] = []

  const watch = async (ctx: BrowserContext): Promise<void> => {
    await ctx.route('**/*', async (route) => {
      const url = route.request().url()
      requested.push(url)
      if (new URL(url).origin === api.url) await route.continue()
      else await route.abort()
    })
    ctx.on('page', (page) => page.on('console', (msg) => {
      if (msg.text().includes('Content Security Policy')) cspViolations.push(msg.text())
    }))
  }

  before(async () => {
    doc = registryWithHostileEntry()
    dir = mkdtempSync(join(tmpdir(), 'thv-catalogue-'))
    const file = join(dir, 'registry.json')
    writeFileSync(file, JSON.stringify(doc))
    mkdirSync(SCREENSHOTS, { recursive: true })
    ;[api, browser] = await Promise.all([startFileModeApi(file), launchChromium()])
    await api.ready()
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.url })
    await watch(context)
  })

  after(async () => {
    await browser?.close()
    await api?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  afterEach(() => {
    expect(requested.filter((u) => new URL(u).origin !== api.url), 'requests that left the API origin').to.deep.equal([])
    expect(cspViolations, 'CSP violations').to.deep.equal([])
  })

  it('keeps JSON for JSON clients and says so with Vary: Accept', async () => {
    const json = await fetch(`${api.url}/`, { headers: { Accept: 'application/json' } })
    expect(json.status).to.equal(200)
    expect(json.headers.get('content-type')).to.match(/^application\/json/)
    expect(json.headers.get('vary')).to.equal('Accept')
    expect(await json.json()).to.include({ docs: '/docs', openapi: '/openapi.yaml' })
    const html = await fetch(`${api.url}/`, { headers: { Accept: 'text/html' } })
    expect(html.headers.get('content-type')).to.equal('text/html; charset=utf-8')
    expect(html.headers.get('vary')).to.equal('Accept')
    const bad = await fetch(`${api.url}/?transport=carrier-pigeon`, { headers: { Accept: 'text/html' } })
    expect(bad.status).to.equal(400)
    expect(bad.headers.get('content-type')).to.equal('application/problem+json')
  })

  it('lists the first page of 10,000 servers with a strict CSP, nosniff and counts, sending one page only', async () => {
    const page = await context.newPage()
    const response = await page.goto(`${api.url}/`)
    expect(response?.status()).to.equal(200)
    const headers = response?.headers() ?? {}
    expect(headers['content-security-policy']).to.include("default-src 'none'").and.include("script-src 'self'")
    expect(headers['content-security-policy']).to.not.include('unsafe')
    expect(headers['x-content-type-options']).to.equal('nosniff')
    expect((await response?.body())?.length).to.be.below(100_000)
    expect(await resultCount(page)).to.equal(`Servers 1–${PAGE_SIZE} of 10000`)
    expect(await listedKeys(page)).to.deep.equal(keysOf(doc).slice(0, PAGE_SIZE))
    const remote = Object.keys(doc.remote_servers ?? {}).length
    expect(await page.locator('.facet a[href="/?kind=remote"] + .count').textContent()).to.equal(String(remote))
    await page.screenshot({ path: join(SCREENSHOTS, 'catalogue-list.png') })
    expectPng(join(SCREENSHOTS, 'catalogue-list.png'))
    if (process.env['THV_UPDATE_SCREENSHOTS'] === '1') copyFileSync(join(SCREENSHOTS, 'catalogue-list.png'), README_IMAGE)
    await page.close()
  })

  it('pages through the registry with Next and reaches the last page', async () => {
    const page = await context.newPage()
    await page.goto(`${api.url}/`)
    const seen: string[] = []
    for (let i = 0; i < 5; i++) {
      seen.push(...await listedKeys(page))
      await Promise.all([page.waitForURL(`${api.url}/?page=${i + 2}`), page.locator('a[rel=next]').click()])
    }
    expect(seen).to.deep.equal(keysOf(doc).slice(0, 5 * PAGE_SIZE))
    expect(await resultCount(page)).to.equal(`Servers ${5 * PAGE_SIZE + 1}–${6 * PAGE_SIZE} of 10000`)
    await page.goto(`${api.url}/?page=500`)
    expect(await page.locator('.pager span').textContent()).to.equal('Page 500 of 500')
    expect(await page.locator('a[rel=next]').count()).to.equal(0)
    expect(await listedKeys(page)).to.deep.equal(keysOf(doc).slice(-PAGE_SIZE))
    await page.close()
  })

  it('searches as you type and filters by kind, transport and tag', async () => {
    const page = await context.newPage()
    await page.goto(`${api.url}/`)
    await page.locator('#q').pressSequentially('hostile marker')
    await page.locator('#result-count', { hasText: /^Servers 1–1 of 1$/ }).waitFor()
    expect(await listedKeys(page)).to.deep.equal([HOSTILE_KEY])
    expect(page.url()).to.equal(`${api.url}/?q=hostile+marker`)

    await page.goto(`${api.url}/`)
    await Promise.all([page.waitForURL(`${api.url}/?kind=remote`), page.locator('.facet a[href="/?kind=remote"]').click()])
    const remoteKeys = Object.keys(doc.remote_servers ?? {}).sort()
    expect(await resultCount(page)).to.equal(`Servers 1–${Math.min(PAGE_SIZE, remoteKeys.length)} of ${remoteKeys.length}`)
    expect(await listedKeys(page)).to.deep.equal(remoteKeys.slice(0, PAGE_SIZE))

    await page.goto(`${api.url}/?transport=stdio&tag=database`)
    const expected = Object.entries(doc.servers ?? {})
      .filter(([, s]) => s.transport === 'stdio' && (s.tags ?? []).includes('database')).map(([k]) => k).sort()
    expect(expected.length).to.be.greaterThan(0)
    expect(await resultCount(page)).to.equal(`Servers 1–${Math.min(PAGE_SIZE, expected.length)} of ${expected.length}`)
    expect(await listedKeys(page)).to.deep.equal(expected.slice(0, PAGE_SIZE))
    await page.close()
  })

  it('opens a server page with its details and a working copy button for `thv run`', async () => {
    const page = await context.newPage()
    await page.goto(`${api.url}/?kind=container`)
    const key = (await listedKeys(page))[0] as string
    await Promise.all([page.waitForURL(`${api.url}/ui/servers/${encodeURIComponent(key)}`), page.locator('ul.servers h3 a').first().click()])
    const server = (doc.servers ?? {})[key]
    if (server === undefined) throw new Error(`no server ${key}`)
    expect(await page.locator('#run-snippet').textContent()).to.equal(`thv run ${key}`)
    expect(await page.locator('main p.description').textContent()).to.equal(server.description)
    expect(await page.locator('ul.tools li').allTextContents()).to.deep.equal(server.tools)
    const copy = page.locator('button[data-copy="run-snippet"]')
    await copy.click()
    await page.locator('button[data-copy="run-snippet"]', { hasText: /^Copied$/ }).waitFor()
    expect(await page.evaluate('navigator.clipboard.readText()')).to.equal(`thv run ${key}`)
    await page.screenshot({ path: join(SCREENSHOTS, 'catalogue-server.png'), fullPage: true })
    expectPng(join(SCREENSHOTS, 'catalogue-server.png'))
    await page.close()
  })

  it('shows a remote server\'s MCP client configuration', async () => {
    const [key, remote] = Object.entries(doc.remote_servers ?? {})[0] ?? []
    if (key === undefined || remote === undefined) throw new Error('The generated registry has no remote server')
    const page = await context.newPage()
    await page.goto(`${api.url}/ui/servers/${encodeURIComponent(key)}`)
    const config = JSON.parse((await page.locator('#client-snippet').textContent()) ?? '') as unknown
    expect(config).to.deep.equal({ mcpServers: { [key]: { type: remote.transport === 'sse' ? 'sse' : 'http', url: remote.url } } })
    await page.close()
  })

  it('renders a hostile description as text', async () => {
    const page = await context.newPage()
    await page.goto(`${api.url}/ui/servers/${HOSTILE_KEY}`)
    expect(await page.locator('main p.description').textContent()).to.equal(HOSTILE_DESCRIPTION)
    expect(await page.locator('main p.description *').count()).to.equal(0)
    expect(await page.evaluate('typeof window.__pwned')).to.equal('undefined')
    await page.goto(`${api.url}/?q=hostile`)
    expect(await page.locator('li.server p.description').textContent()).to.equal(HOSTILE_DESCRIPTION)
    expect(await page.evaluate('typeof window.__pwned')).to.equal('undefined')
    await page.close()
  })

  it('lists and searches with JavaScript disabled (the form submits)', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false })
    await watch(noJs)
    const page = await noJs.newPage()
    await page.goto(`${api.url}/?kind=container`)
    expect(await resultCount(page)).to.equal(`Servers 1–${PAGE_SIZE} of ${Object.keys(doc.servers ?? {}).length}`)
    await page.locator('#q').fill('hostile marker')
    await Promise.all([page.waitForURL(`${api.url}/?q=hostile+marker&kind=container`), page.locator('#q').press('Enter')])
    expect(await listedKeys(page)).to.deep.equal([HOSTILE_KEY])
    expect(await page.locator('button.copy').count()).to.equal(0)
    await page.goto(`${api.url}/ui/servers/${HOSTILE_KEY}`)
    expect(await page.locator('#run-snippet').textContent()).to.equal(`thv run ${HOSTILE_KEY}`)
    await noJs.close()
  })

  it('serves the API reference from /docs with local assets only', async () => {
    const page = await context.newPage()
    const response = await page.goto(`${api.url}/docs`)
    expect(response?.headers()['content-security-policy']).to.include("script-src 'self'")
    await page.locator('.opblock-summary-path', { hasText: '/v0.1/servers' }).first().waitFor()
    await page.screenshot({ path: join(SCREENSHOTS, 'api-reference.png') })
    expectPng(join(SCREENSHOTS, 'api-reference.png'))
    await page.close()
  })

  it('has no serious or critical axe-core violation on the list and server pages', async () => {
    // axe is injected as a script, which the CSP forbids: only this context bypasses it.
    const axeContext = await browser.newContext({ bypassCSP: true })
    await watch(axeContext)
    const page = await axeContext.newPage()
    for (const path of ['/', `/ui/servers/${HOSTILE_KEY}`, `/ui/servers/${encodeURIComponent(Object.keys(doc.remote_servers ?? {})[0] ?? '')}`]) {
      await page.goto(api.url + path)
      await page.addScriptTag({ content: axe.source })
      const result = await page.evaluate('axe.run(document)') as axe.AxeResults
      const violations = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
      expect(violations, path).to.deep.equal([])
    }
    await axeContext.close()
  })
})

describe('the catalogue of each view of a registry with several sources, in a browser (issues 13 and 18)', function () {
  this.timeout(120_000)
  let api: RunningApi
  let browser: Browser
  let context: BrowserContext
  const requested: string[] = []
  /** The ToolHive keys a view serves, as its own ToolHive API answers them. */
  const viewKeys = async (view: string): Promise<string[]> => {
    const doc = await (await fetch(`${api.url}/registry/${view}/api/v1/registry/servers`)).json() as ToolHiveRegistryDocument
    return keysOf(doc)
  }
  const keysUnder = async (page: Page, prefix: string): Promise<string[]> => {
    const hrefs = await page.locator('ul.servers li.server h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
    expect(hrefs.every((h) => h.startsWith(`${prefix}/ui/servers/`)), `links below ${prefix}: ${hrefs.join(' ')}`).to.equal(true)
    return hrefs.map((h) => decodeURIComponent(h.slice(`${prefix}/ui/servers/`.length)))
  }

  before(async () => {
    ;[api, browser] = await Promise.all([startApi(renderToolHiveForTests, multiViewSnapshot()), launchChromium()])
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.route('**/*', async (route) => {
      requested.push(route.request().url())
      if (new URL(route.request().url()).origin === api.url) await route.continue()
      else await route.abort()
    })
  })

  after(async () => {
    await browser?.close()
    await api?.close()
  })

  afterEach(() => {
    expect(requested.filter((u) => new URL(u).origin !== api.url), 'requests that left the API origin').to.deep.equal([])
  })

  it('links every view from the root catalogue and lists only the view\'s servers at /registry/{view}/', async () => {
    const all = await viewKeys('all')
    const communityOnly = await viewKeys('community-only')
    expect(communityOnly.length).to.be.lessThan(all.length)
    const page = await context.newPage()
    await page.goto(`${api.url}/`)
    expect(await keysUnder(page, '')).to.deep.equal(all)
    const views = page.locator('nav.views a')
    expect(await views.evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('aria-current')])))
      .to.deep.equal([['Home', '/', 'page'], ['all', '/registry/all/', null], ['community-only', '/registry/community-only/', null]])

    await Promise.all([page.waitForURL(`${api.url}/registry/community-only/`), page.locator('nav.views a', { hasText: 'community-only' }).click()])
    expect(await page.locator('header.site .brand').textContent()).to.match(/ · community-only$/)
    expect(await page.locator('nav.views a[aria-current=page]').textContent()).to.equal('community-only')
    expect(await resultCount(page)).to.equal(`Servers 1–${communityOnly.length} of ${communityOnly.length}`)
    const listed = await keysUnder(page, '/registry/community-only')
    expect(listed).to.deep.equal(communityOnly)
    // The view's own copy of the name that `all` takes from platform, and none of platform's other servers.
    expect(all.filter((k) => !communityOnly.includes(k)).some((k) => listed.includes(k))).to.equal(false)
    expect(all.filter((k) => !communityOnly.includes(k)), 'platform\'s servers but the one community also has').to.have.length(5)

    // A server page of the view: its own copy, links back into the view.
    await page.goto(`${api.url}/registry/community-only/?q=community+copy`)
    await Promise.all([page.waitForURL(/\/registry\/community-only\/ui\/servers\//), page.locator('ul.servers h3 a').first().click()])
    expect(await page.locator('main p.description').textContent()).to.equal('the community copy')
    expect(await page.locator('main a', { hasText: 'All servers' }).getAttribute('href')).to.equal('/registry/community-only/')
    const sameKeyAtRoot = decodeURIComponent(page.url().split('/ui/servers/')[1] ?? '')
    await page.goto(`${api.url}/ui/servers/${encodeURIComponent(sameKeyAtRoot)}`)
    expect(await page.locator('main p.description').textContent()).to.not.equal('the community copy')
    // A server of platform only is not in the community view.
    const platformOnly = all.find((k) => !communityOnly.includes(k)) as string
    const missing = await page.goto(`${api.url}/registry/community-only/ui/servers/${encodeURIComponent(platformOnly)}`)
    expect(missing?.status()).to.equal(404)
    await page.close()
  })

  it('searches a view with JavaScript disabled (the form submits below the view\'s prefix)', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false })
    const page = await noJs.newPage()
    await page.goto(`${api.url}/registry/community-only/`)
    await page.locator('#q').fill('community copy')
    await Promise.all([page.waitForURL(`${api.url}/registry/community-only/?q=community+copy`), page.locator('#q').press('Enter')])
    expect(await page.locator('ul.servers li.server').count()).to.equal(1)
    await noJs.close()
  })

  it('has no serious or critical axe-core violation on a view\'s list and server pages', async () => {
    const axeContext = await browser.newContext({ bypassCSP: true })
    const page = await axeContext.newPage()
    const key = (await viewKeys('community-only'))[0] as string
    for (const path of ['/registry/community-only/', `/registry/community-only/ui/servers/${encodeURIComponent(key)}`]) {
      const response = await page.goto(api.url + path)
      expect(response?.status(), path).to.equal(200)
      await page.addScriptTag({ content: axe.source })
      const result = await page.evaluate('axe.run(document)') as axe.AxeResults
      const violations = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
      expect(violations, path).to.deep.equal([])
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'catalogue-view.png') })
    await axeContext.close()
  })
})
