// Headless Chromium (Debian's `chromium` package, installed by tools/test/ensure-chromium.sh) driven by playwright-core.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/** Where Debian's chromium package puts the browser binary. */
export const ChromiumPath = process.env['THV_CHROMIUM'] ?? '/usr/lib/chromium/chromium'

/** Launches headless Chromium; `--no-sandbox` because tests run as root. Fails clearly when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(ChromiumPath)) throw new Error(`No Chromium at ${ChromiumPath}: run tools/test/ensure-chromium.sh`)
  return chromium.launch({ executablePath: ChromiumPath, headless: true, args: ['--no-sandbox'] })
}
