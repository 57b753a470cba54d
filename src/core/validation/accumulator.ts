/**
 * Line-by-line validation state. One Accumulator validates a contiguous run of lines (a whole text, a
 * whole file, or one worker thread's byte range) in memory proportional to the number of distinct
 * token counts and the issue cap — never to the file size. Partials merge in line order.
 */
import { ERROR_CODES, WARNING_CODES, isErrorCode, type ErrorCode, type WarningCode } from './codes';
import { estimateCost } from './cost';
import { FrequencyDistribution } from './distribution';
import { describeJsonError, locateJsonError, locatePath, type Span } from './locate';
import { checkExample, type JsonPath, type RuleIssue } from './rules';
import type { TokenCounter } from './tokenizer';
import { countExampleTokens } from './tokens';
import type { Purpose, ResolvedModel, ValidationError, ValidationIssue, ValidationResult, ValidationWarning } from './types';

export const DEFAULT_MAX_ISSUES = 1000;
export const MIN_TRAINING_EXAMPLES = 10;
export const RECOMMENDED_MIN_EXAMPLES = 50;

export interface AccumulatorOptions {
  counter?: TokenCounter;
  tokenLimit: number;
  maxIssues: number;
  /** The first line given is line 1 of the file (BOM check). */
  atFileStart: boolean;
}

/** Structured-clone-safe partial result (crosses worker_threads). */
export interface PartialResult {
  lines: number;
  examples: number;
  examplesWithErrors: number;
  bytes: number;
  errors: ValidationError[];
  warnings: ValidationWarning[];
  errorCounts: Record<string, number>;
  warningCounts: Record<string, number>;
  messages: [number, number][];
  tokens: [number, number][];
  assistant: [number, number][];
  missingSystem: number;
  missingUser: number;
  overLimit: number;
  totalTokens: number;
  billable: number;
  assistantTokens: number;
  /** [hash of the line's text, local line] of each example that parsed, for exact duplicates across partials. */
  keys: [number, number][];
}

/** A fast 53-bit string hash (cyrb53): exact-duplicate detection without keeping the lines. */
function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export class Accumulator {
  private lines = 0;
  private examples = 0;
  private examplesWithErrors = 0;
  bytes = 0;
  private readonly errors: ValidationError[] = [];
  private readonly warnings: ValidationWarning[] = [];
  private readonly errorCounts: Record<string, number> = {};
  private readonly warningCounts: Record<string, number> = {};
  private readonly messages = new FrequencyDistribution();
  private readonly tokens = new FrequencyDistribution();
  private readonly assistant = new FrequencyDistribution();
  private missingSystem = 0;
  private missingUser = 0;
  private overLimit = 0;
  private billable = 0;
  private readonly ruleIssues: RuleIssue[] = [];
  private readonly keys: [number, number][] = [];
  private readonly count: ((s: string) => number) | undefined;

  constructor(private readonly opts: AccumulatorOptions) {
    const c = opts.counter;
    this.count = c ? (s: string) => c.count(s) : undefined;
  }

  get lineCount(): number {
    return this.lines;
  }

  private issue(severity: 'error' | 'warning', lineNo: number, code: ErrorCode | WarningCode, message: string, span?: () => Span, path?: JsonPath): void {
    const isError = severity === 'error';
    const counts = isError ? this.errorCounts : this.warningCounts;
    counts[code] = (counts[code] ?? 0) + 1;
    const list: ValidationIssue[] = isError ? this.errors : this.warnings;
    if (list.length >= this.opts.maxIssues) return;
    const it: ValidationIssue = { line: lineNo, code, message };
    if (span) Object.assign(it, span());
    if (path && path.length > 0) it.path = path;
    list.push(it);
  }

  /** A line longer than the reader will buffer: reported, skipped, counted as an example. */
  lineTooLong(lineNo: number, bytes: number): void {
    this.lines++;
    this.examples++;
    this.examplesWithErrors++;
    this.issue('error', lineNo, 'line_too_long', `Line is ${bytes} bytes long, more than the validator reads into memory; it was skipped.`);
  }

  /** One physical line, without its line terminator ("\r" is stripped here). */
  line(raw: string, lineNo: number, invalidUtf8 = false): void {
    this.lines++;
    let text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    let shift = 0;
    let hadError = false;
    if (lineNo === 1 && this.opts.atFileStart && text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
      shift = 1;
      hadError = true;
      this.issue('error', lineNo, 'utf8_bom', 'The file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without BOM.', () => ({
        column: 1,
        endColumn: 2,
      }));
    }
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0)) {
      this.issue('error', lineNo, 'empty_line', 'Blank line: every line of a JSONL training file must be one JSON example. Delete it.', () => ({
        column: 1,
        endColumn: Math.max(2, raw.length + 1),
      }));
      return;
    }
    this.examples++;
    if (invalidUtf8) {
      hadError = true;
      this.issue('error', lineNo, 'invalid_utf8', 'The line is not valid UTF-8 (was the file saved in another encoding, e.g. UTF-16 or Latin-1?).');
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.examplesWithErrors++;
      const span = locateJsonError(text, err);
      this.issue('error', lineNo, 'invalid_json', describeJsonError(text, err), () => ({
        column: span.column + shift,
        endColumn: span.endColumn + shift,
      }));
      return;
    }
    this.keys.push([hash53(text.trim()), lineNo]);
    const issues = this.ruleIssues;
    issues.length = 0;
    const facts = checkExample(value, issues);
    for (const it of issues) {
      const severity = isErrorCode(it.code) ? 'error' : 'warning';
      if (severity === 'error') hadError = true;
      this.issue(severity, lineNo, it.code, it.message, () => shiftSpan(locatePath(text, it.path), shift), it.path);
    }
    if (hadError) this.examplesWithErrors++;
    const messages = facts.messages;
    if (!messages) return;
    this.messages.add(messages.length);
    if (!facts.hasSystem) this.missingSystem++;
    if (!facts.hasUser) this.missingUser++;
    if (this.count) {
      const t = countExampleTokens(messages, this.count);
      this.tokens.add(t.total);
      this.assistant.add(t.assistant);
      const limit = this.opts.tokenLimit;
      this.billable += Math.min(limit, t.total);
      if (t.total > limit) {
        this.overLimit++;
        this.issue(
          'warning',
          lineNo,
          'example_too_long',
          `Example has ${t.total} tokens, over the ${limit}-token training limit of the base model; OpenAI truncates it from the end.`,
          () => ({ column: 1, endColumn: text.length + 1 + shift }),
        );
      }
    }
  }

  partial(): PartialResult {
    return {
      lines: this.lines,
      examples: this.examples,
      examplesWithErrors: this.examplesWithErrors,
      bytes: this.bytes,
      errors: this.errors,
      warnings: this.warnings,
      errorCounts: this.errorCounts,
      warningCounts: this.warningCounts,
      messages: this.messages.entries(),
      tokens: this.tokens.entries(),
      assistant: this.assistant.entries(),
      missingSystem: this.missingSystem,
      missingUser: this.missingUser,
      overLimit: this.overLimit,
      totalTokens: this.tokens.total,
      billable: this.billable,
      assistantTokens: this.assistant.total,
      keys: this.keys,
    };
  }
}

function shiftSpan(s: Span, by: number): Span {
  return by === 0 ? s : { column: s.column + by, endColumn: s.endColumn + by };
}

export interface FinalizeContext {
  model: ResolvedModel;
  purpose: Purpose;
  maxIssues: number;
  epochs?: number;
  tokensCounted: boolean;
}

/** The sums of every partial: counts, distributions and the (capped) issues with file-wide line numbers. */
interface Merged {
  messages: FrequencyDistribution;
  tokens: FrequencyDistribution;
  assistant: FrequencyDistribution;
  errors: ValidationError[];
  warnings: ValidationWarning[];
  errorCounts: Record<string, number>;
  warningCounts: Record<string, number>;
  duplicates: ValidationWarning[];
  sums: Record<SummedField, number>;
}

const SUMMED = [
  'lines',
  'examples',
  'examplesWithErrors',
  'bytes',
  'missingSystem',
  'missingUser',
  'overLimit',
  'billable',
  'assistantTokens',
  'totalTokens',
] as const satisfies readonly (keyof PartialResult)[];
type SummedField = (typeof SUMMED)[number];

/** Exact duplicates of an earlier example (by text hash), now that `offset` turns local lines into file lines. */
function collectDuplicates(p: PartialResult, offset: number, firstLine: Map<number, number>, duplicates: ValidationWarning[]): void {
  for (const [key, local] of p.keys) {
    const line = local + offset;
    const first = firstLine.get(key);
    if (first === undefined) firstLine.set(key, line);
    else
      duplicates.push({
        line,
        code: 'duplicate_example',
        message: `Line ${line} is an exact duplicate of line ${first}: the same example twice weighs it double in training.`,
      });
  }
}

/** Add up the partials in line order (later partials' lines follow earlier ones). */
function mergePartials(partials: readonly PartialResult[], maxIssues: number): Merged {
  const m: Merged = {
    messages: new FrequencyDistribution(),
    tokens: new FrequencyDistribution(),
    assistant: new FrequencyDistribution(),
    errors: [],
    warnings: [],
    errorCounts: {},
    warningCounts: {},
    duplicates: [],
    sums: Object.fromEntries(SUMMED.map((k) => [k, 0])) as Record<SummedField, number>,
  };
  const firstLine = new Map<number, number>();
  for (const p of partials) {
    const offset = m.sums.lines;
    collectDuplicates(p, offset, firstLine, m.duplicates);
    for (const e of p.errors) if (m.errors.length < maxIssues) m.errors.push({ ...e, line: e.line + offset });
    for (const w of p.warnings) if (m.warnings.length < maxIssues) m.warnings.push({ ...w, line: w.line + offset });
    for (const [k, v] of Object.entries(p.errorCounts)) m.errorCounts[k] = (m.errorCounts[k] ?? 0) + v;
    for (const [k, v] of Object.entries(p.warningCounts)) m.warningCounts[k] = (m.warningCounts[k] ?? 0) + v;
    m.messages.merge(p.messages);
    m.tokens.merge(p.tokens);
    m.assistant.merge(p.assistant);
    for (const k of SUMMED) m.sums[k] += p[k];
  }
  return m;
}

/** Exact duplicates are known only once every partial is in: merged into the line-ordered warnings. */
function addDuplicates(m: Merged, maxIssues: number): void {
  if (!m.duplicates.length) return;
  m.warningCounts.duplicate_example = m.duplicates.length;
  const merged = [...m.warnings, ...m.duplicates].sort((a, b) => a.line - b.line);
  m.warnings.length = 0;
  m.warnings.push(...merged.slice(0, maxIssues));
}

/** Issues about the file as a whole (line 0), put first: too few examples, missing roles, unknown model. */
function addFileIssues(m: Merged, ctx: FinalizeContext): void {
  const fileError = (code: ErrorCode, message: string): void => {
    m.errorCounts[code] = (m.errorCounts[code] ?? 0) + 1;
    m.errors.unshift({ line: 0, code, message });
  };
  const fileWarning = (code: WarningCode, message: string): void => {
    m.warningCounts[code] = (m.warningCounts[code] ?? 0) + 1;
    m.warnings.unshift({ line: 0, code, message });
  };
  const { examples, missingUser, missingSystem } = m.sums;
  const counted = m.messages.count;
  if (ctx.purpose === 'train' && examples < MIN_TRAINING_EXAMPLES) {
    fileError('too_few_examples', `Training file has ${examples} example(s), but must have at least ${MIN_TRAINING_EXAMPLES} examples.`);
  } else if (ctx.purpose === 'train' && examples < RECOMMENDED_MIN_EXAMPLES) {
    fileWarning('few_examples', `${examples} examples: OpenAI reports clear improvements from 50–100 well-crafted examples.`);
  }
  if (missingUser > 0) fileWarning('missing_user_message', `${missingUser} of ${counted} examples have no user message.`);
  if (missingSystem > 0 && missingSystem < counted) {
    fileWarning(
      'missing_system_message',
      `${missingSystem} of ${counted} examples have no system message while the others do; train with the system prompt you will use (or with none) consistently.`,
    );
  }
  if (!ctx.model.known) {
    fileWarning(
      'unknown_model',
      `"${ctx.model.requested}" is not in the model table: using ${ctx.model.encoding}, a ${ctx.model.exampleTokenLimit}-token limit and no price.`,
    );
  }
}

/** When issues were capped, a warning says how many there are in all; returns the total number of errors. */
function noteTruncation(m: Merged): number {
  const totalErrors = Object.values(m.errorCounts).reduce((a, b) => a + b, 0);
  const totalWarnings = Object.values(m.warningCounts).reduce((a, b) => a + b, 0);
  if (totalErrors > m.errors.length || totalWarnings > m.warnings.length) {
    m.warningCounts.issues_truncated = 1;
    m.warnings.push({
      line: 0,
      code: 'issues_truncated',
      message: `Showing ${m.errors.length} of ${totalErrors} errors and ${m.warnings.length} of ${totalWarnings} warnings; the counts per code are complete.`,
    });
  }
  return totalErrors;
}

/** Merge partials (in line order: later partials' lines follow earlier ones) into the final result. */
export function finalize(partials: readonly PartialResult[], ctx: FinalizeContext): ValidationResult {
  const m = mergePartials(partials, ctx.maxIssues);
  addDuplicates(m, ctx.maxIssues);
  addFileIssues(m, ctx);
  const totalErrors = noteTruncation(m);
  const { lines, examples, examplesWithErrors, bytes, missingSystem, missingUser, overLimit, billable, assistantTokens, totalTokens } = m.sums;
  return {
    accepted: totalErrors === 0,
    examples: examples - examplesWithErrors,
    errors: m.errors,
    warnings: m.warnings,
    stats: {
      lines,
      examples,
      examplesWithErrors,
      messagesPerExample: m.messages.summary(),
      tokensPerExample: ctx.tokensCounted ? m.tokens.summary() : null,
      assistantTokensPerExample: ctx.tokensCounted ? m.assistant.summary() : null,
      tokenHistogram: ctx.tokensCounted ? m.tokens.histogram() : null,
      missingSystem,
      missingUser,
      overTokenLimit: overLimit,
      tokenLimit: ctx.model.exampleTokenLimit,
      errorCounts: pick(m.errorCounts, ERROR_CODES),
      warningCounts: pick(m.warningCounts, WARNING_CODES),
      bytes,
    },
    tokens: { encoding: ctx.model.encoding, total: totalTokens, billable, assistant: assistantTokens },
    estimatedCost: ctx.tokensCounted ? estimateCost(ctx.model, examples, billable, ctx.epochs) : null,
    model: ctx.model,
    purpose: ctx.purpose,
  };
}

function pick<K extends string>(counts: Record<string, number>, codes: Record<K, string>): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const k of Object.keys(counts)) if (k in codes) out[k as K] = counts[k];
  return out;
}
