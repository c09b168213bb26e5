/** Escaping for server-rendered HTML: every interpolated value is text unless it is already `SafeHtml`. */

/** Markup that was built by `html` (its values escaped); only this type is inserted unescaped. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes `&<>"'` so that a value is text in element content and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] as string)
}

/** One interpolated value: SafeHtml as is, arrays joined, undefined/null/false as nothing, the rest escaped. */
export type HtmlValue = SafeHtml | string | number | boolean | undefined | null | readonly HtmlValue[]

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return ''
  if (value instanceof SafeHtml) return value.text
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('')
  return escapeHtml(String(value as string | number | boolean))
}

/** Tagged template: `html\`<p>${untrusted}</p>\`` escapes `untrusted`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] as string
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] as string)
  return new SafeHtml(out)
}

/** A link target that is safe to put in `href`: only http(s) URLs; anything else (javascript:, data:) is undefined. */
export function safeExternalUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined
  } catch {
    return undefined
  }
}
