import { expect } from 'chai'
import { readFileSync } from 'node:fs'

describe('README', () => {
  it('shows examples/usage.ts verbatim as its usage example', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const example = readFileSync(new URL('../examples/usage.ts', import.meta.url), 'utf8')
    expect(readme).to.contain('```ts\n' + example + '```\n')
  })
})
