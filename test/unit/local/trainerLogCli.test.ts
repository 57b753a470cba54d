/** The built `socratune-trainer-log` CLI, spawned with node: --json shape, human output, exit codes. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '../../..');
const fixtures = path.join(root, 'test/fixtures/trainer-logs');

describe('socratune-trainer-log CLI (built bundle)', function () {
  this.timeout(60_000);
  let dir: string;
  let cli: string;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: fixtures, env: { ...process.env, NODE_OPTIONS: '' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'socratune-trainer-log-'));
    cli = path.join(dir, 'trainerLog.js');
    await esbuild.build({
      entryPoints: ['src/cli/trainerLog.ts'],
      outfile: cli,
      absWorkingDir: root,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      bundle: true,
      logLevel: 'silent',
      banner: { js: '#!/usr/bin/env node' },
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('package.json declares the bin and the npm script; esbuild.config.mjs builds it', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
    assert.equal(pkg.bin['socratune-trainer-log'], './dist/cli/trainerLog.js');
    assert.equal(pkg.scripts['trainer-log'], 'node dist/cli/trainerLog.js');
    assert.match(
      readFileSync(path.join(root, 'esbuild.config.mjs'), 'utf8'),
      /entryPoints: \['src\/cli\/trainerLog\.ts'\], outfile: 'dist\/cli\/trainerLog\.js'/,
    );
  });

  it('--json prints the documented shape with the exact points', () => {
    const r = run('mlx-lm-330-cuda.log', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    assert.equal(j.format, 'mlx');
    assert.deepEqual(j.train, [
      { step: 10, loss: 2.662 },
      { step: 20, loss: 2.101 },
      { step: 30, loss: 1.781 },
      { step: 40, loss: 1.505 },
      { step: 50, loss: 1.585 },
    ]);
    assert.deepEqual(j.eval, [{ step: 1, loss: 2.936 }]);
    assert.deepEqual((j.lr as unknown[]).length, 5);
  });

  it('--json flags ordinal steps of Hugging Face dicts', () => {
    const r = run('hf-unsloth-4547-studio.log', '--json', '--format', 'hf');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { format: string; train: unknown[] };
    assert.equal(j.format, 'hf');
    assert.deepEqual(j.train, [
      { step: 1, loss: 14.88, ordinal: true },
      { step: 2, loss: 14.64, ordinal: true },
    ]);
  });

  it('human output summarizes the curves and quotes problem lines', () => {
    const r = run('hf-vicuna-11-inf-nan.log');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^hf-vicuna-11-inf-nan\.log: Hugging Face Trainer log$/m);
    assert.match(r.out, /train loss: 1 points, steps 1–1/);
    assert.match(r.out, /steps are the order of the loss lines/);
    assert.match(r.out, /^nan: loss is NaN at step 3 \(line 3, step 3\)$/m);
    assert.match(r.out, /^ {2}\| \{'loss': nan, 'learning_rate': 0\.00027248908296943227, 'epoch': 0\.51\}$/m);
  });

  it('exits 1 when the file has no training line, and says so', () => {
    const r = run('mlx-examples-841-resume-crash.log');
    assert.equal(r.code, 1);
    assert.match(r.out, /no MLX-LM or Hugging Face Trainer metric line found/);
    assert.match(r.out, /crash: NameError: name 'resume_adapter_file' is not defined/);
    assert.match(r.err, /no training loss line/);
  });

  it('exits 2 with a clear message for a missing file, a directory, an unknown format or no file', () => {
    const missing = run('nope.log');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read nope\.log: no such file/);
    assert.equal(missing.out, '');
    const folder = run('.');
    assert.equal(folder.code, 2);
    assert.match(folder.err, /\. is a directory/);
    const bad = run('mlx-lm-330-cuda.log', '--format', 'axolotl');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /Unknown --format "axolotl": use mlx, hf or auto\./);
    const none = run();
    assert.equal(none.code, 2);
    assert.match(none.err, /Missing the log file/);
  });
});
