#!/usr/bin/env node
// `npm run bench [-- <filter>]`: runs every bench/*.bench.ts (each default-exports `async () => BenchResult[]`,
// see bench/lib/types.ts) in its own Node process through tsx, one after the other, then writes
// bench-results/bench.json and bench-results/bench.md and prints the JSON. Exit code 1 if any bench failed.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { judgeTargets } from '../bench/lib/targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
const MARK = '@@BENCH-RESULT@@';
const TIMEOUT_MS = 15 * 60 * 1000;

// The child imports the bench with tsx and prints its results after a marker; its own output goes to stderr.
const child = `
  const { pathToFileURL } = await import('node:url');
  const log = console.log; console.log = (...a) => console.error(...a);
  const mod = await import(process.argv[1]);
  let fn = mod.default;
  if (typeof fn !== 'function') fn = fn?.default;
  if (typeof fn !== 'function') throw new Error(process.argv[1] + ' has no default-exported bench function');
  const results = await fn();
  log(${JSON.stringify(MARK)} + JSON.stringify(results));
  process.exit(0);
`;

function runOne(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child, pathToFileURL(join(root, 'bench', file)).href], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), TIMEOUT_MS);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      const ms = Date.now() - started;
      if (code === 0 && line) {
        try {
          resolve({ file, ok: true, ms, results: JSON.parse(line.slice(MARK.length)) });
          return;
        } catch (err) {
          resolve({ file, ok: false, ms, results: [], error: `unreadable results: ${err.message}` });
          return;
        }
      }
      resolve({ file, ok: false, ms, results: [], error: signal ? `killed by ${signal}` : `exit code ${code}` });
    });
  });
}

const runs = [];
for (const file of files) {
  console.error(`bench: ${file}…`);
  runs.push(await runOne(file));
}

const report = {
  generatedAt: new Date().toISOString(),
  node: process.version,
  platform: `${platform()} ${process.arch}`,
  cpus: cpus().length,
  benches: runs,
  // Issue 7's targets (bench/lib/targets.mjs): met / missed / not measured in this run.
  targets: judgeTargets(runs),
};

const fmt = (v) => (v === undefined || v === null ? '' : typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v));
const md = [
  `# Benchmarks`,
  '',
  `${report.generatedAt} · Node ${report.node} · ${report.platform} · ${report.cpus} CPUs`,
  '',
  '| bench | measurement | value | unit | baseline | ratio | notes |',
  '|---|---|---:|---|---:|---:|---|',
  ...runs.flatMap((r) =>
    r.ok
      ? r.results.map(
          (x) => `| ${r.file} | ${x.name} | ${fmt(x.value)} | ${x.unit} | ${fmt(x.baseline)} | ${fmt(x.ratio)} | ${(x.notes ?? '').replace(/\|/g, '\\|')} |`,
        )
      : [`| ${r.file} | FAILED | | | | | ${r.error} |`],
  ),
  '',
  '## Targets',
  '',
  '| target | measured | status | bench |',
  '|---|---|---|---|',
  ...report.targets.map(
    (t) => `| ${t.target} | ${t.measured} | ${t.status === 'met' ? '✅ met' : t.status === 'missed' ? '❌ missed' : '— not measured'} | ${t.bench} |`,
  ),
  '',
].join('\n');

mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(root, 'bench-results', 'bench.md'), md);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (runs.some((r) => !r.ok)) process.exit(1);
if (files.length === 0) console.error(`bench: no bench/*.bench.ts${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
