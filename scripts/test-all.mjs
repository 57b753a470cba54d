#!/usr/bin/env node
// `npm test`: lint (eslint, prettier, knip) → typecheck (both tsconfigs) → build → unit → integration → e2e → vsix, sequential,
// stopping at the first failure. Ends with a per-tier summary and one plain line `N passed, N failed`
// (CI parses it). Lint, typecheck and build count as one check each; tests count one each.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPrereqs } from './lib/prereqs.mjs';
import { REPO, ensureVsCodeServer } from './lib/vscode-server.mjs';

/** A package's CLI script (by path: some packages don't export their bin files). */
const bin = (spec) => join(REPO, 'node_modules', ...spec.split('/'));
/** Per-tier summaries, private to this run (several `npm test` may run in one tree). */
const SUMMARIES = mkdtempSync(join(tmpdir(), 'socratune-test-all-'));
const started = Date.now();
const rows = [];

function exec(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO, stdio: 'inherit', env: { ...process.env, ...env } });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.once('error', () => resolve(1));
  });
}

function readSummary(file) {
  if (!existsSync(file)) return undefined;
  const s = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: s.passed ?? 0, failed: (s.failed ?? 0) + (s.pending ?? 0) };
}

/** A gate step (one check) or a test tier (counts read from its summary file). */
const steps = [
  {
    name: 'lint',
    run: async () => {
      const eslint = await exec(process.execPath, [bin('eslint/bin/eslint.js'), '.']);
      const prettier = await exec(process.execPath, [bin('prettier/bin/prettier.cjs'), '--check', '.']);
      // Unused files, exports, types and dependencies (knip.jsonc).
      const knip = await exec(process.execPath, [bin('knip/bin/knip.js')]);
      return eslint || prettier || knip;
    },
  },
  {
    name: 'typecheck',
    run: async () => {
      const tsc = bin('typescript/bin/tsc');
      const a = await exec(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json']);
      const b = await exec(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.webview.json']);
      const c = await exec(process.execPath, [tsc, '--noEmit', '-p', 'bench/tsconfig.json']);
      const d = await exec(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.webview-test.json']);
      return a || b || c || d;
    },
  },
  { name: 'build', run: () => exec(process.execPath, [join(REPO, 'esbuild.config.mjs')]) },
  {
    name: 'unit',
    tier: true,
    run: (summary) =>
      exec(process.execPath, [bin('mocha/bin/mocha.js'), '--reporter', join(REPO, 'scripts', 'lib', 'mocha-summary-reporter.cjs')], {
        SOCRATUNE_MOCHA_SUMMARY: summary,
      }),
  },
  {
    name: 'integration',
    tier: true,
    run: (summary) => exec(process.execPath, [join(REPO, 'scripts', 'run-integration.mjs'), '--no-build', '--summary-file', summary]),
  },
  { name: 'e2e', tier: true, run: (summary) => exec(process.execPath, [join(REPO, 'scripts', 'run-e2e.mjs'), '--no-build', '--summary-file', summary]) },
  { name: 'vsix', tier: true, run: (summary) => exec(process.execPath, [join(REPO, 'scripts', 'test-vsix.mjs'), '--summary-file', summary]) },
];

// `npm test -- --only build,integration` runs a subset (for developers; CI runs everything).
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? new Set(process.argv[onlyArg + 1].split(',')) : undefined;
if (only) {
  const unknown = [...only].filter((n) => !steps.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`unknown step(s) ${unknown.join(', ')}; steps: ${steps.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
}

async function main() {
  checkPrereqs();
  const t = Date.now();
  await ensureVsCodeServer(); // cold: installs into .vscode-test/ once; warm: instant
  rows.push({ name: 'vscode server', ok: true, seconds: (Date.now() - t) / 1000, note: 'setup' });

  let failedStep;
  for (const step of steps.filter((s) => !only || only.has(s.name))) {
    console.log(`\n━━ ${step.name} ━━`);
    const t0 = Date.now();
    const summary = join(SUMMARIES, `${step.name}.json`);
    const code = await step.run(summary);
    const seconds = (Date.now() - t0) / 1000;
    let passed = code === 0 ? 1 : 0;
    let failed = code === 0 ? 0 : 1;
    if (step.tier) {
      const s = readSummary(summary);
      passed = s?.passed ?? 0;
      failed = s?.failed ?? 0;
      if (code !== 0 && failed === 0) failed = 1; // crashed before reporting, or ran nothing
      if (code === 0 && passed === 0) failed = 1;
    }
    const ok = code === 0 && failed === 0;
    rows.push({ name: step.name, ok, seconds, passed, failed });
    if (!ok) {
      failedStep = step.name;
      break;
    }
  }
  const ran = new Set(rows.map((r) => r.name));
  for (const s of steps) if (!ran.has(s.name) && (!only || only.has(s.name))) rows.push({ name: s.name, skipped: true });

  console.log('\n━━ summary ━━');
  for (const r of rows) {
    if (r.skipped) console.log(`  -  ${r.name.padEnd(13)} not run (an earlier step failed)`);
    else if (r.note) console.log(`  ✓  ${r.name.padEnd(13)} ${r.seconds.toFixed(1).padStart(6)} s`);
    else console.log(`  ${r.ok ? '✓' : '✗'}  ${r.name.padEnd(13)} ${r.seconds.toFixed(1).padStart(6)} s   ${r.passed} passed, ${r.failed} failed`);
  }
  const total = rows
    .filter((r) => !r.skipped && !r.note)
    .reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed }), { passed: 0, failed: 0 });
  console.log(`  total ${((Date.now() - started) / 1000).toFixed(1)} s${failedStep ? `; FAILED at ${failedStep}` : ''}`);
  console.log(`${total.passed} passed, ${total.failed} failed`);
  rmSync(SUMMARIES, { recursive: true, force: true });
  return failedStep ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err?.stack ?? err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
