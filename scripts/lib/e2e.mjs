// Runs mocha (via tsx) over e2e spec files against an already running VS Code server.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO } from './vscode-server.mjs';

const require = createRequire(import.meta.url);

/** What every e2e spec reads to find the running workbench, its workspace, its logs and where to save screenshots. */
export function workbenchEnv(server, workspaceDir, resultsDir) {
  return {
    SOCRATUNE_E2E_URL: server.workbenchUrl(),
    SOCRATUNE_E2E_WORKSPACE: workspaceDir,
    SOCRATUNE_E2E_LOGS: server.logsDir,
    SOCRATUNE_E2E_RESULTS: resultsDir,
  };
}

/**
 * @param {{ specs: string[], env: Record<string,string>, grep?: string, summaryFile?: string, timeoutMs?: number }} opts
 * @returns {Promise<number>} mocha's exit code
 */
export function runE2EMocha(opts) {
  const mochaBin = require.resolve('mocha/bin/mocha.js', { paths: [REPO] });
  const args = [
    '--import',
    'tsx',
    mochaBin,
    '--no-config',
    '--extension',
    'ts',
    '--require',
    join(REPO, 'test', 'e2e', 'support', 'hooks.ts'),
    '--reporter',
    join(REPO, 'scripts', 'lib', 'mocha-summary-reporter.cjs'),
    '--timeout',
    String(opts.timeoutMs ?? 120_000),
    '--forbid-only',
    '--forbid-pending',
    ...(opts.grep ? ['--grep', opts.grep] : []),
    ...opts.specs,
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    stdio: 'inherit',
    env: { ...process.env, ...opts.env, ...(opts.summaryFile ? { SOCRATUNE_MOCHA_SUMMARY: opts.summaryFile } : {}) },
  });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}
