/** Results of an evaluation as files (a chunk loaded on first use): the markdown table and the DPO preference set. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { resultsMarkdown } from '../core/eval/markdown';
import { buildPairs, comparisons, foldRatings } from '../core/eval/pairing';
import { HUMAN } from '../core/eval/schema';
import { contestantStats } from '../core/eval/stats';
import { readPlan, readRatings, readResults } from '../core/eval/store';
import { preferenceLines } from '../core/eval/training';

async function load(dir: string, rater: string) {
  const plan = await readPlan(dir);
  const results = (await readResults(dir)).items;
  const folded = foldRatings((await readRatings(dir)).items);
  const comps = comparisons(buildPairs(plan, results), folded.verdicts.get(rater));
  return { plan, results, comps, nonsense: folded.nonsense.get(rater) ?? new Set<string>() };
}

/** Writes `results.md` (the table for `rater`: you, or `judge:<model>`) beside the plan; returns its path. */
export async function exportMarkdown(dir: string, rater = HUMAN): Promise<string> {
  const { plan, results, comps, nonsense } = await load(dir, rater);
  const file = path.join(dir, rater === HUMAN ? 'results.md' : `results-${rater.replace(/[^A-Za-z0-9._-]/g, '_')}.md`);
  await fs.writeFile(file, resultsMarkdown(plan, contestantStats(plan, results, comps, nonsense), { rater }), 'utf8');
  return file;
}

/** Writes `preference.jsonl` (OpenAI DPO format) from your decided pairs; refuses when there is none. */
export async function buildPreferenceSet(dir: string, system?: string): Promise<{ file: string; lines: number }> {
  const { plan, results, comps } = await load(dir, HUMAN);
  const lines = preferenceLines(plan, results, comps, system);
  if (lines.length === 0) throw new Error('No pair has a winner yet: rate some pairs first (ties and skips are left out).');
  const file = path.join(dir, 'preference.jsonl');
  await fs.writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n', 'utf8');
  return { file, lines: lines.length };
}
