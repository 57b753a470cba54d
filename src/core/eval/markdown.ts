/** The results table as markdown (Export to Markdown), with the definitions the numbers use. */
import type { ContestantStats } from './stats';
import type { Contestant, EvalPlan } from './schema';

const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(0)}%`);
const num = (x: number | undefined, d = 2) => (x === undefined ? '–' : x.toFixed(d));
const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function prompt(c: Contestant): string {
  if (c.system.kind === 'none') return 'none';
  return c.system.kind === 'bound' ? 'bound' : `preset “${c.system.name}”`;
}

function cost(s: ContestantStats): string {
  if (s.replies === 0) return '–';
  if (s.costComplete) return `$${s.costUsd.toFixed(4)}`;
  return s.costUsd > 0 ? `≥ $${s.costUsd.toFixed(4)} (some prices unknown)` : 'unknown';
}

export interface MarkdownOptions {
  /** Who rated: "you" or a judge model (then labelled as a model's opinion). */
  readonly rater: string;
}

export function resultsMarkdown(plan: EvalPlan, stats: readonly ContestantStats[], opts: MarkdownOptions): string {
  const judge = opts.rater.startsWith('judge:');
  const byId = new Map(plan.contestants.map((c) => [c.id, c]));
  const lines = [
    `# Evaluation “${cell(plan.name)}”`,
    '',
    `${plan.questions.length} questions × ${plan.contestants.length} contestants × ${plan.samples} samples. ` +
      (judge
        ? `Ratings: **a model's opinion** (${cell(opts.rater.slice('judge:'.length))}, both orders, tie when it contradicts itself).`
        : 'Ratings: yours (blind).'),
    '',
    '| Contestant | Model | System prompt | Temperature | Win rate (95% CI) | Strength (BT) | Comparisons (W/T/L) | Failure rate | Spread (sd / range) | ROUGE-L | Tokens (in/out) | Cost |',
    '|---|---|---|---:|---|---:|---|---:|---|---:|---|---|',
  ];
  for (const s of stats) {
    const c = byId.get(s.id);
    if (!c) continue;
    const ci = s.ci ? ` (${pct(s.ci.low)}–${pct(s.ci.high)})` : '';
    lines.push(
      `| ${cell(s.label)} | ${cell(c.model)} | ${cell(prompt(c))} | ${c.temperature} | ${pct(s.winRate)}${ci} | ${num(s.strength)} | ${s.comparisons} (${s.wins}/${s.ties}/${s.losses}) | ` +
        `${pct(s.failureRate)}${s.judgedReplies ? ` (${s.failures}/${s.judgedReplies})` : ''} | ${num(s.spreadSd)} / ${num(s.spreadRange)} | ${num(s.rougeL)} | ` +
        `${s.tokens.prompt}/${s.tokens.completion} | ${cost(s)} |`,
    );
  }
  lines.push(
    '',
    'Win rate counts a tie as half a win; the interval is Wilson’s. Strength: Bradley–Terry (sums to 1). ' +
      'Failure: flagged “nonsense”, or lost every comparison it was rated in. Spread: per-sample score variation within a question. ' +
      'ROUGE-L: word overlap with your own answer, where there is one — a hint beside the ratings, not a rating.',
    '',
  );
  return lines.join('\n');
}
