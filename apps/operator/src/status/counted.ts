/** Counts in status messages and Events: `1 server`, `8 servers`. */

/** `count` followed by `noun`, with an `s` unless the count is exactly one. */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
