#!/usr/bin/env node
// `npm run emulator -- [options]`: builds out/emulator/cli.js with esbuild when it is missing or older than
// src/emulator/*.ts (a fresh clone needs only `npm install`), then runs it with the given arguments.
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src', 'emulator');
const entries = { cli: join(src, 'cli.ts'), index: join(src, 'index.ts') };
const outDir = join(root, 'out', 'emulator');

const newestSource = Math.max(
  ...readdirSync(src)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => statSync(join(src, f)).mtimeMs),
);
const stale = Object.keys(entries).some((name) => {
  const out = join(outDir, `${name}.js`);
  return !existsSync(out) || statSync(out).mtimeMs < newestSource;
});
if (stale) {
  await Promise.all(
    Object.entries(entries).map(([name, entry]) =>
      build({
        entryPoints: [entry],
        outfile: join(outDir, `${name}.js`),
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        bundle: true,
        sourcemap: true,
        logLevel: 'warning',
        absWorkingDir: root,
      }),
    ),
  );
}
// cli.js reads process.argv itself; drop nothing, node already put the script args after argv[1].
process.argv = [process.argv[0], join(outDir, 'cli.js'), ...process.argv.slice(2)];
createRequire(import.meta.url)(join(outDir, 'cli.js'));
