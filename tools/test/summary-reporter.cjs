// Mocha reporter: the spec reporter's output, plus a machine-readable tally for tools/test/run-all.sh.
// CI does not read mocha's own summary, so run-all.sh adds every suite's tally and prints one
// `N passed, N failed` line at the very end. The tally goes to $THV_TEST_SUMMARY_FILE when set.
'use strict'
const fs = require('node:fs')
const Mocha = require('mocha')
const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options)
    const tally = { passed: 0, failed: 0, pending: 0 }
    runner.on(EVENT_TEST_PASS, () => { tally.passed += 1 })
    runner.on(EVENT_TEST_FAIL, () => { tally.failed += 1 })
    runner.on(EVENT_TEST_PENDING, () => { tally.pending += 1 })
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.THV_TEST_SUMMARY_FILE
      if (file) fs.writeFileSync(file, JSON.stringify(tally))
    })
  }
}
module.exports = SummaryReporter
