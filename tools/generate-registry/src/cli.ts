// CLI: node --conditions=@thv/source --import tsx tools/generate-registry/src/cli.ts --template F --count N [--seed S] [--out F]
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { generateRegistry, type ToolHiveRegistryDocument } from './generate-registry.js'

const USAGE = `Usage: generate-registry --template <toolhive-registry.json> [--count 10000] [--seed 1] [--out <file>]
Writes a ToolHive registry document with <count> servers derived from the template's entries (stdout without --out).`

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      template: { type: 'string' },
      count: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help || values.template === undefined) {
    process.stderr.write(`${USAGE}\n`)
    return values.help ? 0 : 2
  }
  const count = Number(values.count)
  const seed = Number(values.seed)
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(seed)) {
    process.stderr.write(`--count and --seed must be integers\n${USAGE}\n`)
    return 2
  }
  const template = JSON.parse(readFileSync(values.template, 'utf8')) as ToolHiveRegistryDocument
  const json = `${JSON.stringify(generateRegistry({ template, count, seed }), null, 2)}\n`
  if (values.out === undefined) process.stdout.write(json)
  else writeFileSync(values.out, json)
  return 0
}

process.exitCode = main(process.argv.slice(2))
