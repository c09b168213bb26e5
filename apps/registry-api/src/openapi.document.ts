/** Loads the OpenAPI document that ships next to this module. */
import { readFileSync } from 'node:fs'

/** The OpenAPI 3.1 YAML of this API (`src/openapi.yaml`, copied to `dist/` by the build). Reads the file. */
export function loadOpenApiYaml(): string {
  return readFileSync(new URL('./openapi.yaml', import.meta.url), 'utf8')
}
