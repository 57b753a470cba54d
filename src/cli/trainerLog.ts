/**
 * socratune-trainer-log — turn a training log written by MLX-LM or a Hugging Face Trainer-based tool (TRL, Unsloth,
 * Axolotl, LLaMA-Factory) into loss / validation loss / learning-rate points.
 *
 *   socratune-trainer-log <file> [--format mlx|hf|auto] [--json]
 *
 * Exit codes: 0 training points found, 1 no training line found in the file, 2 usage or I/O error.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { TrainerLogParser, type LossPoint, type TrainerLogFormat, type TrainerLogResult } from '../core/local/trainerLog';

const USAGE = `Usage: socratune-trainer-log <file> [options]

Reads a training log written by MLX-LM (mlx_lm.lora) or by a Hugging Face Trainer-based tool (TRL, Unsloth,
Axolotl, LLaMA-Factory) and prints its training loss, validation loss and learning-rate points. Nothing is
interpolated: a point is what a log line says. nan/inf losses, tracebacks and restarts are reported with their lines.

Options:
  --format <f>   mlx, hf or auto (default: auto, decided by the first metric line)
  --json         print {"format", "train": [{"step", "loss"}], "eval": [...], "lr": [{"step", "lr"}], "problems": [...]}
                 ("ordinal": true on a point whose step the log did not print: its 1-based order among the loss lines)
  -h, --help     show this help

Exit status: 0 points found, 1 no training line found, 2 usage or I/O error.`;

class UsageError extends Error {}

interface Cli {
  file: string;
  format: TrainerLogFormat | 'auto';
  json: boolean;
}

export function parseCli(argv: string[]): Cli | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'auto' },
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
    throw new UsageError(positionals.length === 0 ? 'Missing the log file to read.' : `Expected one file, got ${positionals.length}.`);
  const format = values.format;
  if (format !== 'mlx' && format !== 'hf' && format !== 'auto') throw new UsageError(`Unknown --format "${format}": use mlx, hf or auto.`);
  return { file: positionals[0]!, format, json: values.json === true };
}

async function parseFile(file: string, format: TrainerLogFormat | 'auto'): Promise<TrainerLogResult> {
  const parser = new TrainerLogParser(format);
  const decoder = new StringDecoder('utf8');
  for await (const chunk of createReadStream(file)) parser.feed(decoder.write(chunk as Buffer));
  parser.feed(decoder.end());
  parser.end();
  return parser.result();
}

const fmt = (n: number): string =>
  Number.isInteger(n)
    ? String(n)
    : n
        .toPrecision(4)
        .replace(/\.?0+$/, '')
        .replace(/\.?0+e/, 'e');

function series(label: string, pts: LossPoint[]): string {
  if (pts.length === 0) return `  ${label}: none`;
  const first = pts[0]!;
  const last = pts.at(-1)!;
  const min = pts.reduce((a, p) => (p.loss < a.loss ? p : a), first);
  const ordinal = pts.some((p) => p.ordinal) ? ' (steps are the order of the loss lines: the log prints none)' : '';
  return `  ${label}: ${pts.length} points, steps ${first.step}–${last.step}; first ${fmt(first.loss)}, last ${fmt(last.loss)}, lowest ${fmt(min.loss)} at step ${min.step}${ordinal}`;
}

export function formatHuman(file: string, r: TrainerLogResult): string {
  const out = [
    `${path.basename(file)}: ${r.format === null ? 'no MLX-LM or Hugging Face Trainer metric line found' : r.format === 'mlx' ? 'MLX-LM log' : 'Hugging Face Trainer log'}`,
  ];
  out.push(series('train loss', r.train), series('validation loss', r.eval));
  out.push(r.lr.length ? `  learning rate: ${r.lr.length} points, first ${fmt(r.lr[0]!.lr)}, last ${fmt(r.lr.at(-1)!.lr)}` : '  learning rate: none');
  if (r.progress?.total !== undefined) out.push(`  progress: step ${r.progress.step ?? '?'} of ${r.progress.total}`);
  if (r.summary?.trainLoss !== undefined) out.push(`  final average train loss: ${fmt(r.summary.trainLoss)}`);
  for (const p of r.problems) {
    const where = `line ${p.line}${p.step !== undefined ? `, step ${p.step}` : ''}`;
    out.push('', `${p.kind}: ${p.message} (${where}${p.count && p.count > 1 ? `; ${p.count} lines in all` : ''})`);
    for (const l of p.lines) out.push(`  | ${l}`);
  }
  return out.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let cli: Cli | 'help';
  try {
    cli = parseCli(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`socratune-trainer-log: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (cli === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  try {
    if ((await stat(cli.file)).isDirectory()) throw Object.assign(new Error(''), { code: 'EISDIR' });
    const result = await parseFile(cli.file, cli.format);
    process.stdout.write((cli.json ? JSON.stringify(result, null, 2) : formatHuman(cli.file, result)) + '\n');
    const found = result.train.length + result.eval.length > 0;
    if (!found && !cli.json) process.stderr.write(`socratune-trainer-log: no training loss line in ${cli.file}\n`);
    return found ? 0 : 1;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const msg = e.code === 'ENOENT' ? `cannot read ${cli.file}: no such file` : e.code === 'EISDIR' ? `${cli.file} is a directory` : e.message;
    process.stderr.write(`socratune-trainer-log: ${msg}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`socratune-trainer-log: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
