#!/usr/bin/env node
// E2E tier: starts the emulator (if built) and the VS Code server with Socratune in development mode
// on a temp copy of samples/journal, then runs mocha over test/e2e/**/*.e2e.ts (Playwright in headless
// Chromium against the real workbench). Screenshots and logs go to test-results/e2e/.
//
//   npm run test:e2e [-- --grep <pattern>] [--no-build] [--keep]
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from './lib/build.mjs';
import { runE2EMocha, workbenchEnv } from './lib/e2e.mjs';
import { maybeStartEmulator } from './lib/emulator.mjs';
import { checkPrereqs } from './lib/prereqs.mjs';
import { REPO, ensureVsCodeServer, startServer } from './lib/vscode-server.mjs';
import { emulatorSettings, setWorkspaceSettings, tempWorkspace } from './lib/workspace.mjs';
import { exitWith, runCleanups } from './lib/process.mjs';

const { values: args } = parseArgs({
  options: {
    grep: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'summary-file': { type: 'string' },
  },
});

const OUT_DIR = join(REPO, 'test-results', 'e2e');

function specs() {
  const dir = join(REPO, 'test', 'e2e');
  return readdirSync(dir, { recursive: true })
    .map((f) => String(f))
    .filter((f) => f.endsWith('.e2e.ts') && !f.split(/[\\/]/).includes('support'))
    .sort()
    .map((f) => join(dir, f));
}

async function main() {
  checkPrereqs();
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  if (!args['no-build']) build();
  if (!existsSync(join(REPO, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  const files = specs();
  if (files.length === 0) throw new Error('no test/e2e/**/*.e2e.ts files');
  await ensureVsCodeServer();

  const cleanups = [];
  let code = 1;
  const ownSummaryDir = args['summary-file'] ? undefined : mkdtempSync(join(tmpdir(), 'socratune-e2e-'));
  const summaryFile = args['summary-file'] ?? join(ownSummaryDir, 'summary.json');
  try {
    const emulator = await maybeStartEmulator({ timeScale: 1000 });
    if (emulator) cleanups.push(() => emulator.close());
    const ws = tempWorkspace();
    cleanups.push(() => (args.keep ? console.log(`kept workspace ${ws.dir}`) : ws.dispose()));
    // Like `npm start`: the workspace uses the emulator backend (its demo key reaches SecretStorage via env).
    if (emulator) setWorkspaceSettings(ws.dir, emulatorSettings(emulator));
    const server = await startServer({
      extensionDevelopmentPath: REPO,
      workspace: ws.dir,
      logFile: join(OUT_DIR, 'server.log'),
      keepData: args.keep,
      env: { ...(emulator?.env ?? {}) },
    });
    cleanups.push(async () => {
      if (code !== 0 || args.keep) server.collectLogs(OUT_DIR);
      await server.stop();
    });
    console.log(`VS Code ${server.url}${emulator ? `, emulator ${emulator.url}` : ''}; ${files.length} e2e file(s)`);
    code = await runE2EMocha({
      specs: files,
      grep: args.grep,
      summaryFile,
      env: {
        ...workbenchEnv(server, ws.dir, OUT_DIR),
        ...(emulator?.env ?? {}),
      },
    });
    const summary = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : undefined;
    if (code === 0 && (!summary || summary.passed === 0)) {
      console.error('e2e: FAILED — no test ran');
      code = 1;
    }
  } catch (err) {
    console.error(`e2e: FAILED — ${err?.stack ?? err}`);
    if (!existsSync(summaryFile)) writeFileSync(summaryFile, JSON.stringify({ passed: 0, failed: 1, pending: 0, tests: [] }));
    code = 1;
  } finally {
    await runCleanups(cleanups);
  }
  if (code !== 0) console.error(`e2e: FAILED — screenshots and logs in ${OUT_DIR}`);
  if (ownSummaryDir) rmSync(ownSummaryDir, { recursive: true, force: true });
  return code;
}

exitWith(main);
