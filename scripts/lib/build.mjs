// Runs the one esbuild target list (esbuild.config.mjs) as a child process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './vscode-server.mjs';

export function build(args = []) {
  const r = spawnSync(process.execPath, [join(REPO, 'esbuild.config.mjs'), ...args], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('build failed (node esbuild.config.mjs)');
    process.exit(r.status ?? 1);
  }
}
