// Issue 7's and issue 10's performance targets, judged against the results of one `npm run bench` run. scripts/bench.mjs writes
// the verdicts into bench-results/bench.json (`targets`) and a "Targets" table in bench-results/bench.md.
// A target whose bench did not run (filtered out, failed, or renamed its result) is "not measured", never "met".

/**
 * @typedef {{ name: string, value: number, unit: string, baseline?: number, ratio?: number, notes?: string }} BenchResult
 * @typedef {{ file: string, ok: boolean, results: BenchResult[] }} BenchRun
 * @typedef {{ target: string, file: string, match: RegExp, pick: 'first' | 'max', measure: (r: BenchResult) => number | undefined, op: '<=' | '>=', limit: number, show: (v: number, r: BenchResult) => string }} Target
 */

const num = (v) => Number(v.toPrecision(3));

/** @type {Target[]} */
export const TARGETS = [
  {
    target: 'activate() ≤ 10 ms in the real extension host',
    file: 'extension.bench.ts',
    match: /^activate\(\) in the real extension host/,
    pick: 'first',
    measure: (r) => r.value,
    op: '<=',
    limit: 10,
    show: (v) => `${num(v)} ms (median)`,
  },
  {
    target: '… with the tokenizer not loaded',
    file: 'extension.bench.ts',
    match: /^activations with the tokenizer loaded/,
    pick: 'first',
    measure: (r) => r.value,
    op: '<=',
    limit: 0,
    show: (v, r) => `loaded in ${v} ${r.unit} activations`,
  },
  {
    target: 'extension bundle ≤ 250 KB (what activation evaluates: dist/extension.js + its static chunks)',
    file: 'extension.bench.ts',
    match: /^extension code evaluated at activation/,
    pick: 'first',
    measure: (r) => r.value,
    op: '<=',
    limit: 250,
    show: (v) => `${num(v)} kB`,
  },
  {
    target: "issue 10: activation ≤ 10 ms above an empty extension (VS Code's Running Extensions figure, same window, same trigger)",
    file: 'extension.bench.ts',
    match: /^activation above an empty extension/,
    pick: 'first',
    measure: (r) => r.value,
    op: '<=',
    limit: 10,
    show: (v) => `${num(v)} ms above (median of per-window differences)`,
  },
  {
    target: 'issue 10: ≤ 60 KB evaluated at activation',
    file: 'extension.bench.ts',
    match: /^extension code evaluated at activation/,
    pick: 'first',
    measure: (r) => r.value,
    op: '<=',
    limit: 60,
    show: (v) => `${num(v)} kB`,
  },
  {
    target: '.vsix ≤ 2 MB',
    file: 'extension.bench.ts',
    match: /^\.vsix/,
    pick: 'first',
    measure: (r) => r.value,
    op: '<=',
    limit: 2,
    show: (v) => `${num(v)} MB`,
  },
  {
    target: 'validation ≥ 10× the tiktoken-WASM cookbook port (wall clock)',
    file: 'validation.bench.ts',
    match: /^socratune validator \(.*bounded memo\)$/,
    pick: 'first',
    measure: (r) => r.ratio,
    op: '>=',
    limit: 10,
    show: (v) => `${num(v)}×`,
  },
  {
    target: 'validation ≥ 10× the tiktoken-WASM cookbook port (per CPU-second)',
    file: 'validation.bench.ts',
    match: /^socratune validator \(.*bounded memo\), per CPU-second$/,
    pick: 'first',
    measure: (r) => r.ratio,
    op: '>=',
    limit: 10,
    show: (v) => `${num(v)}×`,
  },
  {
    target: 'append ≥ 50× rewrite at 50k examples',
    file: 'append.bench.ts',
    match: /speed-up over rewriting/,
    pick: 'first',
    measure: (r) => r.value,
    op: '>=',
    limit: 50,
    show: (v) => `${num(v)}×`,
  },
  {
    target: 'stream render ≥ 100× less main-thread time than naive re-render at 20k tokens (issue 15)',
    file: 'render.bench.ts',
    match: /^render 20,000-token reply.*incremental \(main-thread CPU ms\)/,
    pick: 'first',
    measure: (r) => (r.baseline !== undefined && r.value > 0 ? r.baseline / r.value : undefined),
    op: '>=',
    limit: 100,
    show: (v, r) => `${num(v)}× less (${r.value} vs ${r.baseline} ms)`,
  },
  {
    target: '0 API calls when no job is active (jobs tree, simulated hour, view visible and hidden)',
    file: 'jobs.bench.ts',
    match: /^jobs tree API calls\/hour, 0 active/,
    pick: 'max',
    measure: (r) => r.value,
    op: '<=',
    limit: 0,
    show: (v) => `${v} calls/h`,
  },
  {
    target: '0 API calls when no job is active (real extension host, views open, 30 s)',
    file: 'extension.bench.ts',
    match: /^API requests in \d+ s idle/,
    pick: 'first',
    measure: (r) => r.value,
    op: '<=',
    limit: 0,
    show: (v) => `${v} requests`,
  },
];

/**
 * @param {BenchRun[]} runs
 * @returns {{ target: string, measured: string, status: 'met' | 'missed' | 'not measured', bench: string, result?: string }[]}
 */
export function judgeTargets(runs) {
  return TARGETS.map((t) => {
    const run = runs.find((r) => r.file === t.file && r.ok);
    const hits = (run?.results ?? [])
      .filter((r) => t.match.test(r.name))
      .map((r) => ({ r, v: t.measure(r) }))
      .filter((x) => typeof x.v === 'number' && Number.isFinite(x.v));
    if (hits.length === 0) return { target: t.target, measured: '', status: 'not measured', bench: t.file };
    const hit = t.pick === 'max' ? hits.reduce((a, b) => (b.v > a.v ? b : a)) : hits[0];
    const met = t.op === '<=' ? hit.v <= t.limit : hit.v >= t.limit;
    return { target: t.target, measured: t.show(hit.v, hit.r), status: met ? 'met' : 'missed', bench: t.file, result: hit.r.name };
  });
}
