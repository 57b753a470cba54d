#!/usr/bin/env node
// `npm run package`: socratune-<version>.vsix via @vscode/vsce with the allowlist .vscodeignore, from a
// clean production build (minified, no source maps). The build happens in a staging folder (package
// files copied, src/ and node_modules/ linked) so the development `dist/` that a running VS Code or a
// parallel test run is using is never touched. Prints the sizes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './lib/vscode-server.mjs';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const vsix = join(REPO, `${pkg.name}-${pkg.version}.vsix`);
const stage = mkdtempSync(join(tmpdir(), 'socratune-package-'));

function run(args, what) {
  const r = spawnSync(process.execPath, args, { cwd: stage, stdio: 'inherit' });
  if (r.status !== 0) {
    rmSync(stage, { recursive: true, force: true });
    console.error(`${what} failed`);
    process.exit(r.status ?? 1);
  }
}

try {
  for (const f of ['package.json', '.vscodeignore', 'LICENSE', 'CHANGELOG.md']) {
    if (existsSync(join(REPO, f))) copyFileSync(join(REPO, f), join(stage, f));
  }
  // The README's screenshots (docs/images/, repository-relative) are not shipped: vsce refuses relative images
  // without a public repository URL to rewrite them against. The packaged README leaves them out.
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8').replace(/!\[[^\]]*\]\((?!https:)[^)]*\)\n?\n?/g, '');
  writeFileSync(join(stage, 'README.md'), readme);
  cpSync(join(REPO, 'media'), join(stage, 'media'), { recursive: true });
  for (const d of ['src', 'node_modules']) symlinkSync(join(REPO, d), join(stage, d), 'dir');
  // The same target list as `npm run build`; only dist/ ends up in the package (.vscodeignore).
  run([join(REPO, 'esbuild.config.mjs'), '--production'], 'production build');
  run([join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', vsix], 'vsce package');
  // The split build's metafile (which chunks activation requires) for `npm run bench`; never shipped.
  mkdirSync(join(REPO, 'out', 'package'), { recursive: true });
  copyFileSync(join(stage, 'out', 'split', 'extension.meta.json'), join(REPO, 'out', 'package', 'extension.meta.json'));
  const kb = (f) => `${(statSync(f).size / 1024).toFixed(1)} KiB`;
  console.log(`${vsix} ${kb(vsix)}; dist/extension.js ${kb(join(stage, 'dist', 'extension.js'))} (production)`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
