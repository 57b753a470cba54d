/**
 * Preference (DPO) datasets: `{"input":{"messages":[…]},"preferred_output":[{"role":"assistant",…}],
 * "non_preferred_output":[{"role":"assistant",…}]}` per line. The chat validator in src/core/validation
 * covers supervised files; this is the structural check the wizard runs for preference files.
 */
import { readJsonlLines } from '../dataset/jsonl';

export const MIN_PREFERENCE_EXAMPLES = 10;

export interface PreferenceIssue {
  readonly line: number;
  readonly message: string;
}

export interface PreferenceCheck {
  readonly examples: number;
  readonly errors: PreferenceIssue[];
  readonly errorCount: number;
}

/** True when the first non-empty line is a preference example. */
export async function isPreferenceFile(file: string): Promise<boolean> {
  for await (const l of readJsonlLines(file)) {
    if (l.blank) continue;
    const v = l.value;
    return typeof v === 'object' && v !== null && 'preferred_output' in v && 'non_preferred_output' in v;
  }
  return false;
}

function assistantOutput(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(
      (m) =>
        typeof m === 'object' &&
        m !== null &&
        (m as { role?: unknown }).role === 'assistant' &&
        typeof (m as { content?: unknown }).content === 'string' &&
        (m as { content: string }).content.trim() !== '',
    )
  );
}

/** Why one JSONL line is not a valid preference example, or undefined when it is. */
export function checkPreferenceLine(line: string): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'Not valid JSON.';
  }
  return checkPreferenceValue(v);
}

function checkPreferenceValue(v: unknown): string | undefined {
  const o = v as { input?: { messages?: unknown }; preferred_output?: unknown; non_preferred_output?: unknown };
  if (typeof v !== 'object' || v === null) return 'Each line must be a JSON object.';
  const msgs = o.input?.messages;
  if (!Array.isArray(msgs) || msgs.length === 0) return '"input.messages" must be a non-empty array.';
  if (!msgs.some((m) => typeof m === 'object' && m !== null && (m as { role?: unknown }).role === 'user')) return '"input.messages" needs a user message.';
  if (!assistantOutput(o.preferred_output)) return '"preferred_output" must be a list of assistant messages with text.';
  if (!assistantOutput(o.non_preferred_output)) return '"non_preferred_output" must be a list of assistant messages with text.';
  return undefined;
}

export async function checkPreferenceFile(
  file: string,
  opts: { purpose: 'train' | 'validation'; maxIssues?: number; signal?: AbortSignal },
): Promise<PreferenceCheck> {
  const errors: PreferenceIssue[] = [];
  let errorCount = 0;
  let examples = 0;
  for await (const l of readJsonlLines(file, { signal: opts.signal, keepValues: false })) {
    if (l.blank) continue;
    examples++;
    const problem = l.problem ? (l.problem === 'not-utf8' ? 'Not valid UTF-8.' : 'Not valid JSON.') : checkPreferenceValue(l.value);
    if (problem) {
      errorCount++;
      if (errors.length < (opts.maxIssues ?? 100)) errors.push({ line: l.line, message: problem });
    }
  }
  if (opts.purpose === 'train' && examples < MIN_PREFERENCE_EXAMPLES) {
    errorCount++;
    errors.push({ line: 0, message: `The training file has ${examples} example(s); at least ${MIN_PREFERENCE_EXAMPLES} are required.` });
  }
  return { examples, errors, errorCount };
}
