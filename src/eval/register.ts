/**
 * Evaluate Models: commands only; the runner, the rating panel and the exports are chunks loaded on first use.
 * Every command takes its choices as an argument (tests, scripts) and asks for them when called from the UI.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../platform/services';
import type { RatingPanel } from './ratingPanel';
import type { EvaluateArgs, EvaluateOutcome } from './run';

export interface EvalApi {
  evaluate(args: EvaluateArgs): Promise<EvaluateOutcome>;
  /** The open blind-rating panel, if any (test handle). */
  readonly panel: () => RatingPanel | undefined;
}

async function evalsRoot(): Promise<string> {
  const { workspaceRootPath } = await import('./run.js');
  const { EVALS_DIR } = await import('../core/eval/store.js');
  return path.join(workspaceRootPath(), EVALS_DIR);
}

async function pickEvaluation(name: string | undefined): Promise<string | undefined> {
  const root = await evalsRoot();
  if (name) return path.join(root, name);
  const names = (await fs.readdir(root, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => d.name);
  if (names.length === 0) throw new Error('No evaluation yet: run "Socratune: Evaluate Models…" first.');
  const picked = await vscode.window.showQuickPick(names, { placeHolder: 'Which evaluation?' });
  return picked && path.join(root, picked);
}

/**
 * The pickers behind the palette command: name, questions, 2–4 contestants, samples, then a confirmation.
 * `preselect`: a model the Models or Jobs tree started from, already ticked among the contestants.
 */
async function askArgs(services: Services, preselect?: string): Promise<EvaluateArgs | undefined> {
  const name = await vscode.window.showInputBox({
    prompt: 'Name of the evaluation (folder under .socratune/evals/; an existing one is resumed)',
    value: `eval-${new Date().toISOString().slice(0, 10)}`,
    validateInput: (v) => (/^[A-Za-z0-9._-]{1,64}$/.test(v) ? undefined : 'Use 1–64 letters, digits, ".", "_" or "-".'),
  });
  if (!name) return undefined;
  const existing = await fs.stat(path.join(await evalsRoot(), name, 'plan.json')).catch(() => undefined);
  if (existing) return { name };
  const source = await vscode.window.showQuickPick(
    [
      { label: 'Validation split of the active dataset', id: 'validation' as const, detail: 'Held-out questions; your answers are shown as reference' },
      { label: 'Type questions', id: 'typed' as const },
    ],
    { placeHolder: 'Which questions?' },
  );
  if (!source) return undefined;
  let questions: string[] | undefined;
  if (source.id === 'typed') {
    const typed = await vscode.window.showInputBox({ prompt: 'Questions, separated by "|"' });
    questions = typed
      ?.split('|')
      .map((q) => q.trim())
      .filter(Boolean);
    if (!questions?.length) return undefined;
  }
  const client = await services.client();
  if (!client.ok) throw new Error(client.message);
  const models: string[] = preselect ? [preselect] : [];
  for await (const m of client.client.models.list()) if (m.id !== preselect) models.push(m.id);
  const picked = await vscode.window.showQuickPick(
    models.map((id) => ({ label: id, description: services.modelPrompts.get(id) ? 'bound system prompt' : undefined, picked: id === preselect })),
    { canPickMany: true, placeHolder: 'Choose 2–4 contestants (each answers with its bound system prompt, or none)' },
  );
  if (!picked || picked.length < 2 || picked.length > 4) return undefined;
  const samples = Number(
    await vscode.window.showInputBox({
      prompt: 'Samples per question (1–20)',
      value: '2',
      validateInput: (v) => (/^([1-9]|1\d|20)$/.test(v) ? undefined : '1–20'),
    }),
  );
  if (!samples) return undefined;
  const n = (questions?.length ?? 0) * picked.length * samples;
  const what = questions ? `${n} chat requests` : `${picked.length} × ${samples} requests per validation question`;
  const ok = await vscode.window.showWarningMessage(
    `This sends ${what} to ${services.profile().provider}, billed per input and output token at each model's price.`,
    { modal: true },
    'Run',
  );
  if (ok !== 'Run') return undefined;
  return { name, ...(questions ? { questions } : { fromValidation: true }), contestants: picked.map((p) => ({ model: p.label })), samples };
}

/** "Let a Judge Model Rate Evaluation…": both orders per pair, a confirmation first when called from the UI. */
async function judgeCommand(services: Services, args: { name?: string; model?: string } | undefined): Promise<{ rated: number; total: number } | undefined> {
  const dir = await pickEvaluation(args?.name);
  if (!dir) return undefined;
  const model = args?.model ?? (await vscode.window.showInputBox({ prompt: 'Judge model (any chat model of the current backend)', value: 'gpt-4.1-mini' }));
  if (!model) return undefined;
  if (!args) {
    const ok = await vscode.window.showWarningMessage(
      `The judge asks ${model} twice per pair (both orders), billed per input and output token at its price. Its verdicts are a model's opinion, kept apart from yours.`,
      { modal: true },
      'Judge',
    );
    if (ok !== 'Judge') return undefined;
  }
  const client = await services.client({ maxRetries: 3 });
  if (!client.ok) throw new Error(client.message);
  const { sdkComplete } = await import('../core/eval/complete.js');
  const { judgeEvaluation } = await import('./results.js');
  const stop = new AbortController();
  return await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Judge ${model} rating “${path.basename(dir)}”`, cancellable: true },
    (progress, token) => {
      token.onCancellationRequested(() => stop.abort());
      return judgeEvaluation(dir, {
        model,
        backend: services.profile().provider,
        complete: sdkComplete(() => client.client),
        signal: stop.signal,
        onPair: (done, total) => progress.report({ message: `${done}/${total} pairs`, increment: 100 / total }),
      });
    },
  );
}

/** A command whose errors are thrown back to a scripted caller (tests pass arguments) and shown to a person otherwise. */
function command<A>(id: string, run: (args: A | undefined) => Promise<unknown>): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (args?: A) => {
    try {
      return await run(args);
    } catch (e) {
      if (args) throw e;
      void vscode.window.showErrorMessage(`Socratune: ${(e as Error).message}`);
      return undefined;
    }
  });
}

async function exportEvaluation(args?: { name?: string; rater?: string; open?: boolean }): Promise<vscode.Uri | undefined> {
  const dir = await pickEvaluation(args?.name);
  if (!dir) return undefined;
  const file = await (await import('./results.js')).exportMarkdown(dir, args?.rater);
  if (args?.open !== false) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
  return vscode.Uri.file(file);
}

async function preferenceSet(services: Services, args?: { name?: string; system?: string; chatPicks?: boolean }) {
  const dir = await pickEvaluation(args?.name);
  if (!dir) return undefined;
  const chat = args?.chatPicks === false ? [] : ((await services.chatEntry.current?.conversations()) ?? []);
  const r = await (await import('./results.js')).buildPreferenceSet(dir, args?.system, chat);
  if (!args)
    void vscode.window.showInformationMessage(
      `Socratune: ${r.lines} preference pairs (${r.fromEvaluation} from your ratings, ${r.fromChat} from chat A/B picks) written to ${vscode.workspace.asRelativePath(r.file)} (DPO format).`,
    );
  return { uri: vscode.Uri.file(r.file), lines: r.lines, fromEvaluation: r.fromEvaluation, fromChat: r.fromChat };
}

async function addEvalWinners(services: Services, args?: { name?: string; datasetFolder?: string }) {
  const dir = await pickEvaluation(args?.name);
  if (!dir) return undefined;
  const { addWinners, winnersText } = await import('./results.js');
  const r = await addWinners(services.datasets, dir, args?.datasetFolder);
  if (!args) void vscode.window.showInformationMessage(`Socratune: ${winnersText(r)}`);
  return r;
}

export function registerEval(services: Services): EvalApi {
  const { context, log } = services;
  let panel: RatingPanel | undefined;
  const evaluate = async (args: EvaluateArgs) => (await import('./run.js')).evaluate(services, args);
  const rate = async (args?: { name?: string }): Promise<RatingPanel | undefined> => {
    const dir = await pickEvaluation(args?.name);
    if (!dir) return undefined;
    const { RatingPanel } = await import('./ratingPanel.js');
    panel?.dispose();
    const p = await RatingPanel.open(context.extensionUri, dir, log);
    panel = p;
    p.onDidDispose(() => panel === p && (panel = undefined));
    return p;
  };
  /** The palette's flow (and the trees', with their model pre-selected): pickers, run, then an offer to rate. */
  const fromUi = async (preselect?: string): Promise<EvaluateOutcome | undefined> => {
    const a = await askArgs(services, preselect);
    if (!a) return undefined;
    const out = await evaluate(a);
    if (!out.cancelled) {
      const { progressText } = await import('./run.js');
      const next = await vscode.window.showInformationMessage(`Evaluation “${a.name}”: ${progressText(out.progress)}.`, 'Rate Blind…');
      if (next) await rate({ name: a.name });
    }
    return out;
  };
  context.subscriptions.push(
    command('socratune.evaluateModels', (args?: EvaluateArgs) => (args ? evaluate(args) : fromUi())),
    services.evalEntry.provide({
      evaluateWith: (model) =>
        fromUi(model).catch((e: unknown) => {
          void vscode.window.showErrorMessage(`Socratune: ${(e as Error).message}`);
          return undefined;
        }),
    }),
    command('socratune.rateEvaluation', rate),
    command('socratune.exportEvaluation', exportEvaluation),
    command('socratune.showEvaluationResults', async (args?: { name?: string; rater?: string }) => {
      const dir = await pickEvaluation(args?.name);
      return dir ? (await import('./resultsPanel.js')).showResults(context.extensionUri, dir, args?.rater) : undefined;
    }),
    command('socratune.buildPreferenceSet', (args?: { name?: string; system?: string; chatPicks?: boolean }) => preferenceSet(services, args)),
    command('socratune.addEvalWinners', (args?: { name?: string; datasetFolder?: string }) => addEvalWinners(services, args)),
    command('socratune.judgeEvaluation', (args?: { name?: string; model?: string }) => judgeCommand(services, args)),
  );
  return { evaluate, panel: () => panel };
}
