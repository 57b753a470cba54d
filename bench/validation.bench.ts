/**
 * Validation + exact token count throughput (MB/s) on a ≥ 100 MB chat dataset derived from the
 * Meditations corpus, side by side with a straightforward port of the OpenAI cookbook algorithm
 * using the `tiktoken` WASM package (bench/lib/cookbookPort.ts), in the same process and run.
 * Our side runs the SHIPPED bundles (core, dist-style tokenizer.js and validationWorker.js built into a
 * temp dir). Peak memory (max RSS, worker threads included) is measured in fresh child processes.
 *
 *   npm run bench -- validation        (or standalone: node --import tsx bench/validation.bench.ts)
 *   SOCRATUNE_BENCH_MB=200 to change the dataset size.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type * as Validation from '../src/core/validation';
import { cookbookValidate } from './lib/cookbookPort';
import { writeDataset } from './lib/meditationsJsonl';
import { round, type BenchResult } from './lib/types';

type ValidationModule = typeof Validation;

const MODEL = 'gpt-4.1-mini-2025-04-14';
const ROOT = path.resolve(__dirname, '..');

async function buildBundles(dir: string): Promise<string> {
  const common: esbuild.BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  };
  await Promise.all([
    esbuild.build({ ...common, entryPoints: ['src/core/validation/index.ts'], outfile: path.join(dir, 'validation.js') }),
    esbuild.build({ ...common, entryPoints: ['src/core/validation/tokenizer.ts'], outfile: path.join(dir, 'tokenizer.js') }),
    esbuild.build({ ...common, entryPoints: ['src/core/validation/worker.ts'], outfile: path.join(dir, 'validationWorker.js') }),
  ]);
  // The baseline too, so its memory is measured in a plain `node` process like ours (tiktoken stays a package).
  await esbuild.build({ ...common, minify: false, entryPoints: ['bench/lib/cookbookPort.ts'], outfile: path.join(dir, 'cookbook.js'), external: ['tiktoken'] });
  return path.join(dir, 'validation.js');
}

/** Peak RSS (MB, worker threads included) of a fresh `node` process running `call` on `file`. */
function childPeakRss(bundle: string, call: string): { mb: number; seconds: number } {
  const script = `
    const m = require(${JSON.stringify(bundle)});
    const t = performance.now();
    Promise.resolve(${call}).then(() => {
      // VmHWM is this process's own peak RSS; getrusage's maxRSS would include the parent's at fork time.
      let kb = process.resourceUsage().maxRSS;
      try { kb = Number(/VmHWM:\\s+(\\d+) kB/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]); } catch {}
      console.log(JSON.stringify({ mb: kb / 1024, seconds: (performance.now() - t) / 1000 }));
    });`;
  const r = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', NODE_PATH: path.join(ROOT, 'node_modules') },
  });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as { mb: number; seconds: number };
}

const ours = (file: string, opts: { workers?: number; memoize?: boolean }) =>
  `m.validateJsonlFile(${JSON.stringify(file)}, ${JSON.stringify({ model: MODEL, ...opts })}).then((r) => { if (!r.accepted) throw new Error('unexpected errors'); })`;
const cookbook = (file: string) => `m.cookbookValidate(${JSON.stringify(file)}, 'o200k_base', 65536)`;

/** Wall-clock seconds, and CPU seconds of the whole process (all threads: workers included). */
async function timeIt<T>(fn: () => Promise<T>): Promise<{ seconds: number; cpu: number; value: T }> {
  const t = performance.now();
  const c = process.cpuUsage();
  const value = await fn();
  const d = process.cpuUsage(c);
  return { seconds: (performance.now() - t) / 1000, cpu: (d.user + d.system) / 1e6, value };
}

/**
 * The tokenizer's worst case (issue 14): 10 examples whose answers are one unbroken run of N repeated
 * characters (one BPE piece each), against 10 examples of 80K characters of words. Linear means the
 * time ratio 150K/40K stays near 150/40 = 3.75 (it was 10.4 before the linear merge: 1.5 / 4.5 / 15.6 s).
 */
async function longRuns(validation: ValidationModule, dir: string): Promise<BenchResult[]> {
  const write = (name: string, answer: (i: number) => string): string => {
    const file = path.join(dir, `${name}.jsonl`);
    const lines = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `Question ${i}?` },
          { role: 'assistant', content: answer(i) },
        ],
      }),
    );
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };
  const words = 'the quick brown fox jumps over the lazy dog and keeps on running ';
  const time = async (file: string): Promise<number> => {
    // One run per file, each file's text new to the process: gpt-tokenizer caches the tokens of pieces it has seen.
    const r = await timeIt(() => validation.validateJsonlFile(file, { model: MODEL, workers: 0, memoize: false }));
    if (r.value.errors.length || r.value.examples !== 10 || r.value.tokens.total < 10_000) {
      throw new Error(`long runs: ${path.basename(file)} was not fully counted (${r.value.tokens.total} tokens, ${r.value.errors.length} errors)`);
    }
    return r.seconds;
  };
  const base = await time(write('words-80k', (i) => words.repeat(Math.ceil(80_000 / words.length)).slice(0, 80_000 - i)));
  const out: BenchResult[] = [];
  const secs: Record<number, number> = {};
  for (const n of [40_000, 80_000, 150_000]) {
    const chars = { 40_000: 'abcdefghij', 80_000: 'klmnopqrst', 150_000: 'uvwxyzABCD' }[n] ?? 'EFGHIJKLMN';
    secs[n] = await time(write(`run-${n}`, (i) => chars[i].repeat(n)));
    console.error(`long runs: 10 × ${n / 1000}K repeated characters ${secs[n].toFixed(2)} s (80K of words: ${base.toFixed(2)} s)`);
    out.push({
      name: `validator, 10 examples of ${n / 1000}K repeated characters`,
      value: round(secs[n]),
      unit: 's',
      baseline: round(base),
      ratio: round(secs[n] / base),
      notes: 'vs 10 examples of 80K characters of words (one run each, 1 thread, memo off, text new to the tokenizer)',
    });
  }
  out.push({
    name: 'validator long runs: time 150K / time 40K',
    value: round(secs[150_000] / secs[40_000]),
    unit: '×',
    baseline: 3.75,
    ratio: round(secs[150_000] / secs[40_000] / 3.75),
    notes: 'linear growth = 3.75 (the length ratio); quadratic would be ~14',
  });
  return out;
}

export default async function bench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'socratune-bench-validation-'));
  try {
    const mb = Number(process.env.SOCRATUNE_BENCH_MB ?? 100);
    const file = path.join(dir, 'train.jsonl');
    const { bytes, examples } = await writeDataset(file, mb * 1_000_000);
    const small = path.join(dir, 'quarter.jsonl');
    await writeDataset(small, (mb * 1_000_000) / 4);
    const MB = bytes / 1e6;
    const bundle = await buildBundles(path.join(dir, 'dist'));
    const validation = createRequire(__filename)(bundle) as ValidationModule;
    const load = loadavg()[0]!.toFixed(1);
    console.error(`validation bench: ${MB.toFixed(1)} MB, ${examples} examples, ${availableParallelism()} cores, load ${load}`);

    const base = await timeIt(() => cookbookValidate(file, 'o200k_base', 65536));
    const baseMBps = MB / base.seconds;
    const baseCpuMBps = MB / base.cpu;
    console.error(`baseline (cookbook port + tiktoken WASM): ${base.seconds.toFixed(1)} s (${base.cpu.toFixed(1)} CPU s), ${baseMBps.toFixed(2)} MB/s`);

    const threads = validation.defaultWorkerCount(bytes);
    const dflt = threads >= 2 ? `default: ${threads} worker threads` : 'default: 1 thread (file under 32 MiB)';
    const variants: { name: string; opts: { workers?: number; memoize?: boolean } }[] = [
      { name: `socratune validator (${dflt}, bounded memo)`, opts: {} },
      { name: 'socratune validator, 1 thread', opts: { workers: 0 } },
      { name: `socratune validator (${dflt}), memo off`, opts: { memoize: false } },
      { name: 'socratune validator, 1 thread, memo off', opts: { workers: 0, memoize: false } },
    ];
    const results: BenchResult[] = [];
    const cpuRows: BenchResult[] = [];
    for (const variant of variants) {
      const runs: { seconds: number; cpu: number }[] = [];
      let last: Awaited<ReturnType<ValidationModule['validateJsonlFile']>> | undefined;
      for (let i = 0; i < 2; i++) {
        const r = await timeIt(() => validation.validateJsonlFile(file, { model: MODEL, ...variant.opts }));
        runs.push(r);
        last = r.value;
      }
      // Same answers as the baseline, or the figure means nothing.
      if (
        !last ||
        last.examples !== base.value.examples ||
        last.tokens.total !== base.value.totalTokens ||
        last.tokens.assistant !== base.value.assistantTokens ||
        !last.accepted
      ) {
        throw new Error(`${variant.name}: results differ from the baseline (${last?.tokens.total} vs ${base.value.totalTokens} tokens)`);
      }
      const best = Math.min(...runs.map((r) => r.seconds));
      const bestCpu = Math.min(...runs.map((r) => r.cpu));
      const MBps = MB / best;
      console.error(`${variant.name}: best of 2 ${best.toFixed(2)} s (${bestCpu.toFixed(2)} CPU s), ${MBps.toFixed(1)} MB/s, ×${(MBps / baseMBps).toFixed(1)}`);
      results.push({
        name: variant.name,
        value: round(MBps),
        unit: 'MB/s',
        baseline: round(baseMBps),
        ratio: round(MBps / baseMBps),
        notes: `wall clock, best of 2 runs (${runs.map((r) => r.seconds.toFixed(2)).join(', ')} s); tokens match the baseline exactly (${last.tokens.total})`,
      });
      cpuRows.push({
        name: `${variant.name}, per CPU-second`,
        value: round(MB / bestCpu),
        unit: 'MB/CPU-s',
        baseline: round(baseCpuMBps),
        ratio: round(MB / bestCpu / baseCpuMBps),
        notes: 'CPU time of all threads: less sensitive to other load on the machine than wall clock',
      });
    }
    results.push(...cpuRows);
    results.push(...(await longRuns(validation, dir)));

    // Peak memory, each in a fresh plain `node` process (max RSS, worker threads included). Flat memory
    // means: the same peak for a 4× larger file. The baseline runs on the quarter file only (it is slow).
    const cookbookDir = path.join(path.dirname(bundle), 'cookbook.js');
    const baseQuarter = childPeakRss(cookbookDir, cookbook(small));
    const singleQuarter = childPeakRss(bundle, ours(small, { workers: 0 }));
    const singleFull = childPeakRss(bundle, ours(file, { workers: 0 }));
    const defaultFull = childPeakRss(bundle, ours(file, {}));
    const q = (MB / 4).toFixed(0);
    const f = MB.toFixed(0);
    results.push(
      {
        name: `peak RSS, cookbook port (baseline), ${q} MB file`,
        value: round(baseQuarter.mb),
        unit: 'MB',
        notes: `fresh node process (${baseQuarter.mb.toFixed(1)} MB, ${baseQuarter.seconds.toFixed(1)} s)`,
      },
      {
        name: `peak RSS, socratune 1 thread, ${q} MB file`,
        value: round(singleQuarter.mb),
        unit: 'MB',
        baseline: round(baseQuarter.mb),
        ratio: round(singleQuarter.mb / baseQuarter.mb),
        notes: `fresh node process (${singleQuarter.mb.toFixed(1)} MB, ${singleQuarter.seconds.toFixed(1)} s)`,
      },
      {
        name: `peak RSS, socratune 1 thread, ${f} MB file`,
        value: round(singleFull.mb),
        unit: 'MB',
        baseline: round(singleQuarter.mb),
        ratio: round(singleFull.mb / singleQuarter.mb),
        notes: `vs the same on the ${q} MB file (1.0 = flat)`,
      },
      {
        name: `peak RSS, socratune ${dflt}, ${f} MB file`,
        value: round(defaultFull.mb),
        unit: 'MB',
        baseline: round(singleFull.mb),
        ratio: round(defaultFull.mb / singleFull.mb),
        notes: 'vs 1 thread: each worker holds its own tokenizer (~60 MB)',
      },
      {
        name: 'dataset',
        value: round(MB),
        unit: 'MB',
        notes: `${examples} examples derived from meditations.txt; ${availableParallelism()} cores; 1-min load average ${load} at the start (shared machine: absolute figures vary run to run, ratios less)`,
      },
    );
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  bench().then(
    (r) => writeFileSync(1, JSON.stringify(r, null, 2) + '\n'),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
