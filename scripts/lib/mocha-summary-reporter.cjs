// Mocha reporter for the Node-side tiers: the usual spec output, plus a JSON summary written to the
// path in env SOCRATUNE_MOCHA_SUMMARY (read by scripts/test-all.mjs to total the tiers).
const { writeFileSync } = require('node:fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const tests = [];
    const C = Mocha.Runner.constants;
    runner.on(C.EVENT_TEST_PASS, (t) => tests.push({ fullTitle: t.fullTitle(), state: 'passed' }));
    runner.on(C.EVENT_TEST_FAIL, (t, err) => tests.push({ fullTitle: t.fullTitle(), state: 'failed', error: String(err && err.message) }));
    runner.on(C.EVENT_TEST_PENDING, (t) => tests.push({ fullTitle: t.fullTitle(), state: 'pending' }));
    runner.once(C.EVENT_RUN_END, () => {
      const file = process.env.SOCRATUNE_MOCHA_SUMMARY;
      if (!file) return;
      const count = (s) => tests.filter((t) => t.state === s).length;
      writeFileSync(file, JSON.stringify({ passed: count('passed'), failed: count('failed'), pending: count('pending'), tests }, null, 2));
    });
  }
}

module.exports = SummaryReporter;
