/**
 * PageMemo: rendered catalogue pages of one view, by mount prefix and query, in a byte-bounded LRU. A page is a
 * pure function of the view (one snapshot) and the query, so a repeated request costs a map lookup; a new
 * snapshot has a new view and so starts with an empty memo (the old one goes with the old view).
 */
import { ByteLru, type ByteLruOptions } from '../http/byte-lru.js'
import type { ServedView } from '../views/registry-view.js'

/** Default bounds: 1,000 pages, 32 MiB per view. */
export const DefaultPageMemo: ByteLruOptions = { maxEntries: 1000, maxBytes: 32 * 1024 * 1024 }

export class PageMemo {
  readonly #byView = new WeakMap<ServedView, ByteLru<string, string>>()

  constructor(private readonly options: ByteLruOptions = DefaultPageMemo) {}

  /** The page of `view` under `key`, rendered by `render` on a miss. */
  get(view: ServedView, key: string, render: () => string): string {
    let pages = this.#byView.get(view)
    if (pages === undefined) {
      pages = new ByteLru<string, string>(this.options, (page) => page.length * 2)
      this.#byView.set(view, pages)
    }
    const hit = pages.get(key)
    if (hit !== undefined) return hit
    const page = render()
    pages.set(key, page)
    return page
  }
}
