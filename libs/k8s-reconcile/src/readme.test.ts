import { readFileSync } from 'node:fs'
import { expect } from 'chai'

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8')

describe('README', () => {
  it('contains examples/example-controller.ts verbatim, so the documented example is the type-checked one', () => {
    expect(read('../README.md')).to.include(`\`\`\`ts\n${read('../examples/example-controller.ts')}\`\`\``)
  })
})
