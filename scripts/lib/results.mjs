// The integration suite's results file (written by test/integration/index.ts inside the extension host).

/** One line per test, as mocha's spec reporter would print it. */
export function printRecord(r) {
  const mark = r.state === 'passed' ? '  ✓' : r.state === 'pending' ? '  -' : '  ✗';
  console.log(`${mark} ${r.fullTitle}${r.state === 'passed' ? ` (${r.durationMs} ms)` : r.state === 'pending' ? ' (pending: not allowed)' : ''}`);
  if (r.error)
    console.log(
      `      ${String(r.error.stack ?? r.error.message)
        .split('\n')
        .slice(0, 8)
        .join('\n      ')}`,
    );
}

/** Whether the run passed: more than 0 tests, no failures, nothing pending. Returns a reason when not. */
export function judge(results, grep) {
  const s = results?.stats;
  if (!s) return { ok: false, reason: 'no results file was written' };
  if (s.tests === 0) return { ok: false, reason: grep ? `no test matches --grep ${grep}` : 'the suite ran 0 tests' };
  if (s.failures > 0) return { ok: false, reason: `${s.failures} test(s) failed` };
  if (s.pending > 0) return { ok: false, reason: `${s.pending} test(s) pending/skipped (not allowed)` };
  return { ok: true };
}
