/**
 * Streaming correctness: lines and counts must not depend on chunk boundaries, worker ranges, CRLF,
 * a BOM or a missing final newline. (Memory and speed are measured by bench/validation.bench.ts.)
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isAbortError, validateJsonlFile, validateJsonlText, type ValidationResult } from '../../../src/core/validation';
import { readRange } from '../../../src/core/validation/reader';
import { corpusAvailable, writeDataset } from '../../../bench/lib/meditationsJsonl';

async function linesOf(file: string, start: number, end: number, chunkBytes: number): Promise<{ text: string; bad: boolean }[]> {
  const out: { text: string; bad: boolean }[] = [];
  await readRange(
    file,
    start,
    end,
    { line: (text, _n, bad) => out.push({ text, bad }), lineTooLong: () => out.push({ text: '<too long>', bad: false }) },
    { chunkBytes },
  );
  return out;
}

/** The comparable part of a result (worker partition and mode must not change any of it). */
function essence(r: ValidationResult) {
  return { examples: r.examples, errors: r.errors, warnings: r.warnings, tokens: r.tokens, stats: r.stats, cost: r.estimatedCost, accepted: r.accepted };
}

describe('streaming reader and file validation', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'socratune-stream-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('yields exactly the lines of the file for any chunk size (LF, CRLF, empty lines, multibyte, no final newline)', async () => {
    const content = 'first\r\n\n{"a":"日本語"}\nnaïve ✓ 🤔\r\n\r\nlast line without newline';
    const file = path.join(dir, 'lines.jsonl');
    writeFileSync(file, content);
    const expected = content.split('\n');
    for (const chunk of [1, 2, 3, 5, 7, 16, 64, 1 << 20]) {
      const got = await linesOf(file, 0, Buffer.byteLength(content), chunk);
      assert.deepEqual(
        got.map((l) => l.text),
        expected,
        `chunk ${chunk}`,
      );
    }
  });

  it('partitions a file exactly between byte ranges, wherever the cut falls (even inside a UTF-8 character)', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `{"i":${i},"t":"${'é✓'.repeat(i % 7)}${'x'.repeat(i % 13)}"}`);
    const content = lines.join('\n') + '\n';
    const file = path.join(dir, 'partition.jsonl');
    writeFileSync(file, content);
    const size = Buffer.byteLength(content);
    for (const cuts of [
      [0, size],
      [0, 1, size],
      [0, 37, 38, 500, size - 1, size],
      [0, 100, 1001, 2002, 3003, size],
    ]) {
      const all: string[] = [];
      for (let i = 0; i + 1 < cuts.length; i++) all.push(...(await linesOf(file, cuts[i]!, cuts[i + 1]!, 17)).map((l) => l.text));
      assert.deepEqual(all, lines, `cuts ${cuts.join(',')}`);
    }
  });

  it('flags exactly the lines with invalid UTF-8', async () => {
    const file = path.join(dir, 'utf8.jsonl');
    writeFileSync(
      file,
      Buffer.concat([Buffer.from('ok\n'), Buffer.from([0x62, 0xff, 0x0a]), Buffer.from('été\n'), Buffer.from([0xc3, 0x0a]), Buffer.from('end')]),
    );
    const got = await linesOf(file, 0, 100, 4);
    assert.deepEqual(
      got.map((l) => l.bad),
      [false, true, false, true, false],
    );
  });

  describe('on a generated Meditations dataset (~12 MB)', () => {
    let file: string;
    let text: string;
    const badLines = new Map<number, string>([
      [1, 'data_type'],
      [4999, 'invalid_json'],
      [7001, 'invalid_weight'],
    ]);

    before(async function () {
      if (!corpusAvailable()) throw new Error('the Meditations corpus (../shared/corpus/meditations.txt) is required');
      const base = path.join(dir, 'base.jsonl');
      await writeDataset(base, 12_000_000);
      const lines = readFileSync(base, 'utf8').split('\n');
      lines.pop();
      lines[0] = '[1]';
      lines[4998] = lines[4998]!.slice(0, -3);
      lines[7000] = lines[7000]!.replace('"role":"assistant","content":', '"role":"assistant","weight":3,"content":');
      text = lines.join('\n') + '\n';
      file = path.join(dir, 'big.jsonl');
      writeFileSync(file, text);
    });

    it('gives identical results in-process, in 2 and 3 worker threads, and from memory', async () => {
      const inProcess = await validateJsonlFile(file, { workers: 0 });
      const two = await validateJsonlFile(file, { workers: 2 });
      const three = await validateJsonlFile(file, { workers: 3 });
      const fromText = await validateJsonlText(text, { purpose: 'train' });
      assert.deepEqual(essence(two), essence(inProcess));
      assert.deepEqual(essence(three), essence(inProcess));
      assert.deepEqual(essence(fromText), essence(inProcess));
      assert.deepEqual(
        inProcess.errors.map((e) => [e.line, e.code]),
        [...badLines],
      );
      assert.equal(inProcess.stats.lines, text.split('\n').length - 1);
      assert.ok(inProcess.examples > 10_000);
      assert.ok(inProcess.tokens.total > 2_000_000);
      assert.equal(inProcess.stats.bytes, Buffer.byteLength(text));
    });

    it('counts the same with CRLF line ends, without the final newline, and reports a BOM only', async () => {
      const ref = await validateJsonlFile(file, { workers: 0 });
      const crlf = path.join(dir, 'crlf.jsonl');
      writeFileSync(crlf, text.replace(/\n/g, '\r\n'));
      const noFinal = path.join(dir, 'nofinal.jsonl');
      writeFileSync(noFinal, text.slice(0, -1));
      const bom = path.join(dir, 'bom.jsonl');
      writeFileSync(bom, '\uFEFF' + text);
      for (const f of [crlf, noFinal, bom]) {
        for (const workers of [0, 2]) {
          const r = await validateJsonlFile(f, { workers });
          assert.equal(r.examples, ref.examples, `${path.basename(f)} workers=${workers}`);
          assert.deepEqual(r.tokens, ref.tokens);
          assert.deepEqual(r.stats.tokensPerExample, ref.stats.tokensPerExample);
          const expectedErrors = f === bom ? [[1, 'utf8_bom'], ...badLines] : [...badLines];
          assert.deepEqual(
            r.errors.map((e) => [e.line, e.code]),
            expectedErrors,
          );
        }
      }
    });

    it('reports monotonic progress up to the file size', async () => {
      for (const workers of [0, 2]) {
        const seen: number[] = [];
        const r = await validateJsonlFile(file, { workers, onProgress: (p) => seen.push(p.bytesRead) });
        assert.ok(seen.length >= 2, `progress events with workers=${workers}`);
        for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!);
        assert.equal(seen[seen.length - 1], r.stats.bytes);
      }
    });

    it('is cancellable with an AbortSignal (in-process and in workers)', async () => {
      for (const workers of [0, 2]) {
        const ac = new AbortController();
        const p = validateJsonlFile(file, { workers, signal: ac.signal, onProgress: () => ac.abort() });
        await assert.rejects(p, (err: unknown) => isAbortError(err));
      }
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(validateJsonlText(text, { signal: ac.signal }), (err: unknown) => isAbortError(err));
    });

    it('memoization changes speed, never counts', async () => {
      const a = await validateJsonlFile(file, { workers: 0, memoize: false });
      const b = await validateJsonlFile(file, { workers: 0, memoize: true });
      assert.deepEqual(essence(a), essence(b));
    });
  });

  it('rejects with the fs error for a missing file or a directory', async () => {
    await assert.rejects(validateJsonlFile(path.join(dir, 'nope.jsonl')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    await assert.rejects(validateJsonlFile(dir), /not a file/);
  });
});
