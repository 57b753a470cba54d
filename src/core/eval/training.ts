/**
 * Ratings back into training data:
 * - "Add winners to the training set": per question, the best-rated reply (highest (wins + ½·ties) / comparisons,
 *   at least one win) as a supervised chat example, with provenance naming the evaluation and the reply.
 * - "Build preference set": one DPO line per decided pair (ties and skips left out), and per A/B pick in the chat's
 *   compare turns, in OpenAI's preference format
 *   `{"input":{"messages":[…]},"preferred_output":[{"role":"assistant",…}],"non_preferred_output":[…]}`.
 * The system prompt written into both is the one the caller trains with (`system`), not a contestant's.
 */
import { buildMessages } from '../chat/conversation';
import type { Turn } from '../chat/types';
import { sha } from '../dataset/hash';
import type { SourceRange } from '../dataset/types';
import type { Comparison } from './pairing';
import { replyKey, type EvalPlan, type ResultLine } from './schema';

type Msg = { role: 'system' | 'user' | 'assistant'; content: string };

export interface WinnerExample {
  readonly example: { messages: Msg[] };
  readonly provenance: { evaluation: string; question: string; reply: string; contestant: string; model: string; score: number; comparisons: number };
}

export interface PreferenceLine {
  input: { messages: Msg[] };
  preferred_output: { role: 'assistant'; content: string }[];
  non_preferred_output: { role: 'assistant'; content: string }[];
}

const prompt = (system: string | undefined, question: string): Msg[] => [
  ...(system?.trim() ? [{ role: 'system' as const, content: system }] : []),
  { role: 'user', content: question },
];

export function winnerExamples(plan: EvalPlan, results: readonly ResultLine[], comps: readonly Comparison[], system?: string): WinnerExample[] {
  const byKey = new Map(results.map((r) => [replyKey(r), r]));
  const tally = new Map<string, { score: number; n: number; wins: number }>();
  const add = (key: string, s: number) => {
    const e = tally.get(key) ?? { score: 0, n: 0, wins: 0 };
    e.score += s;
    e.n++;
    if (s === 1) e.wins++;
    tally.set(key, e);
  };
  for (const c of comps) {
    add(replyKey(c.a), c.scoreA);
    add(replyKey(c.b), 1 - c.scoreA);
  }
  const out: WinnerExample[] = [];
  for (const q of plan.questions) {
    let best: { key: string; rate: number; n: number } | undefined;
    for (const [key, t] of tally) {
      const r = byKey.get(key);
      if (!r || r.question !== q.id || t.wins === 0 || !r.text.trim()) continue;
      const rate = t.score / t.n;
      if (!best || rate > best.rate || (rate === best.rate && t.n > best.n) || (rate === best.rate && t.n === best.n && key < best.key))
        best = { key, rate, n: t.n };
    }
    if (!best) continue;
    const r = byKey.get(best.key) as ResultLine;
    const contestant = plan.contestants.find((c) => c.id === r.contestant);
    out.push({
      example: { messages: [...prompt(system, q.text), { role: 'assistant', content: r.text }] },
      provenance: {
        evaluation: plan.name,
        question: q.id,
        reply: best.key,
        contestant: r.contestant,
        model: contestant?.model ?? '',
        score: best.rate,
        comparisons: best.n,
      },
    });
  }
  return out;
}

/** A winner as the dataset takes it: prompt, reply, and provenance pointing at the reply's line in results.jsonl. */
export interface WinnerToAdd {
  readonly question: string;
  readonly user: string;
  readonly assistant: string;
  readonly source: SourceRange;
}

/**
 * `resultsFile` is results.jsonl as the dataset records sources (workspace-relative, forward slashes); `locations`
 * maps reply keys to their line there. The line's hash lets the provenance lens find it again; the line itself names
 * the question, the contestant and the sample. A winner without a line (a hand-edited file) is left out.
 */
export function winnersToAdd(
  winners: readonly WinnerExample[],
  locations: ReadonlyMap<string, { line: number; raw: string }>,
  resultsFile: string,
): WinnerToAdd[] {
  const out: WinnerToAdd[] = [];
  for (const w of winners) {
    const at = locations.get(w.provenance.reply);
    const msgs = w.example.messages;
    const user = msgs.find((m) => m.role === 'user')?.content;
    const assistant = msgs[msgs.length - 1]?.content;
    if (!at || user === undefined || assistant === undefined) continue;
    out.push({ question: w.provenance.question, user, assistant, source: { file: resultsFile, startLine: at.line, endLine: at.line, textHash: sha(at.raw) } });
  }
  return out;
}

/** One DPO line from a question and two replies (also used for the chat's A/B picks). */
export function preferenceLine(question: string, preferred: string, rejected: string, system?: string): PreferenceLine {
  return {
    input: { messages: prompt(system, question) },
    preferred_output: [{ role: 'assistant', content: preferred }],
    non_preferred_output: [{ role: 'assistant', content: rejected }],
  };
}

export function preferenceLines(plan: EvalPlan, results: readonly ResultLine[], comps: readonly Comparison[], system?: string): PreferenceLine[] {
  const text = new Map(results.map((r) => [replyKey(r), r.text]));
  const questions = new Map(plan.questions.map((q) => [q.id, q.text]));
  const seen = new Set<string>();
  const out: PreferenceLine[] = [];
  for (const c of comps) {
    if (c.scoreA === 0.5) continue;
    const [win, lose] = c.scoreA === 1 ? [c.a, c.b] : [c.b, c.a];
    const w = text.get(replyKey(win));
    const l = text.get(replyKey(lose));
    const q = questions.get(c.question);
    if (!w?.trim() || !l?.trim() || q === undefined || w === l) continue;
    const line = preferenceLine(q, w, l, system);
    const id = JSON.stringify(line);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(line);
  }
  return out;
}

/**
 * The chat's A/B picks as DPO lines: per compare turn the user picked a side of (not a tie), the picked reply over the
 * other, after the conversation so far (as the chat sent it: earlier compares contribute their picked reply). Both
 * replies must have finished with text and differ; a stopped or failed reply is no fair comparison.
 */
export function chatPickLines(conversations: readonly { turns: readonly Turn[] }[], system?: string): PreferenceLine[] {
  const out: PreferenceLine[] = [];
  for (const conv of conversations) {
    conv.turns.forEach((t, i) => {
      if (t.kind !== 'compare' || (t.pick !== 'a' && t.pick !== 'b')) return;
      const [win, lose] = t.pick === 'a' ? [t.a, t.b] : [t.b, t.a];
      if (win.status !== 'done' || lose.status !== 'done' || !win.text.trim() || !lose.text.trim() || win.text === lose.text || !t.prompt.trim()) return;
      const before: Msg[] = buildMessages(conv.turns.slice(0, i), system ?? '').map((m) => ({ role: m.role as Msg['role'], content: String(m.content) }));
      out.push({
        input: { messages: [...before, { role: 'user', content: t.prompt }] },
        preferred_output: [{ role: 'assistant', content: win.text }],
        non_preferred_output: [{ role: 'assistant', content: lose.text }],
      });
    });
  }
  return out;
}
