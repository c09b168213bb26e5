/** Editing command-line flag lists the way the e2e runners need (replace a flag whatever form it was given in). */

/**
 * Removes every occurrence of the named long flags, in both `--flag=value` and `--flag value` forms.
 * `boolean` lists flags that take no value (so the next argument is kept).
 */
export function withoutFlags(args: readonly string[], flags: readonly string[], boolean: readonly string[] = []): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? ''
    const name = arg.split('=', 1)[0] ?? ''
    if (!flags.includes(name)) {
      out.push(arg)
      continue
    }
    if (!arg.includes('=') && !boolean.includes(name)) i += 1
  }
  return out
}

/** The value of a long flag (`--flag=value` or `--flag value`), or undefined. The last occurrence wins. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? ''
    if (arg === flag) value = args[i + 1]
    else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1)
  }
  return value
}
