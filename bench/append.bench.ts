/**
 * Add-example latency on a 50,000-example dataset: Socratune's O(1) durable append (one write on an O_APPEND
 * descriptor + fsync, then the provenance record, each its own fsync) versus the straightforward alternative of
 * rewriting the whole train.jsonl for every add (read, append in memory, write, fsync — the same durability).
 * Also: append latency at 1,000 vs 50,000 examples (O(1) means the same), the one-time catalog build and the
 * per-add duplicate lookup (MinHash/LSH) at 50,000 examples.
 *
 * Runs under `npm run bench` (scripts/bench.mjs) or standalone: `npx tsx bench/append.bench.ts`.
 */
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DatasetCatalog } from '../src/core/dataset/catalog';
import { DatasetStore } from '../src/core/dataset/store';
import { corpusAvailable, exampleLines, paragraphs } from './lib/meditationsJsonl';
import { median, round, type BenchResult } from './lib/types';

const N = 50_000;
const SMALL = 1_000;
const ADDS = 40;
const REWRITES = 8;

function lines(n: number): string[] {
  const paras = corpusAvailable() ? paragraphs() : Array.from({ length: 500 }, (_, i) => `Paragraph ${i}: ${'a quiet thought about the day '.repeat(8)}`);
  const out: string[] = [];
  for (let v = 0; out.length < n; v++) out.push(...exampleLines(paras, v));
  return out.slice(0, n);
}

async function seeded(root: string, name: string, content: string[]): Promise<DatasetStore> {
  const s = await DatasetStore.create(root, name);
  await writeFile(s.file('train'), `${content.join('\n')}\n`);
  return DatasetStore.open(s.dir);
}

function example(i: number) {
  return {
    user: `Benchmark question ${i}?`,
    assistant: `A new passage written for the benchmark, number ${i}, about patience and the shortness of life.`,
    origin: 'selection' as const,
  };
}

async function appendLatency(store: DatasetStore, tag: string): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < ADDS; i++) {
    const t0 = performance.now();
    await store.add(example(i));
    ms.push(performance.now() - t0);
    if (i === 0 && tag) continue;
  }
  return ms;
}

/** The baseline: rewrite the whole file per add (read, append, write, fsync). */
async function rewriteLatency(file: string): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < REWRITES; i++) {
    const t0 = performance.now();
    const text = await readFile(file, 'utf8');
    const next = `${text}${JSON.stringify({
      messages: [
        { role: 'user', content: example(i).user },
        { role: 'assistant', content: example(i).assistant },
      ],
    })}\n`;
    const fh = await open(file, 'w');
    await fh.writeFile(next);
    await fh.sync();
    await fh.close();
    ms.push(performance.now() - t0);
  }
  return ms;
}

export default async function bench(): Promise<BenchResult[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'socratune-append-bench-'));
  try {
    const big = lines(N);
    const bigStore = await seeded(dir, 'big', big);
    const smallStore = await seeded(dir, 'small', big.slice(0, SMALL));
    const bytes = (await readFile(bigStore.file('train'))).length;

    // Warm-up, then interleave so both sizes see the same disk conditions.
    await bigStore.add(example(-1));
    await smallStore.add(example(-1));
    const bigMs: number[] = [];
    const smallMs: number[] = [];
    for (let round = 0; round < 2; round++) {
      bigMs.push(...(await appendLatency(bigStore, '')));
      smallMs.push(...(await appendLatency(smallStore, '')));
    }
    const rewriteFile = path.join(dir, 'rewrite.jsonl');
    await writeFile(rewriteFile, `${big.join('\n')}\n`);
    const rewriteMs = await rewriteLatency(rewriteFile);

    const t0 = performance.now();
    const catalog = DatasetCatalog.fromSnapshot(await bigStore.snapshot());
    const catalogMs = performance.now() - t0;
    const lookups: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      catalog.findDuplicates(`${example(i).assistant} ${i}`);
      lookups.push(performance.now() - t);
    }

    const add = median(bigMs);
    const addSmall = median(smallMs);
    const rewrite = median(rewriteMs);
    const mb = round(bytes / 1024 / 1024);
    return [
      {
        name: `add example to a ${N.toLocaleString('en-US')}-example dataset (durable append)`,
        value: round(add),
        unit: 'ms',
        baseline: round(rewrite),
        ratio: round(add / rewrite),
        notes: `median of ${bigMs.length}; O_APPEND write + fsync of train.jsonl, then provenance.jsonl (+ fsync); baseline = rewrite the whole ${mb} MB file per add with the same fsync (median of ${REWRITES})`,
      },
      { name: 'add example: speed-up over rewriting the file', value: round(rewrite / add), unit: '×', notes: 'target ≥ 50×' },
      {
        name: `add latency at ${N.toLocaleString('en-US')} vs ${SMALL.toLocaleString('en-US')} examples`,
        value: round(add),
        unit: 'ms',
        baseline: round(addSmall),
        ratio: round(add / addSmall),
        notes: 'O(1): the ratio stays ≈ 1 as the file grows 50×',
      },
      {
        name: `catalog build (dedup index + provenance join) for ${N.toLocaleString('en-US')} examples`,
        value: round(catalogMs),
        unit: 'ms',
        notes: 'once per session or after a hand edit, not per add',
      },
      {
        name: `duplicate lookup among ${N.toLocaleString('en-US')} examples`,
        value: round(median(lookups), 3),
        unit: 'ms',
        notes: 'median of 200; exact hash + MinHash/LSH near-duplicate candidates',
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Standalone: `npx tsx bench/append.bench.ts` prints the results as JSON.
if (require.main === module) {
  bench().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
