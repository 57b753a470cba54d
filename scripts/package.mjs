#!/usr/bin/env node
// `npm run package`: clean production build of dist/ (minified, no source maps) and socratune-<version>.vsix
// via @vscode/vsce, with the allowlist .vscodeignore. Prints the sizes.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from './lib/build.mjs';
import { REPO } from './lib/vscode-server.mjs';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const vsix = join(REPO, `${pkg.name}-${pkg.version}.vsix`);

rmSync(join(REPO, 'dist'), { recursive: true, force: true }); // no stale bundles or source maps in the package
build(['--production']);
const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce', { paths: [REPO] });
const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], { cwd: REPO, stdio: 'inherit' });
if (r.status !== 0) {
  console.error('vsce package failed');
  process.exit(r.status ?? 1);
}
const kb = (f) => `${(statSync(f).size / 1024).toFixed(1)} KiB`;
console.log(`${vsix} ${kb(vsix)}; dist/extension.js ${kb(join(REPO, 'dist', 'extension.js'))}`);
