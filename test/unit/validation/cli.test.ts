/** The built `socratune-validate` CLI, spawned with node: exit codes, --json shape, human output. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildValidationBundles, compressTokenizer } from './build';
import { GOOD, ex } from './fixtures';

describe('socratune-validate CLI (built bundle)', function () {
  this.timeout(120_000);
  let dir: string;
  let cli: string;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const file = (name: string, lines: string[]) => {
    const f = path.join(dir, name);
    writeFileSync(f, lines.join('\n') + '\n');
    return f;
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'socratune-cli-'));
    ({ cli } = await buildValidationBundles(path.join(dir, 'dist')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('package.json declares the bin and the npm script', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.equal(pkg.bin['socratune-validate'], './dist/cli/validate.js');
    assert.equal(pkg.scripts.validate, 'node dist/cli/validate.js');
    assert.ok(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node'));
  });

  it('exits 0 and says so for a file OpenAI would accept', () => {
    const r = run(
      file(
        'good.jsonl',
        Array.from({ length: 12 }, () => GOOD),
      ),
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /12 examples \(train\)/);
    assert.match(r.out, /No errors found/);
    assert.match(r.out, /≈ \$\d+\.\d\d at \$5\.00 per 1M training tokens \(gpt-4\.1-mini-2025-04-14\)/);
    assert.match(r.out, /tokens per example: min \d+/);
  });

  it('exits 1 with file:line:column errors for a bad file', () => {
    const bad = ex({ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', weight: 2 });
    const r = run(file('bad.jsonl', [...Array.from({ length: 10 }, () => GOOD), bad, 'not json']));
    assert.equal(r.code, 1);
    assert.match(r.out, /bad\.jsonl:11:\d+: error invalid_weight: /);
    assert.match(r.out, /bad\.jsonl:12:1: error invalid_json: /);
    assert.match(r.out, /every error blocks the upload/);
  });

  it('--json prints { examples, errors: [{line, code, message}], warnings, tokens, estimatedCost }', () => {
    const r = run(file('bad2.jsonl', [GOOD, '{}', GOOD]), '--json', '--model', 'gpt-4o-mini-2024-07-18');
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out) as Record<string, unknown> & {
      errors: { line: number; code: string; message: string }[];
      warnings: unknown[];
      tokens: { total: number; encoding: string };
      estimatedCost: { usd: number; epochs: number; model: string };
    };
    assert.equal(j.examples, 2, 'the invalid line is not counted as an example');
    assert.deepEqual(
      j.errors.map((e) => [e.line, e.code]),
      [
        [0, 'too_few_examples'],
        [2, 'missing_messages_list'],
      ],
    );
    for (const e of j.errors) assert.equal(typeof e.message, 'string');
    assert.ok(Array.isArray(j.warnings));
    assert.equal(j.tokens.encoding, 'o200k_base');
    assert.ok(j.tokens.total > 0);
    assert.equal(j.estimatedCost.model, 'gpt-4o-mini-2024-07-18');
    assert.equal(j.estimatedCost.epochs, 25);
    assert.ok(j.estimatedCost.usd > 0);
  });

  it('--json is 0 for an accepted validation file, with cl100k for gpt-3.5', () => {
    const r = run(file('validation.jsonl', [GOOD, GOOD]), '--json', '--model', 'gpt-3.5-turbo-0125');
    assert.equal(r.code, 0, r.out);
    const j = JSON.parse(r.out) as { accepted: boolean; purpose: string; tokens: { encoding: string } };
    assert.equal(j.accepted, true);
    assert.equal(j.purpose, 'validation');
    assert.equal(j.tokens.encoding, 'cl100k_base');
  });

  it('exits 2 on usage and I/O errors', () => {
    assert.equal(run().code, 2);
    assert.match(run().err, /Missing the JSONL file/);
    assert.equal(run('a.jsonl', 'b.jsonl').code, 2);
    assert.equal(run('--bogus', 'a.jsonl').code, 2);
    assert.equal(run(file('x.jsonl', [GOOD]), '--purpose', 'test').code, 2);
    assert.equal(run(file('y.jsonl', [GOOD]), '--epochs', '0').code, 2);
    const missing = run(path.join(dir, 'missing.jsonl'));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file/);
    assert.equal(run(dir).code, 2);
    const help = run('--help');
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: socratune-validate/);
  });

  it('works from the packaged layout, where the tokenizer ships as tokenizer.js.br (workers too)', async () => {
    const packaged = await buildValidationBundles(path.join(dir, 'packaged'));
    compressTokenizer(packaged.tokenizer);
    const lines = Array.from({ length: 150 }, (_, i) =>
      ex({ role: 'user', content: `Q${i}? naïve ✓` }, { role: 'assistant', content: `A${i} <|fim_prefix|>`.repeat(1 + (i % 3)) }),
    );
    const f = file('packaged.jsonl', lines);
    const expected = JSON.parse(run(f, '--json').out) as { tokens: unknown; errors: unknown };
    for (const workers of ['0', '2']) {
      const r = spawnSync(process.execPath, [packaged.cli, f, '--json', '--workers', workers], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      assert.equal(r.status, 1, r.stderr);
      const j = JSON.parse(r.stdout) as { tokens: unknown; errors: unknown };
      assert.deepEqual(j.tokens, expected.tokens);
      assert.deepEqual(j.errors, expected.errors);
    }
  });

  it('uses worker threads from the bundle for big files with the same result', () => {
    const lines = Array.from({ length: 3000 }, (_, i) =>
      ex({ role: 'user', content: `Question ${i}?` }, { role: 'assistant', content: `Answer ${i}: ${'the obstacle is the way. '.repeat(i % 20)}` }),
    );
    lines[2500] = '{"messages": 5}';
    const f = file('big.jsonl', lines);
    const a = JSON.parse(run(f, '--json', '--workers', '0').out) as { errors: unknown; tokens: unknown; stats: unknown };
    const b = JSON.parse(run(f, '--json', '--workers', '3').out) as { errors: unknown; tokens: unknown; stats: unknown };
    assert.deepEqual(b.errors, a.errors);
    assert.deepEqual(b.tokens, a.tokens);
    assert.deepEqual(b.stats, a.stats);
  });
});
