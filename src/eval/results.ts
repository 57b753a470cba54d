/** Results of an evaluation (a chunk loaded on first use): the markdown table, the DPO preference set, the judge model. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { resultsMarkdown } from '../core/eval/markdown';
import { buildPairs, comparisons, foldRatings } from '../core/eval/pairing';
import { judgePair } from '../core/eval/judge';
import type { Complete } from '../core/eval/runner';
import { HUMAN, judgeRater, replyKey } from '../core/eval/schema';
import { contestantStats } from '../core/eval/stats';
import { EVALS_DIR, FILES, ratingsLog, readPlan, readRatings, readResults, resultLocations } from '../core/eval/store';
import type { Conversation } from '../core/chat/types';
import { chatPickLines, preferenceLines, winnerExamples, winnersToAdd } from '../core/eval/training';
import type { Datasets, ExampleLocation } from '../platform/datasets';

async function load(dir: string, rater: string) {
  const plan = await readPlan(dir);
  const results = (await readResults(dir)).items;
  const folded = foldRatings((await readRatings(dir)).items);
  const comps = comparisons(buildPairs(plan, results), folded.verdicts.get(rater));
  return { plan, results, comps, nonsense: folded.nonsense.get(rater) ?? new Set<string>() };
}

/** The plan and per-contestant statistics for one rater. */
export async function loadStats(dir: string, rater = HUMAN) {
  const { plan, results, comps, nonsense } = await load(dir, rater);
  return { plan, stats: contestantStats(plan, results, comps, nonsense) };
}

/** Writes `results.md` (the table for `rater`: you, or `judge:<model>`) beside the plan; returns its path. */
export async function exportMarkdown(dir: string, rater = HUMAN): Promise<string> {
  const { plan, results, comps, nonsense } = await load(dir, rater);
  const file = path.join(dir, rater === HUMAN ? 'results.md' : `results-${rater.replace(/[^A-Za-z0-9._-]/g, '_')}.md`);
  await fs.writeFile(file, resultsMarkdown(plan, contestantStats(plan, results, comps, nonsense), { rater }), 'utf8');
  return file;
}

/**
 * Writes `preference.jsonl` (OpenAI DPO format) from your decided pairs and the chat's A/B picks (`chat`: its saved
 * conversations), each distinct line once; refuses when there is none.
 */
export async function buildPreferenceSet(
  dir: string,
  system?: string,
  chat: readonly Conversation[] = [],
): Promise<{ file: string; lines: number; fromEvaluation: number; fromChat: number }> {
  const { plan, results, comps } = await load(dir, HUMAN);
  const rated = preferenceLines(plan, results, comps, system);
  const seen = new Set(rated.map((l) => JSON.stringify(l)));
  const picks = chatPickLines(chat, system).filter((l) => !seen.has(JSON.stringify(l)) && seen.add(JSON.stringify(l)));
  const lines = [...rated, ...picks];
  if (lines.length === 0) throw new Error('No pair has a winner yet: rate some pairs first, or pick A or B in a chat compare (ties and skips are left out).');
  const file = path.join(dir, 'preference.jsonl');
  await fs.writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n', 'utf8');
  return { file, lines: lines.length, fromEvaluation: rated.length, fromChat: picks.length };
}

export interface WinnersAdded {
  /** The user dismissed the dataset picker: nothing (more) was written. */
  readonly cancelled: boolean;
  readonly datasetName?: string;
  readonly added: { question: string; id: string; line?: number }[];
  /** Winners already in the dataset with the same prompt and reply: refused, not written twice. */
  readonly duplicates: { question: string; existing: ExampleLocation }[];
}

/**
 * "Add Winners to the Training Set": per question your best-rated reply, through `services.datasets` (the dataset's
 * own store and rules), with provenance `origin: 'eval'` pointing at the reply's line in results.jsonl.
 */
export async function addWinners(datasets: Datasets, dir: string, datasetFolder?: string): Promise<WinnersAdded> {
  const { plan, results, comps } = await load(dir, HUMAN);
  const winners = winnerExamples(plan, results, comps);
  if (winners.length === 0) throw new Error('No reply has won a comparison yet: rate some pairs first (ties and skips are not wins).');
  const file = [...EVALS_DIR.split(path.sep), plan.name, FILES.results].join('/');
  const todo = winnersToAdd(winners, await resultLocations(dir), file);
  const added: WinnersAdded['added'] = [];
  const duplicates: WinnersAdded['duplicates'] = [];
  let folder = datasetFolder;
  let datasetName: string | undefined;
  for (const w of todo) {
    const existing = await datasets.findDuplicate({ user: w.user, assistant: w.assistant, ...(folder ? { datasetFolder: folder } : {}) });
    if (existing) {
      duplicates.push({ question: w.question, existing });
      continue;
    }
    const r = await datasets.add({ user: w.user, assistant: w.assistant, origin: 'eval', source: w.source, ...(folder ? { datasetFolder: folder } : {}) });
    if (!r) return { cancelled: true, datasetName, added, duplicates };
    // Every winner goes to the dataset the first one went to, even if the active dataset changes meanwhile.
    folder = r.datasetFolder;
    datasetName = r.datasetName;
    added.push({ question: w.question, id: r.id, ...(r.line ? { line: r.line } : {}) });
  }
  return { cancelled: false, datasetName, added, duplicates };
}

export function winnersText(r: WinnersAdded): string {
  const dup = r.duplicates.length ? `; ${r.duplicates.length} already in the dataset, not added again` : '';
  if (r.added.length === 0) return `${r.cancelled ? 'nothing was added' : 'no new winner to add'}${dup}.`;
  return `added ${r.added.length} winning ${r.added.length === 1 ? 'reply' : 'replies'} to “${r.datasetName ?? ''}”${dup}${r.cancelled ? ' (then cancelled)' : ''}.`;
}

/**
 * Lets a judge model rate every pair it has not rated yet (both orders each, see core/eval/judge), `concurrency`
 * pairs at a time; each verdict is appended as `judge:<model>` at once, so a stopped run continues where it was.
 */
export async function judgeEvaluation(
  dir: string,
  opts: { model: string; backend: string; complete: Complete; signal: AbortSignal; concurrency?: number; onPair?: (done: number, total: number) => void },
): Promise<{ rated: number; total: number }> {
  const plan = await readPlan(dir);
  const results = (await readResults(dir)).items;
  const rater = judgeRater(opts.model);
  const already = foldRatings((await readRatings(dir)).items).verdicts.get(rater);
  const pairs = buildPairs(plan, results).filter((p) => !already?.has(p.id));
  const texts = new Map(results.map((r) => [replyKey(r), r.text]));
  const questions = new Map(plan.questions.map((q) => [q.id, q]));
  const log = ratingsLog(dir);
  let next = 0;
  let rated = 0;
  const worker = async () => {
    while (!opts.signal.aborted && next < pairs.length) {
      const p = pairs[next++];
      const q = questions.get(p.question);
      if (!q) continue;
      await log.append(await judgePair(p, texts, q, opts));
      opts.onPair?.(++rated, pairs.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 2, pairs.length)) }, worker));
  } finally {
    await log.close();
  }
  return { rated, total: pairs.length };
}
