import type { FileRole, ReportCount, ReportFile, ValidationReport } from '../../shared/validationProtocol';
import { ERROR_CODES, WARNING_CODES } from './codes';
import { PRICES_AS_OF } from './models';
import type { ValidationResult } from './types';

/** Issues listed in the report per file (counts per code stay complete). */
export const REPORT_ISSUE_LIMIT = 200;

type Issue = { line: number; column?: number; code: string; message: string };

/**
 * Counts per code. A whole-file issue (line 0: too few examples…) says it once: its own message (with this file's
 * figures) replaces the generic description in the table, and it is not listed again below.
 */
function counts(c: Partial<Record<string, number>>, descriptions: Record<string, string>, issues: readonly Issue[]): ReportCount[] {
  const fileLevel = new Map(issues.filter((i) => i.line === 0).map((i) => [i.code, i.message]));
  return Object.entries(c)
    .map(([code, count]) => {
      const own = fileLevel.get(code);
      return { code, count: count ?? 0, description: own ?? descriptions[code] ?? code, ...(own !== undefined ? { fileLevel: true as const } : {}) };
    })
    .sort((a, b) => b.count - a.count);
}

export function reportFile(role: FileRole, name: string, r: ValidationResult): ReportFile {
  const strip = (i: Issue) => ({
    line: i.line,
    ...(i.column ? { column: i.column } : {}),
    code: i.code,
    message: i.message,
  });
  return {
    role,
    name,
    accepted: r.accepted,
    examples: r.examples,
    bytes: r.stats.bytes,
    errors: r.errors
      .filter((i) => i.line > 0)
      .slice(0, REPORT_ISSUE_LIMIT)
      .map(strip),
    warnings: r.warnings
      .filter((i) => i.line > 0)
      .slice(0, REPORT_ISSUE_LIMIT)
      .map(strip),
    errorCounts: counts(r.stats.errorCounts, ERROR_CODES, r.errors),
    warningCounts: counts(r.stats.warningCounts, WARNING_CODES, r.warnings),
    messagesPerExample: r.stats.messagesPerExample,
    tokensPerExample: r.stats.tokensPerExample,
    assistantTokensPerExample: r.stats.assistantTokensPerExample,
    histogram: r.stats.tokenHistogram,
    missingSystem: r.stats.missingSystem,
    missingUser: r.stats.missingUser,
    overTokenLimit: r.stats.overTokenLimit,
    tokens: { total: r.tokens.total, billable: r.tokens.billable, assistant: r.tokens.assistant },
  };
}

/** The webview's report for a dataset: the train file (cost) and, when present, the validation file. */
export function buildReport(dataset: string, files: readonly { role: FileRole; name: string; result: ValidationResult }[], now = new Date()): ValidationReport {
  const train = files.find((f) => f.role === 'train') ?? files[0];
  const model = train?.result.model;
  const costNote = !train
    ? undefined
    : train.result.estimatedCost
      ? "Validation tokens are not charged. Estimate = price per 1M ÷ 1M × billable tokens × epochs (OpenAI's formula)."
      : `No per-token training price for ${model?.requested ?? 'this model'}${model?.note ? `: ${model.note}` : '.'}`;
  return {
    dataset,
    model: model?.known ?? model?.requested ?? '',
    encoding: model?.encoding ?? 'o200k_base',
    tokenLimit: model?.exampleTokenLimit ?? 0,
    generatedAt: now.toISOString(),
    pricesAsOf: PRICES_AS_OF,
    files: files.map((f) => reportFile(f.role, f.name, f.result)),
    cost: train?.result.estimatedCost ?? null,
    ...(costNote ? { costNote } : {}),
  };
}
