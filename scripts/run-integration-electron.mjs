#!/usr/bin/env node
// `npm run test:electron`: the SAME integration suite (out/test/integration/index.js) run by
// @vscode/test-electron in desktop VS Code — for developer machines with network access (it downloads
// VS Code 1.100.3 into .vscode-test/ on first use). It cannot run on the CI machine (no network beyond
// npm/apt); `npm test` uses scripts/run-integration.mjs (VS Code server + headless Chromium) instead.
// On a Linux box without a display run it under `xvfb-run -a npm run test:electron`.
//
//   npm run test:electron [-- --grep <pattern>] [--no-build] [--version stable|insiders|1.100.3]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { build } from './lib/build.mjs';
import { maybeStartEmulator } from './lib/emulator.mjs';
import { judge, printRecord } from './lib/results.mjs';
import { REPO, VSCODE_VERSION } from './lib/vscode-server.mjs';
import { tempWorkspace } from './lib/workspace.mjs';
import { exitWith } from './lib/process.mjs';

const { values: args } = parseArgs({
  options: {
    grep: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    version: { type: 'string', default: VSCODE_VERSION },
  },
});

const OUT_DIR = join(REPO, 'test-results', 'integration-electron');
const RESULTS = join(OUT_DIR, 'results.json');
const ENTRY = join(REPO, 'out', 'test', 'integration', 'index.js');

async function main() {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  if (!args['no-build']) build();
  const emulator = await maybeStartEmulator({ timeScale: 1000 });
  const ws = tempWorkspace();
  const userData = mkdtempSync(join(tmpdir(), 'socratune-electron-ud-'));
  try {
    await runTests({
      version: args.version,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: ENTRY,
      launchArgs: [ws.dir, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--user-data-dir', userData],
      extensionTestsEnv: {
        SOCRATUNE_TEST_RESULTS: RESULTS,
        ...(args.grep ? { SOCRATUNE_TEST_GREP: args.grep } : {}),
        ...(emulator?.env ?? {}),
      },
    }).catch((err) => {
      // A non-zero exit of VS Code is judged from the results file below; a failed download is reported here.
      console.error(`@vscode/test-electron: ${err?.message ?? err}`);
    });
  } finally {
    await emulator?.close();
    ws.dispose();
    rmSync(userData, { recursive: true, force: true });
  }
  const results = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : undefined;
  for (const r of results?.tests ?? []) printRecord(r);
  const verdict = judge(results, args.grep);
  if (!verdict.ok) {
    console.error(`integration (electron): FAILED — ${verdict.reason}`);
    return 1;
  }
  console.log(`integration (electron, VS Code ${results.vscodeVersion}): ${results.stats.passes} passing`);
  return 0;
}

exitWith(main);
