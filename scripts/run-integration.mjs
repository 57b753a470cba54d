#!/usr/bin/env node
// Integration tier: runs test/integration (bundled to out/test/integration) inside a REAL VS Code
// extension host — VS Code 1.100.3 server + web workbench in headless Chromium — and fails unless the
// suite's results file shows more than 0 tests, 0 failures and 0 pending.
//
//   npm run test:integration [-- --grep <pattern>] [--no-build] [--timeout <seconds>] [--keep]
//
// Logs (server, extension host, Socratune channel, browser console) land in test-results/integration/.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from './lib/build.mjs';
import { launchChromium } from './lib/browser.mjs';
import { maybeStartEmulator } from './lib/emulator.mjs';
import { judge, printRecord } from './lib/results.mjs';
import { checkPrereqs } from './lib/prereqs.mjs';
import { REPO, ensureVsCodeServer, startServer } from './lib/vscode-server.mjs';
import { tempWorkspace } from './lib/workspace.mjs';
import { exitWith, runCleanups } from './lib/process.mjs';

const { values: args } = parseArgs({
  options: {
    grep: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '900' },
    keep: { type: 'boolean', default: false },
    'summary-file': { type: 'string' },
  },
});

const OUT_DIR = join(REPO, 'test-results', 'integration');
// The results file is private to this run (parallel runs in one tree must not read each other's),
// and copied to test-results/integration/results.json at the end.
const RUN_DIR = mkdtempSync(join(tmpdir(), 'socratune-integration-'));
const RESULTS = join(RUN_DIR, 'results.json');
const PROGRESS = `${RESULTS}.progress`;
const ENTRY = join(REPO, 'out', 'test', 'integration', 'index.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

async function main() {
  checkPrereqs();
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  if (!args['no-build']) build(); // bundles of deleted tests may linger in out/; index.ts ignores them
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\` first`);
  await ensureVsCodeServer();

  const cleanups = [];
  let failure;
  let results;
  try {
    const emulator = await maybeStartEmulator({ timeScale: 1000 });
    if (emulator) {
      cleanups.push(() => emulator.close());
      console.log(`emulator at ${emulator.url}`);
    } else {
      console.log('emulator not built (out/emulator/index.js missing): SOCRATUNE_EMULATOR_URL/KEY are not set');
    }
    const ws = tempWorkspace();
    cleanups.push(() => (args.keep ? console.log(`kept workspace ${ws.dir}`) : ws.dispose()));

    const server = await startServer({
      extensionDevelopmentPath: REPO,
      workspace: ws.dir,
      logFile: join(OUT_DIR, 'server.log'),
      keepData: args.keep,
      env: {
        SOCRATUNE_TEST_RESULTS: RESULTS,
        ...(args.grep ? { SOCRATUNE_TEST_GREP: args.grep } : {}),
        ...(emulator?.env ?? {}),
      },
    });
    cleanups.push(async () => {
      if (failure || args.keep || !judge(results, args.grep).ok) server.collectLogs(OUT_DIR);
      await server.stop();
    });
    console.log(`VS Code ${server.url} (${secs()}); running the suite in the extension host…`);

    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    const consoleLines = [];
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    cleanups.push(() => writeFileSync(join(OUT_DIR, 'browser-console.log'), consoleLines.join('\n')));
    await page.goto(server.workbenchUrl({ extensionTestsPath: ENTRY }));

    const deadline = Date.now() + Number(args.timeout) * 1000;
    let printed = 0;
    let hostExitedAt;
    const flushProgress = () => {
      if (!existsSync(PROGRESS)) return;
      const lines = readFileSync(PROGRESS, 'utf8').split('\n').filter(Boolean);
      for (const line of lines.slice(printed)) printRecord(JSON.parse(line));
      printed = lines.length;
    };
    for (;;) {
      flushProgress();
      if (existsSync(RESULTS)) {
        results = JSON.parse(readFileSync(RESULTS, 'utf8'));
        flushProgress();
        break;
      }
      if (!server.isRunning()) throw new Error(`the VS Code server exited before the suite finished (see ${server.logFile})`);
      // The suite writes its progress and results into RUN_DIR; if that folder is gone (deleted by something else
      // on the machine), no result can ever arrive: say so now instead of waiting out the timeout.
      if (!existsSync(RUN_DIR)) throw new Error(`the run folder ${RUN_DIR} was deleted while the suite ran: no results can be written`);
      if (!hostExitedAt && /Extension Host Process exited with code/.test(readFileSync(server.logFile, 'utf8'))) hostExitedAt = Date.now();
      // The host writes results before it exits; give the file system a moment, then call it a crash.
      if (hostExitedAt && Date.now() - hostExitedAt > 5000) {
        throw new Error(
          `the extension host exited without writing ${RESULTS} — it crashed or the suite never ran (see ${server.logFile} and test-results/integration/vscode-logs)`,
        );
      }
      if (Date.now() > deadline) throw new Error(`no results after ${args.timeout} s (see ${server.logFile})`);
      await sleep(250);
    }
  } catch (err) {
    failure = err;
  } finally {
    await runCleanups(cleanups);
  }

  if (existsSync(RESULTS)) copyFileSync(RESULTS, join(OUT_DIR, 'results.json'));
  rmSync(RUN_DIR, { recursive: true, force: true });
  const stats = results?.stats ?? { tests: 0, passes: 0, failures: 0, pending: 0 };
  if (args['summary-file'])
    writeFileSync(args['summary-file'], JSON.stringify({ passed: stats.passes, failed: stats.failures + stats.pending + (failure ? 1 : 0) }));
  if (failure) {
    console.error(`\nintegration: FAILED — ${failure.message}`);
    return 1;
  }
  console.log(`\nintegration (VS Code ${results.vscodeVersion}, ${secs()}): ${stats.passes} passing, ${stats.failures} failing, ${stats.pending} pending`);
  const verdict = judge(results, args.grep);
  if (!verdict.ok) {
    console.error(`integration: FAILED — ${verdict.reason}; logs in ${OUT_DIR}`);
    return 1;
  }
  return 0;
}

exitWith(main);
