#!/usr/bin/env node
// Packaging test: builds socratune-<version>.vsix (`npm run package`), installs it with the VS Code
// server's own CLI into a fresh extensions dir, starts the server with that dir and NO development
// path, and runs test/vsix/*.e2e.ts against it (activation, views, packaged webview bundle, a command).
//
//   node scripts/test-vsix.mjs [--no-package] [--summary-file f]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runE2EMocha, workbenchEnv } from './lib/e2e.mjs';
import { checkPrereqs } from './lib/prereqs.mjs';
import { REPO, ensureVsCodeServer, serverCli, startServer } from './lib/vscode-server.mjs';
import { tempWorkspace } from './lib/workspace.mjs';
import { exitWith, runCleanups } from './lib/process.mjs';

const { values: args } = parseArgs({ options: { 'no-package': { type: 'boolean', default: false }, 'summary-file': { type: 'string' } } });
const OUT_DIR = join(REPO, 'test-results', 'vsix');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const id = `${pkg.publisher}.${pkg.name}`;
const vsix = join(REPO, `${pkg.name}-${pkg.version}.vsix`);

async function main() {
  checkPrereqs();
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const ownSummaryDir = args['summary-file'] ? undefined : mkdtempSync(join(tmpdir(), 'socratune-vsix-'));
  const summaryFile = args['summary-file'] ?? join(ownSummaryDir, 'summary.json');
  if (!args['no-package']) {
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'package.mjs')], { cwd: REPO, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run package failed');
  }
  if (!existsSync(vsix)) throw new Error(`${vsix} not found`);
  await ensureVsCodeServer();

  const extDir = mkdtempSync(join(tmpdir(), 'socratune-vsix-ext-'));
  const cleanups = [() => rmSync(extDir, { recursive: true, force: true })];
  let code = 1;
  try {
    const install = await serverCli(['--install-extension', vsix, '--extensions-dir', extDir]);
    writeFileSync(join(OUT_DIR, 'install.log'), install.output);
    const installed = readdirSync(extDir).find((d) => d.toLowerCase().startsWith(`${id}-${pkg.version}`));
    if (install.status !== 0 || !installed) throw new Error(`--install-extension failed (exit ${install.status}):\n${install.output}`);
    const installedDir = join(extDir, installed);
    for (const f of ['package.json', 'dist/extension.js', 'dist/webview/chat.js']) {
      if (!existsSync(join(installedDir, f))) throw new Error(`installed extension lacks ${f}`);
    }
    const maps = readdirSync(join(installedDir, 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.map'));
    if (maps.length) throw new Error(`source maps shipped in the .vsix: ${maps.join(', ')}`);
    console.log(`installed ${installed} (${(statSync(vsix).size / 1024).toFixed(1)} KiB .vsix) into ${extDir}`);

    const ws = tempWorkspace();
    cleanups.push(() => ws.dispose());
    const server = await startServer({ extensionsDir: extDir, workspace: ws.dir, logFile: join(OUT_DIR, 'server.log') });
    cleanups.push(async () => {
      if (code !== 0) server.collectLogs(OUT_DIR);
      await server.stop();
    });
    code = await runE2EMocha({
      specs: readdirSync(join(REPO, 'test', 'vsix'))
        .filter((f) => f.endsWith('.e2e.ts'))
        .sort()
        .map((f) => join(REPO, 'test', 'vsix', f)),
      summaryFile,
      env: {
        ...workbenchEnv(server, ws.dir, OUT_DIR),
        SOCRATUNE_VSIX_INSTALLED_DIR: installedDir,
      },
    });
  } catch (err) {
    console.error(`vsix: FAILED — ${err?.message ?? err}`);
    writeFileSync(summaryFile, JSON.stringify({ passed: 0, failed: 1, pending: 0, tests: [] }));
    code = 1;
  } finally {
    await runCleanups(cleanups);
  }
  if (ownSummaryDir) rmSync(ownSummaryDir, { recursive: true, force: true });
  return code;
}

exitWith(main);
