/** Response headers of every catalogue and docs page: a strict CSP (same-origin assets only) and no sniffing. */
import type { Context } from 'koa'

/**
 * Scripts, styles, images, fonts and fetches only from the API's own origin; no inline script or style
 * elements, no plugins, no framing, forms only to the API. `img-src data:` is for the API reference's icons.
 */
export const ContentSecurityPolicy = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
].join('; ')

/** Sets the CSP, `X-Content-Type-Options: nosniff`, `Referrer-Policy` and `X-Frame-Options` on `ctx`. */
export function setPageSecurityHeaders(ctx: Context): void {
  ctx.set('Content-Security-Policy', ContentSecurityPolicy)
  ctx.set('X-Content-Type-Options', 'nosniff')
  ctx.set('Referrer-Policy', 'no-referrer')
  ctx.set('X-Frame-Options', 'DENY')
}
