/** Text shown for jobs in the tree, tooltips and notifications (pure, so it is unit-tested). */
import type { FineTuneJob, JobEvent } from '../backends/types';
import { describeHyperparameters } from './hyperparameters';
import { readJobMetadata } from './manifest';
import { pointsFromEvents, totalSteps } from './metrics';
import { isTerminal, statusLabel } from './status';

export function age(fromMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h}h ago`;
  const d = Math.round(h / 24);
  if (d < 60) return `${d}d ago`;
  return new Date(fromMs).toISOString().slice(0, 10);
}

export function compactNumber(n: number): string {
  if (n < 1_000) return String(n);
  if (n < 1_000_000) return `${(n / 1_000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1)}M`;
}

/** `gpt-4.1-mini-2025-04-14 · 3h ago · 12.4k tokens` */
export function jobDescription(j: FineTuneJob, nowMs: number): string {
  const parts = [j.baseModel || '?', age(j.createdAt, nowMs)];
  if (j.trainedTokens !== undefined) parts.push(`${compactNumber(j.trainedTokens)} tokens`);
  return parts.join(' · ');
}

/**
 * The status in words, with the provider's own word only when it says something the label does not
 * ("Succeeded", not "Succeeded (succeeded)"; "Validating files" for `validating_files`; "Queued (pending)").
 */
export function statusText(j: Pick<FineTuneJob, 'status' | 'rawStatus'>): string {
  const label = statusLabel(j.status, j.rawStatus);
  // The server's own word, in words: Fireworks' "JOB_STATE_WRITING_RESULTS" → "writing results".
  const raw = j.rawStatus
    .trim()
    .replace(/^job_state_/i, '')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  const same = raw === label.toLowerCase() || SYNONYMS[raw] === label.toLowerCase();
  return raw && !same && j.status !== 'unknown' ? `${label} (${raw})` : label;
}

/** Server words that say the same as our label (shown once, not as "succeeded (completed)"). */
const SYNONYMS: Readonly<Record<string, string>> = { completed: 'succeeded', complete: 'succeeded', canceled: 'cancelled', error: 'failed' };

/** Step and loss from a running job's metrics events: `step 12/30 · loss 0.81` (empty before the first step). */
export function progressText(events: readonly JobEvent[]): string {
  const points = pointsFromEvents(events);
  const last = points[points.length - 1];
  if (!last) return '';
  const total = totalSteps(events);
  const parts = [`step ${last.step}${total ? `/${total}` : ''}`];
  if (last.trainLoss !== undefined) parts.push(`loss ${last.trainLoss.toFixed(2)}`);
  return parts.join(' · ');
}

/**
 * A job row's description, status first so it stays readable in a narrow sidebar:
 * `running · step 12/30 · loss 0.81 · ETA 4 min · gpt-4.1-mini-2025-04-14` while it runs (ETA when estimated),
 * `succeeded · gpt-4.1-mini-2025-04-14 · 3h ago · 12k tokens` once it ended.
 */
export function jobRowDescription(j: FineTuneJob, events: readonly JobEvent[], nowMs: number): string {
  const status = statusText(j).toLowerCase();
  if (isTerminal(j.status)) return [status, jobDescription(j, nowMs)].join(' · ');
  return [status, progressText(events), etaText(j.estimatedFinish, nowMs), j.baseModel || '?'].filter(Boolean).join(' · ');
}

/** `ETA 4 min` / `ETA 2 h 05 min` before an estimated finish; empty without one or once it passed. */
export function etaText(estimatedFinish: number | undefined, nowMs: number): string {
  if (estimatedFinish === undefined || estimatedFinish <= nowMs) return '';
  const min = Math.ceil((estimatedFinish - nowMs) / 60_000);
  return min < 60 ? `ETA ${min} min` : `ETA ${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}

/** Tree label: the suffix or the dataset name if known, else the job id. */
export function jobLabel(j: FineTuneJob): string {
  const ds = readJobMetadata(j.metadata).datasetName;
  const name = j.suffix ?? ds;
  return name ? `${name} — ${j.id}` : j.id;
}

function mdEscape(s: string): string {
  return s.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1');
}

function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

export function jobTooltipMarkdown(j: FineTuneJob, nowMs: number): string {
  const md = readJobMetadata(j.metadata);
  const lines = [`**${mdEscape(statusText(j))}** · ${code(j.id)}`, ''];
  lines.push(`- Base model: ${code(j.baseModel)}`);
  lines.push(`- Method: ${mdEscape(j.method)}`);
  lines.push(`- Created: ${new Date(j.createdAt).toISOString().replace('T', ' ').slice(0, 16)} UTC (${age(j.createdAt, nowMs)})`);
  if (j.finishedAt) lines.push(`- Finished: ${new Date(j.finishedAt).toISOString().replace('T', ' ').slice(0, 16)} UTC`);
  else if (j.estimatedFinish) lines.push(`- Estimated finish: ${new Date(j.estimatedFinish).toISOString().replace('T', ' ').slice(0, 16)} UTC`);
  if (j.trainedTokens !== undefined) lines.push(`- Trained tokens: ${j.trainedTokens.toLocaleString('en-US')}`);
  const h = j.hyperparameters;
  lines.push(`- Hyperparameters: ${describeHyperparameters(h, ' · ')}`);
  if (md.datasetName) lines.push(`- Dataset: ${mdEscape(md.datasetName)}${md.datasetSha256 ? ` (${code(md.datasetSha256.slice(0, 12))})` : ''}`);
  if (j.fineTunedModel) lines.push(`- Model: ${code(j.fineTunedModel)}`);
  if (j.error) lines.push('', `**Error${j.error.code ? ` ${code(j.error.code)}` : ''}:** ${mdEscape(j.error.message)}`);
  return lines.join('\n');
}
