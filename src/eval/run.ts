/**
 * "Socratune: Evaluate Models…" host side (a chunk loaded on first use): builds the plan from the command's arguments
 * (or from a few pickers), writes it, and runs what is left of it with a cancellable progress notification.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sdkComplete } from '../core/eval/complete';
import { allTasks, runEval, type EvalProgress } from '../core/eval/runner';
import type { Contestant, EvalPlan, Question, SystemPrompt } from '../core/eval/schema';
import { evalDir, readPlan, writePlan } from '../core/eval/store';
import type { Services } from '../platform/services';

export interface ContestantArg {
  readonly model: string;
  readonly label?: string;
  /** Default: the prompt bound to the model when there is one, else none. */
  readonly system?: 'bound' | 'none' | { readonly preset: string; readonly text: string };
  readonly temperature?: number;
}

export interface EvaluateArgs {
  readonly name: string;
  /** Typed questions; or `fromValidation` for the active dataset's validation split (its answers become references). */
  readonly questions?: readonly (string | { readonly text: string; readonly reference?: string })[];
  readonly fromValidation?: boolean;
  readonly contestants?: readonly ContestantArg[];
  readonly samples?: number;
  readonly seed?: number;
  readonly concurrency?: number;
  readonly maxTokens?: number;
}

export interface EvaluateOutcome {
  readonly dir: string;
  readonly progress: EvalProgress;
  readonly cancelled: boolean;
}

export function workspaceRootPath(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('Open a folder first: evaluations are stored in the workspace (.socratune/evals/).');
  return folder.uri.fsPath;
}

async function validationQuestions(services: Services): Promise<Question[]> {
  const uri = services.activeDataset.uri;
  if (!uri) throw new Error('No active dataset: choose one, or type the questions.');
  const file = path.join(uri.fsPath, 'validation.jsonl');
  const text = await fs.readFile(file, 'utf8').catch(() => {
    throw new Error(`The active dataset has no validation split (${file}); run "Split Dataset…" first.`);
  });
  const out: Question[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const msgs = (JSON.parse(line) as { messages?: { role?: string; content?: unknown }[] }).messages ?? [];
      const user = msgs.filter((m) => m.role === 'user').pop();
      const answer = msgs.filter((m) => m.role === 'assistant').pop();
      if (typeof user?.content === 'string' && user.content.trim())
        out.push({ id: `q${out.length + 1}`, text: user.content, ...(typeof answer?.content === 'string' ? { reference: answer.content } : {}) });
    } catch {
      // a line the validator reports; not a question
    }
  }
  if (out.length === 0) throw new Error(`${file} holds no question.`);
  return out;
}

function systemFor(services: Services, c: ContestantArg): SystemPrompt {
  if (typeof c.system === 'object') return { kind: 'preset', name: c.system.preset, text: c.system.text };
  const bound = services.modelPrompts.get(c.model)?.systemPrompt;
  if (c.system === 'none' || (c.system === undefined && !bound)) return { kind: 'none' };
  if (!bound) throw new Error(`No system prompt is bound to ${c.model}.`);
  return { kind: 'bound', text: bound };
}

export async function planFromArgs(services: Services, args: EvaluateArgs): Promise<EvalPlan> {
  const questions: Question[] = args.fromValidation
    ? await validationQuestions(services)
    : (args.questions ?? []).map((q, i) =>
        typeof q === 'string' ? { id: `q${i + 1}`, text: q } : { id: `q${i + 1}`, text: q.text, ...(q.reference ? { reference: q.reference } : {}) },
      );
  const backend = services.profile().provider;
  const contestants: Contestant[] = (args.contestants ?? []).map((c, i) => {
    const system = systemFor(services, c);
    const temperature = c.temperature ?? 1;
    return {
      id: `c${i + 1}`,
      label: c.label ?? `${c.model} · ${system.kind === 'preset' ? system.name : system.kind} prompt · t=${temperature}`,
      model: c.model,
      backend,
      system,
      temperature,
    };
  });
  return {
    version: 1,
    name: args.name,
    createdAt: new Date().toISOString(),
    seed: args.seed ?? 1,
    samples: args.samples ?? 2,
    ...(args.maxTokens ? { maxTokens: args.maxTokens } : {}),
    questions,
    contestants,
  };
}

const fmtMs = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.ceil(ms / 1000)} s`);

export function progressText(p: EvalProgress): string {
  const eta = p.etaMs === undefined ? '' : p.done < p.total ? ` · about ${fmtMs(p.etaMs)} left` : '';
  const spend = p.spendComplete ? ` · $${p.spendUsd.toFixed(4)}` : ` · ${p.tokens.prompt + p.tokens.completion} tokens (price unknown)`;
  return `${p.done}/${p.total} replies${eta}${spend}${p.failed ? ` · ${p.failed} failed` : ''}`;
}

/** Runs (or resumes) the evaluation `args.name`: an existing plan is resumed as it is. */
export async function evaluate(services: Services, args: EvaluateArgs, token?: vscode.CancellationToken): Promise<EvaluateOutcome> {
  const dir = evalDir(workspaceRootPath(), args.name);
  const existing = await readPlan(dir).catch(() => undefined);
  const plan = existing && !args.contestants ? existing : await planFromArgs(services, args);
  if (!existing || args.contestants) await writePlan(dir, plan);
  const client = await services.client({ maxRetries: 0 });
  if (!client.ok) throw new Error(client.message);
  const complete = sdkComplete(() => client.client);
  const stop = new AbortController();
  const total = allTasks(plan).length;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Evaluating “${plan.name}”`, cancellable: true },
    async (progress, uiToken) => {
      const subs = [uiToken.onCancellationRequested(() => stop.abort()), token?.onCancellationRequested(() => stop.abort())];
      let last = 0;
      try {
        const out = await runEval(dir, plan, {
          complete,
          signal: stop.signal,
          concurrency: args.concurrency ?? 4,
          onProgress: (p) => {
            progress.report({ message: progressText(p), increment: ((p.done - last) / total) * 100 });
            last = p.done;
          },
          onError: (t, e) =>
            services.log.warn(`evaluation ${plan.name}: ${t.contestant.model} on ${t.question.id} #${t.sample} failed: ${(e as Error).message}`),
        });
        services.log.info(`evaluation ${plan.name}: ${progressText(out.progress)} in ${fmtMs(out.progress.elapsedMs)}${out.cancelled ? ' (cancelled)' : ''}`);
        return { dir, ...out };
      } finally {
        for (const s of subs) s?.dispose();
      }
    },
  );
}
