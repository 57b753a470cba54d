/**
 * socratune-validate — validate an OpenAI chat fine-tuning JSONL file outside VS Code (CI pipelines).
 *
 *   socratune-validate <file.jsonl> [--model <base>] [--json] [--purpose train|validation] [--epochs N]
 *
 * Exit codes: 0 the file would be accepted, 1 it has errors, 2 usage or I/O error.
 */
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import {
  DEFAULT_BASE_MODEL,
  ERROR_CODES,
  isAbortError,
  validateJsonlFile,
  type Distribution,
  type ValidationIssue,
  type ValidationResult,
} from '../core/validation';

const USAGE = `Usage: socratune-validate <file.jsonl> [options]

Validates an OpenAI chat fine-tuning file (the OpenAI cookbook's format checks plus the API's own rules),
counts tokens exactly with the base model's tokenizer and estimates the training cost.

Options:
  --model <id>        base model (default ${DEFAULT_BASE_MODEL}); ft:… ids use their base model
  --purpose <p>       train (default; needs ≥ 10 examples) or validation (default for *valid*.jsonl)
  --epochs <n>        n_epochs for the cost estimate (default: OpenAI's heuristic)
  --workers <n>       worker threads (default: automatic by file size; 0 = none)
  --max-issues <n>    errors/warnings listed at most (default 1000; counts stay complete)
  --json              print the result as JSON: { examples, errors, warnings, tokens, estimatedCost, … }
  -h, --help          show this help

Exit status: 0 accepted, 1 errors found, 2 usage or I/O error.`;

class UsageError extends Error {}

interface Cli {
  file: string;
  model?: string;
  purpose?: 'train' | 'validation';
  epochs?: number;
  workers?: number;
  maxIssues?: number;
  json: boolean;
}

function positiveInt(name: string, v: string | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${v}".`);
  return n;
}

export function parseCli(argv: string[]): Cli | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        purpose: { type: 'string' },
        epochs: { type: 'string' },
        workers: { type: 'string' },
        'max-issues': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? 'Missing the JSONL file to validate.' : `Expected one file, got ${positionals.length}.`);
  const purpose = values.purpose;
  if (purpose !== undefined && purpose !== 'train' && purpose !== 'validation')
    throw new UsageError(`--purpose must be train or validation, got "${purpose}".`);
  if (values.model !== undefined && values.model.trim() === '') throw new UsageError('--model needs a model id.');
  const cli: Cli = { file: positionals[0]!, json: values.json === true };
  if (values.model) cli.model = values.model.trim();
  if (purpose) cli.purpose = purpose;
  const epochs = positiveInt('epochs', values.epochs);
  if (epochs !== undefined) cli.epochs = epochs;
  const workers = positiveInt('workers', values.workers, 0);
  if (workers !== undefined) cli.workers = workers;
  const maxIssues = positiveInt('max-issues', values['max-issues'], 0);
  if (maxIssues !== undefined) cli.maxIssues = maxIssues;
  return cli;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const num = (n: number): string => (Number.isInteger(n) ? int(n) : n.toLocaleString('en-US', { maximumFractionDigits: 1 }));

function dist(label: string, d: Distribution | null): string {
  if (!d) return `  ${label}: –`;
  return `  ${label}: min ${num(d.min)}, max ${num(d.max)}, mean ${num(d.mean)}, median ${num(d.median)}, p10 ${num(d.p10)}, p90 ${num(d.p90)}`;
}

function where(file: string, it: ValidationIssue): string {
  if (it.line === 0) return file;
  return it.column ? `${file}:${it.line}:${it.column}` : `${file}:${it.line}`;
}

export function formatHuman(file: string, r: ValidationResult): string {
  const name = path.basename(file);
  const out: string[] = [];
  const errorTotal = Object.values(r.stats.errorCounts).reduce((a, b) => a + (b ?? 0), 0);
  const warningTotal = Object.values(r.stats.warningCounts).reduce((a, b) => a + (b ?? 0), 0);
  out.push(
    `${name}: ${int(r.examples)} examples (${r.purpose}), ${int(r.tokens.total)} tokens (${r.tokens.encoding}), model ${r.model.known ?? r.model.requested}`,
  );
  if (errorTotal > 0) {
    out.push('', `${int(errorTotal)} error(s) — OpenAI would reject this file; every error blocks the upload:`);
    for (const e of r.errors) out.push(`  ${where(name, e)}: error ${e.code}: ${e.message}`);
  } else out.push('', 'No errors found: the file would be accepted.');
  const shownWarnings = r.warnings.filter((w) => w.code !== 'issues_truncated');
  if (warningTotal > 0) {
    out.push('', `${int(warningTotal)} warning(s) (do not block the upload):`);
    for (const w of shownWarnings) out.push(`  ${where(name, w)}: warning ${w.code}: ${w.message}`);
  }
  const truncated = r.warnings.find((w) => w.code === 'issues_truncated');
  if (truncated) out.push(`  (${truncated.message})`);
  const counts = Object.entries(r.stats.errorCounts);
  if (counts.length > 0) {
    out.push('', 'Errors by category:');
    for (const [code, n] of counts) out.push(`  ${code}: ${int(n ?? 0)} — ${ERROR_CODES[code as keyof typeof ERROR_CODES]}`);
  }
  const s = r.stats;
  out.push(
    '',
    'Statistics:',
    `  examples missing a system message: ${int(s.missingSystem)}; missing a user message: ${int(s.missingUser)}`,
    dist('messages per example', s.messagesPerExample),
    dist('tokens per example', s.tokensPerExample),
    dist('assistant tokens per example', s.assistantTokensPerExample),
    `  examples over the ${int(s.tokenLimit)}-token limit (truncated in training): ${int(s.overTokenLimit)}`,
  );
  out.push('', 'Cost estimate:');
  const c = r.estimatedCost;
  if (c) {
    out.push(
      `  ~${int(c.billableTokens)} billable tokens × ${c.epochs} epoch(s)${c.defaultEpochs ? ' (OpenAI default)' : ''} = ~${int(c.trainedTokens)} trained tokens`,
      `  ≈ $${c.usd.toFixed(2)} at $${c.usdPer1MTokens.toFixed(2)} per 1M training tokens (${c.model})`,
    );
  } else out.push(`  no per-token training price for ${r.model.requested}${r.model.note ? ` (${r.model.note})` : ''}`);
  return out.join('\n');
}

export function formatJson(r: ValidationResult): string {
  return JSON.stringify(
    {
      accepted: r.accepted,
      examples: r.examples,
      errors: r.errors,
      warnings: r.warnings,
      tokens: r.tokens,
      estimatedCost: r.estimatedCost,
      stats: r.stats,
      model: r.model,
      purpose: r.purpose,
    },
    null,
    2,
  );
}

export async function main(argv: string[]): Promise<number> {
  let cli: Cli | 'help';
  try {
    cli = parseCli(argv);
  } catch (err) {
    process.stderr.write(`socratune-validate: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  if (cli === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const showProgress = !cli.json && process.stderr.isTTY === true;
  try {
    const result = await validateJsonlFile(cli.file, {
      ...(cli.model ? { model: cli.model } : {}),
      ...(cli.purpose ? { purpose: cli.purpose } : {}),
      ...(cli.epochs ? { epochs: cli.epochs } : {}),
      ...(cli.workers !== undefined ? { workers: cli.workers } : {}),
      ...(cli.maxIssues !== undefined ? { maxIssues: cli.maxIssues } : {}),
      signal: controller.signal,
      ...(showProgress ? { onProgress: (p) => process.stderr.write(`\rvalidating… ${Math.floor((100 * p.bytesRead) / Math.max(1, p.totalBytes))}%`) } : {}),
    });
    if (showProgress) process.stderr.write('\r\x1b[K');
    process.stdout.write((cli.json ? formatJson(result) : formatHuman(cli.file, result)) + '\n');
    return result.accepted ? 0 : 1;
  } catch (err) {
    if (isAbortError(err)) process.stderr.write('\nsocratune-validate: cancelled\n');
    else {
      const e = err as NodeJS.ErrnoException;
      const msg = e.code === 'ENOENT' ? `cannot read ${cli.file}: no such file` : e.code === 'EISDIR' ? `${cli.file} is a directory` : e.message;
      process.stderr.write(`socratune-validate: ${msg}\n`);
    }
    return 2;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`socratune-validate: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
