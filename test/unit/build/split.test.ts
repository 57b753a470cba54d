/**
 * The extension build (esbuild.config.mjs → scripts/lib/split-cjs.mjs): what activation evaluates stays small, the
 * heavy capabilities are chunks required on first use, every module exists once, and every require() resolves.
 * Builds the real extension target into a temp dir (the repo's dist/ is untouched).
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }>;
}
interface Target {
  outfile?: string;
  split?: boolean;
  [k: string]: unknown;
}
interface SplitLib {
  buildSplit(target: Record<string, unknown>, opts: { workDir: string }): Promise<Metafile>;
  staticClosure(metafile: Metafile, entryName: string): { entry: string; files: string[] };
}

const importMjs = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(path.join(ROOT, rel)).href)) as T;

/** Modules that must never be evaluated at activation (each is loaded on first use). */
const LAZY = [
  'src/capabilities.ts',
  'src/platform/services.ts',
  'src/jobs/jobsTree.ts',
  'src/models/modelsTree.ts',
  'src/chat/chatViewProvider.ts',
  'src/chat/chatSession.ts',
  'src/validation/statusBar.ts',
  'src/dataset/service.ts',
  'src/core/validation/validate.ts',
  'src/core/validation/rules.ts',
  'src/core/validation/accumulator.ts',
  'src/core/validation/reportModel.ts',
  'src/core/jobs/wizard.ts',
  'src/core/jobs/wizardDeps.ts',
  'src/jobs/wizardUi.ts',
  'src/jobs/curvesPanel.ts',
  'src/core/jobs/archive.ts',
  'src/jobs/rerun.ts',
  'src/dataset/importJournal.ts',
  'src/core/dataset/journal.ts',
  'src/dataset/scan.ts',
  'src/core/dataset/pii.ts',
  'src/dataset/split.ts',
  'src/dataset/exportDataset.ts',
];

describe('extension build: activation code and chunks loaded on first use', function () {
  this.timeout(60_000);
  let dir: string;
  let meta: Metafile;
  let closure: { entry: string; files: string[] };
  let atActivation: Set<string>;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'socratune-split-'));
    const cwd = process.cwd();
    process.chdir(ROOT); // the target list uses repository-relative paths
    try {
      const { targets } = await importMjs<{ targets: Target[] }>('esbuild.config.mjs');
      const ext = targets.find((t) => t.outfile === 'dist/extension.js');
      assert.ok(ext?.split, 'dist/extension.js is a split target');
      const { split: _split, ...t } = ext;
      void _split;
      const lib = await importMjs<SplitLib>('scripts/lib/split-cjs.mjs');
      meta = await lib.buildSplit({ ...t, outfile: path.join(dir, 'dist', 'extension.js') }, { workDir: path.join(dir, 'esm') });
      closure = lib.staticClosure(meta, 'extension');
    } finally {
      process.chdir(cwd);
    }
    atActivation = new Set(closure.files.flatMap((f) => Object.keys(meta.outputs[f].inputs)));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the heavy capabilities out of what activation requires', () => {
    for (const m of LAZY) {
      assert.ok(meta.inputs[m], `${m} is part of the build`);
      assert.ok(!atActivation.has(m), `${m} is not evaluated at activation`);
    }
    assert.ok(atActivation.has('src/extension.ts'));
    assert.ok(atActivation.has('src/platform/lazyHost.ts'), 'activation registers the contributions with lazy handlers');
  });

  it('evaluates at most 60 KB at activation (issue 10), unminified', () => {
    const bytes = closure.files.reduce((sum, f) => sum + readFileSync(f).length, 0);
    assert.ok(bytes <= 60_000, `${bytes} bytes in ${closure.files.join(', ')}`);
    assert.deepEqual(
      [...atActivation].filter((i) => i.includes('node_modules/')),
      [],
      'no third-party code at activation',
    );
  });

  it('bundles no third-party library that is loaded on first use (openai, markdown-it, jsonc-parser, the tokenizer)', () => {
    const all = Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs));
    for (const pkg of ['openai', 'markdown-it', 'jsonc-parser', 'gpt-tokenizer']) {
      assert.deepEqual(
        all.filter((i) => i.includes(`node_modules/${pkg}/`)),
        [],
        `${pkg} is not inside the extension's chunks`,
      );
    }
    assert.ok(all.includes('socratune-lazy-vendor:openai'), 'openai is reached through its lazy shim');
  });

  it('puts every module in exactly one output, so module state and class identity are shared', () => {
    const owners = new Map<string, string[]>();
    for (const [out, o] of Object.entries(meta.outputs)) for (const i of Object.keys(o.inputs)) owners.set(i, [...(owners.get(i) ?? []), out]);
    const twice = [...owners].filter(([, outs]) => outs.length > 1);
    assert.deepEqual(twice, []);
  });

  it('writes CommonJS whose every relative require() resolves, dynamic imports included', () => {
    const dist = path.join(dir, 'dist');
    const files = readdirSync(dist, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.js'));
    assert.ok(
      files.some((f) => f.startsWith(`chunks${path.sep}`)),
      'chunks are written to dist/chunks/',
    );
    let dynamic = 0;
    for (const f of files) {
      const text = readFileSync(path.join(dist, f), 'utf8');
      assert.doesNotMatch(text, /^\s*(import|export)\s/m, `${f} has no ESM syntax left`);
      assert.doesNotMatch(text, /\bimport\(/, `${f} has no import() left (VS Code ≤ 1.100 cannot import() from an extension)`);
      dynamic += (text.match(/Promise\.resolve\(\)\.then\(\(\) => __toESM\(require\(/g) ?? []).length;
      for (const m of text.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
        assert.ok(existsSync(path.resolve(path.dirname(path.join(dist, f)), m[1])), `${f} requires ${m[1]}, which exists`);
      }
    }
    assert.ok(dynamic >= 8, `dynamic imports became lazy require() calls (${dynamic})`);
  });
});
