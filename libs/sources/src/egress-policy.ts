// Egress policy of remote sources: which URLs and which resolved addresses the operator may connect to.
import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP } from 'node:net'

/** The rule that refused a connection; part of the condition message. */
export type EgressRule =
  | 'scheme'
  | 'insecure-http'
  | 'allowed-source-hosts'
  | 'loopback'
  | 'link-local'
  | 'unspecified'
  | 'private'

/** Options of {@link EgressPolicy}; each maps to an operator flag. */
export interface EgressPolicyOptions {
  /** `--allow-insecure-sources`: accept `http://` endpoints. Default false (HTTPS only). */
  readonly allowInsecure?: boolean
  /** `--allow-loopback-sources`: accept loopback addresses (tests and the local stack only). Default false. */
  readonly allowLoopback?: boolean
  /** `--deny-private-source-addresses`: also refuse RFC 1918, CGNAT and ULA addresses. Default false. */
  readonly denyPrivate?: boolean
  /** `--allowed-source-hosts`: host globs (`*.example.com`, `git.example.org`); empty or absent allows any host. */
  readonly allowedHosts?: ReadonlyArray<string>
  /** Resolves a host name to addresses (default `dns.lookup` with `all: true`). Tests map names to chosen addresses. */
  readonly resolve?: (host: string) => Promise<ReadonlyArray<{ address: string; family: number }>>
}

/** A connection the policy refuses. `message` names the host and the rule. */
export class EgressRefusedError extends Error {
  readonly code = 'EgressRefused'
  constructor(
    /** Host name (or address) from the URL. */
    readonly host: string,
    /** The rule that refused it. */
    readonly rule: EgressRule,
    message: string,
  ) {
    super(message)
    this.name = 'EgressRefusedError'
  }
}

/**
 * Decides where remote sources may connect. URLs are checked before any I/O ({@link checkUrl}: scheme, allowed
 * host globs, literal addresses); host names are resolved by {@link resolve}, which refuses when any resolved
 * address is forbidden, and the connection is then made to the checked address (no second lookup, so DNS
 * rebinding between check and connect is impossible). Loopback, link-local (cloud metadata endpoints) and
 * unspecified addresses are always refused unless `allowLoopback` (loopback only); private ranges only with
 * `denyPrivate`.
 */
export class EgressPolicy {
  readonly allowInsecure: boolean
  readonly allowLoopback: boolean
  readonly denyPrivate: boolean
  readonly allowedHosts: ReadonlyArray<string>
  readonly #hostRes: ReadonlyArray<RegExp>
  readonly #resolve: (host: string) => Promise<ReadonlyArray<{ address: string; family: number }>>

  constructor(options: EgressPolicyOptions = {}) {
    this.allowInsecure = options.allowInsecure ?? false
    this.allowLoopback = options.allowLoopback ?? false
    this.denyPrivate = options.denyPrivate ?? false
    this.allowedHosts = [...(options.allowedHosts ?? [])]
    for (const glob of this.allowedHosts) {
      if (!/^[a-z0-9*?.:[\]-]+$/i.test(glob)) throw new RangeError(`Invalid host glob ${JSON.stringify(glob)} (letters, digits, '.', '-', ':', '*', '?')`)
    }
    this.#hostRes = this.allowedHosts.map(hostGlobToRegExp)
    this.#resolve = options.resolve ?? ((host) => dnsLookup(host, { all: true, verbatim: true }))
  }

  /** Checks a URL before connecting: `https:` (or `http:` when insecure sources are allowed), allowed host, literal address. */
  checkUrl(url: URL): EgressRefusedError | undefined {
    const host = bareHost(url.hostname)
    if (url.protocol === 'http:' && !this.allowInsecure) {
      return new EgressRefusedError(host, 'insecure-http', `Connection to ${host} refused by egress policy (rule insecure-http): only https:// is allowed unless the operator runs with --allow-insecure-sources`)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return new EgressRefusedError(host, 'scheme', `Connection to ${host} refused by egress policy (rule scheme): ${url.protocol.replace(/:$/, '')} URLs are not supported, only HTTPS`)
    }
    if (this.#hostRes.length > 0 && !this.#hostRes.some((re) => re.test(host.toLowerCase()))) {
      return new EgressRefusedError(host, 'allowed-source-hosts', `Connection to ${host} refused by egress policy (rule allowed-source-hosts): the host matches none of --allowed-source-hosts ${this.allowedHosts.join(',')}`)
    }
    return isIP(host) === 0 ? undefined : this.checkAddress(host, host)
  }

  /** The refusal for connecting to `address` (resolved from `host`), or undefined when allowed. */
  checkAddress(host: string, address: string): EgressRefusedError | undefined {
    const kind = classifyAddress(address)
    const refuse = (rule: EgressRule, what: string) =>
      new EgressRefusedError(host, rule, `Connection to ${host} refused by egress policy (rule ${rule}): it resolves to ${what} address ${address}`)
    switch (kind) {
      case 'loopback':
        return this.allowLoopback ? undefined : refuse('loopback', 'the loopback')
      case 'link-local':
        return refuse('link-local', 'the link-local (cloud metadata)')
      case 'unspecified':
        return refuse('unspecified', 'the unspecified')
      case 'private':
        return this.denyPrivate ? refuse('private', 'the private') : undefined
      case 'public':
        return undefined
    }
  }

  /**
   * Resolves `host` and returns the address to connect to (the first one), refusing when any resolved address is
   * forbidden (a name with one metadata address among public ones is refused, not raced). A literal address is
   * checked as is.
   */
  async resolve(host: string): Promise<{ address: string; family: number }> {
    const bare = bareHost(host)
    const literal = isIP(bare)
    const addresses = literal !== 0 ? [{ address: bare, family: literal }] : await this.#resolve(bare)
    if (addresses.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${bare}`), { code: 'ENOTFOUND', hostname: bare })
    for (const a of addresses) {
      const refusal = this.checkAddress(bare, a.address)
      if (refusal !== undefined) throw refusal
    }
    return addresses[0] as { address: string; family: number }
  }
}

/** `[::1]` → `::1`. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
}

function hostGlobToRegExp(glob: string): RegExp {
  const body = glob.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]*').replace(/\?/g, '[^.]')
  // A leading `*.` matches any depth of subdomain (`*.example.com` matches `a.b.example.com`, not `example.com`).
  return new RegExp(`^${body.replace(/^\[\^\.\]\*\\\./, '(?:[^.]+\\.)+')}$`)
}

/** Address classes the policy distinguishes. */
export type AddressClass = 'loopback' | 'link-local' | 'unspecified' | 'private' | 'public'

/** Classifies an IPv4 or IPv6 address (IPv4-mapped IPv6 addresses as their IPv4 address). */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address)
  if (family === 4) return classifyV4(address.split('.').map(Number) as [number, number, number, number])
  if (family !== 6) throw new RangeError(`Not an IP address: ${address}`)
  const words = expandV6(address)
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return classifyV4([words[6]! >> 8, words[6]! & 0xff, words[7]! >> 8, words[7]! & 0xff])
  }
  if (words.every((w) => w === 0)) return 'unspecified'
  if (words.slice(0, 7).every((w) => w === 0) && words[7] === 1) return 'loopback'
  const first = words[0]!
  if ((first & 0xffc0) === 0xfe80) return 'link-local'
  // fd00:ec2::/32 holds the AWS metadata endpoint over IPv6 (fd00:ec2::254): inside the ULA range, but a metadata
  // endpoint in effect, so it is refused like link-local addresses.
  if (first === 0xfd00 && words[1] === 0x0ec2) return 'link-local'
  if ((first & 0xfe00) === 0xfc00) return 'private'
  return 'public'
}

function classifyV4([a, b]: readonly [number, number, number, number]): AddressClass {
  if (a === 127) return 'loopback'
  if (a === 169 && b === 254) return 'link-local'
  if (a === 0) return 'unspecified'
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private'
  return 'public'
}

function expandV6(address: string): number[] {
  let text = address.split('%')[0] as string
  const tail: number[] = []
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number]
    tail.push((a << 8) | b, (c << 8) | d)
    text = text.slice(0, v4.index) + '0:0'
  }
  const [head, rest] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined]
  const h = head === '' ? [] : head.split(':').map((x) => parseInt(x, 16))
  const r = rest === undefined || rest === '' ? [] : rest.split(':').map((x) => parseInt(x, 16))
  const words = rest === undefined ? h : [...h, ...new Array<number>(8 - h.length - r.length).fill(0), ...r]
  if (tail.length === 2) words.splice(6, 2, ...tail)
  return words
}
