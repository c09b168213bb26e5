/**
 * Command-line flags with `THV_REGISTRY_*` environment twins: the flag table, `--help` text, reading argv and env
 * into raw strings, and decoding them with an io-ts codec into one error that names every bad flag.
 */
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'

/** One flag: its name, env twin, kind, default (as text) or what happens when absent, and a help line. */
export interface FlagSpec {
  readonly flag: string
  readonly env: string
  readonly type: 'string' | 'boolean'
  /** The default value, when the flag has one. */
  readonly default?: string
  /** What happens when the flag is absent, for `--help` (defaults to `default`). */
  readonly absent?: string
  readonly help: string
}

/** The environment twin of a flag: `--log-level` -> `THV_REGISTRY_LOG_LEVEL`. */
export const envOf = (flag: string): string => `THV_REGISTRY_${flag.replace(/-/g, '_').toUpperCase()}`

/** A string flag with an optional default, or a description of what happens when it is absent. */
export const stringFlag = (flag: string, help: string, dflt?: string, absent?: string): FlagSpec => ({
  flag, env: envOf(flag), type: 'string', help,
  ...(dflt === undefined ? {} : { default: dflt }),
  ...(absent === undefined ? {} : { absent }),
})

/** A boolean flag (default `false`), given bare (`--leader-elect`) or with a value (`--leader-elect=false`). */
export const booleanFlag = (flag: string, help: string): FlagSpec => ({ flag, env: envOf(flag), type: 'boolean', help, default: 'false' })

/** A configuration error: one message naming every bad flag, meant for stderr. */
export class ConfigError extends Error {
  readonly code = 'InvalidConfig'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ConfigError'
  }
}

/** What {@link helpText} prints above and beside the flag table. */
export interface HelpLayout {
  /** The usage line, e.g. `Usage: thv-operator [flags]`. */
  readonly usage: string
  /** One sentence on what the program does. */
  readonly summary: string
  /** Width of the flag column (without the leading `--`). */
  readonly flagWidth: number
  /** Width of the environment column. */
  readonly envWidth: number
}

/** The `--help` text: usage and a table of flag, env twin and default. */
export function helpText(flags: readonly FlagSpec[], layout: HelpLayout): string {
  const { flagWidth, envWidth } = layout
  const rows = flags.map((f) => `  --${f.flag.padEnd(flagWidth)} ${f.env.padEnd(envWidth)} ${f.default ?? f.absent ?? ''}\n      ${f.help}`)
  return [
    layout.usage,
    '',
    layout.summary,
    '',
    `  ${'flag'.padEnd(flagWidth + 2)} ${'environment'.padEnd(envWidth)} default`,
    ...rows,
    `  --${'help'.padEnd(flagWidth)} ${''.padEnd(envWidth)}\n      Print this help`,
  ].join('\n')
}

/** What the command line asked for: `help`, or the raw text of every flag that has a value. */
export type RawFlags = { readonly kind: 'help' } | { readonly kind: 'values'; readonly raw: Readonly<Record<string, string>> }

/**
 * Reads `argv` (without node and script) and `env` into raw strings: an explicit flag beats its env twin (an empty
 * env value counts as unset), which beats the default; `LOG_LEVEL` is read as a fallback twin of `--log-level`.
 * An unknown flag or a positional argument is an error whose message ends with `help`.
 */
export function readFlags(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  flags: readonly FlagSpec[],
  help: string,
): E.Either<ConfigError, RawFlags> {
  // node:util parseArgs has no optional-value booleans: take `--flag=value` of a boolean flag out first.
  const booleans = new Set(flags.filter((f) => f.type === 'boolean').map((f) => f.flag))
  const explicitBooleans: Record<string, string> = {}
  const args: string[] = []
  for (const a of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(a)
    if (m !== null && booleans.has(m[1] as string)) explicitBooleans[m[1] as string] = m[2] as string
    else args.push(a)
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries([...flags.map((f) => [f.flag, { type: f.type }]), ['help', { type: 'boolean' as const }]]),
      strict: true,
      allowPositionals: false,
    })
  } catch (err: unknown) {
    return E.left(new ConfigError(`${err instanceof Error ? err.message : String(err)}\n\n${help}`, { cause: err }))
  }
  if (parsed.values['help'] === true) return E.right({ kind: 'help' })

  const raw: Record<string, string> = {}
  for (const f of flags) {
    const flagValue = parsed.values[f.flag]
    const fromFlag = explicitBooleans[f.flag] ?? (flagValue === true ? 'true' : typeof flagValue === 'string' ? flagValue : undefined)
    const fromEnv = env[f.env] ?? (f.flag === 'log-level' ? env['LOG_LEVEL'] : undefined)
    const value = fromFlag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined)
    if (value !== undefined) raw[f.flag] = value
    else if (f.default !== undefined) raw[f.flag] = f.default
  }
  return E.right({ kind: 'values', raw })
}

/**
 * Decodes raw flag values with `codec`; the error names every bad flag with its env twin, once:
 * `--port (THV_REGISTRY_PORT): must be an integer from 0 to 65535, got "http"`.
 */
export function decodeFlags<A>(codec: t.Decoder<unknown, A>, raw: Readonly<Record<string, string>>, flags: readonly FlagSpec[]): E.Either<ConfigError, A> {
  const decoded = codec.decode(raw)
  if (E.isRight(decoded)) return decoded
  const messages = decoded.left.map((e) => {
    const key = e.context.map((c) => c.key).filter((k) => k !== '' && !/^[0-9]+$/.test(k)).pop() ?? '(root)'
    const flag = flags.find((f) => f.flag === key)
    return `--${key}${flag === undefined ? '' : ` (${flag.env})`}: ${e.message ?? `must be a valid ${e.context[e.context.length - 1]?.type.name ?? 'value'}`}, got ${JSON.stringify(e.value)}`
  })
  return E.left(new ConfigError([...new Set(messages)].join('\n')))
}
