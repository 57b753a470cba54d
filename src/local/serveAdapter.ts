/**
 * "Chat with This Adapter" on a finished local run: write the server's files (an Ollama Modelfile with FROM / ADAPTER /
 * SYSTEM / PARAMETER), run its commands as tasks the user sees (`ollama create`, or `mlx_lm.server --adapter-path`, or
 * `convert_lora_to_gguf.py` + `llama-server --lora`), then point chat at the local server's OpenAI-compatible API
 * (provider `openai-compatible`, its base URL), bind the run's system prompt to the model and open the chat with it.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeFileDurable } from '../core/fs/durable';
import { ServeError, servePlan, type LocalServer, type ServePlan } from '../core/local/serve';
import type { Services } from '../platform/services';
import { SECTION, effectiveTarget } from '../platform/settings';
import type { LocalRuns } from './runs';

export interface ChatWithAdapterArgs {
  server?: LocalServer;
  /** Ollama FROM (an Ollama library model or a Safetensors folder); asked when absent. */
  ollamaFrom?: string;
  /** llama.cpp: the base model's GGUF file; asked when absent. */
  baseGguf?: string;
  /** Where the server's OpenAI-compatible API answers, when not at its default port. */
  baseUrl?: string;
  /** Skip the confirmation that chat switches to the local server. */
  yes?: boolean;
}

const SERVERS: Array<vscode.QuickPickItem & { server: LocalServer }> = [
  { label: 'Ollama', detail: 'Write a Modelfile (base + adapter + bound prompt) and run ollama create', server: 'ollama' },
  { label: 'mlx_lm.server', detail: 'Mac: serve the base model with --adapter-path', server: 'mlx' },
  { label: 'llama-server', detail: 'llama.cpp: convert the adapter to GGUF, then serve it with --lora', server: 'llama' },
];

/** Run one command as a task in the run folder; resolves with its exit code (undefined if it was not waited for). */
async function runStep(dir: string, label: string, argv: string[], wait: boolean): Promise<number | undefined> {
  const task = new vscode.Task(
    { type: 'socratune-local', run: label },
    vscode.TaskScope.Workspace,
    label,
    'Socratune',
    new vscode.ProcessExecution(argv[0], argv.slice(1), { cwd: dir }),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated };
  const ref: { execution?: vscode.TaskExecution } = {};
  const ended = new Promise<number | undefined>((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution !== ref.execution) return;
      sub.dispose();
      resolve(e.exitCode);
    });
  });
  ref.execution = await vscode.tasks.executeTask(task);
  return wait ? ended : undefined;
}

async function askPlan(meta: NonNullable<Awaited<ReturnType<typeof readRun>>>, args: ChatWithAdapterArgs): Promise<ServePlan | undefined> {
  const server = args.server ?? (await vscode.window.showQuickPick(SERVERS, { title: `Chat with ${meta.name}: serve the adapter with…` }))?.server;
  if (!server) return undefined;
  const ollamaFrom =
    server === 'ollama'
      ? (args.ollamaFrom ??
        (await vscode.window.showInputBox({
          title: 'Ollama FROM',
          prompt: 'The base model as Ollama knows it (e.g. llama3.2:1b) or its Safetensors folder; it must be the model the adapter was trained on',
          value: meta.baseModel,
        })))
      : undefined;
  if (server === 'ollama' && !ollamaFrom) return undefined;
  const baseGguf =
    server === 'llama' ? (args.baseGguf ?? (await vscode.window.showInputBox({ title: 'llama-server: the base model as a GGUF file' }))) : undefined;
  if (server === 'llama' && !baseGguf) return undefined;
  return servePlan({
    server,
    runName: meta.name,
    baseModel: meta.baseModel,
    adapterDir: meta.adapterDir,
    ...(ollamaFrom ? { ollamaFrom } : {}),
    ...(baseGguf ? { baseGguf } : {}),
    ...(meta.systemPrompt ? { systemPrompt: meta.systemPrompt } : {}),
    ...(meta.maxSeqLength ? { maxSeqLength: meta.maxSeqLength } : {}),
  });
}

async function readRun(runs: LocalRuns, jobId: string) {
  const r = runs.runDir(jobId);
  if (!r) return undefined;
  const prompt = await readFile(path.join(r.dir, 'system_prompt.txt'), 'utf8').catch(() => undefined);
  const recipe = JSON.parse(await readFile(path.join(r.dir, 'recipe.json'), 'utf8').catch(() => '{}')) as { hyperparameters?: { maxSeqLength?: unknown } };
  const maxSeq = recipe.hyperparameters?.maxSeqLength;
  return {
    dir: r.dir,
    name: r.meta.name,
    baseModel: r.meta.baseModel ?? '',
    adapterDir: r.meta.adapterDir ?? 'adapters',
    systemPrompt: prompt ?? r.meta.systemPrompt ?? undefined,
    maxSeqLength: typeof maxSeq === 'number' ? maxSeq : undefined,
    dataset: r.meta.dataset ?? undefined,
  };
}

/** Serve a finished local run's adapter and open the chat with it. False when cancelled or refused (the user is told why). */
export async function chatWithAdapter(services: Services, runs: LocalRuns, jobId: string, args: ChatWithAdapterArgs = {}): Promise<boolean> {
  const run = await readRun(runs, jobId);
  if (!run || !run.baseModel) {
    void vscode.window.showWarningMessage(`${jobId}: its run folder or recipe.json (base model, adapter folder) is missing, so there is nothing to serve.`);
    return false;
  }
  let plan: ServePlan | undefined;
  try {
    plan = await askPlan(run, args);
  } catch (err) {
    if (!(err instanceof ServeError)) throw err;
    void vscode.window.showErrorMessage(err.message);
    return false;
  }
  if (!plan) return false;
  const baseUrl = args.baseUrl ?? plan.baseUrl;
  const go = 'Serve and Chat';
  const ok =
    args.yes ||
    (await vscode.window.showInformationMessage(
      `Chat with ${plan.model} at ${baseUrl}: Socratune runs ${plan.steps.map((s) => s.argv[0]).join(', then ')} in a terminal and switches its backend to that OpenAI-compatible server (switch back in settings: socratune.provider).`,
      { modal: true },
      go,
    )) === go;
  if (!ok) return false;
  for (const f of plan.files) await writeFileDurable(path.join(run.dir, f.name), f.content);
  for (const step of plan.steps) {
    const code = await runStep(run.dir, `${step.argv[0]} ${run.name}`, step.argv, step.wait);
    services.log.info(`Serve ${run.name}: ${step.display}${step.wait ? ` → exit ${String(code)}` : ' (started)'}`);
    if (step.wait && code !== 0) {
      void vscode.window.showErrorMessage(`${step.display} exited with ${String(code)}: see its terminal. Chat was not switched.`);
      return false;
    }
  }
  await selectInChat(services, plan.model, baseUrl, run);
  return true;
}

async function selectInChat(services: Services, model: string, baseUrl: string, run: { systemPrompt?: string; dataset?: string }): Promise<void> {
  const c = vscode.workspace.getConfiguration(SECTION);
  await c.update('provider', 'openai-compatible', effectiveTarget('provider'));
  await c.update('baseUrl', baseUrl, effectiveTarget('baseUrl'));
  if (run.systemPrompt)
    await services.modelPrompts.set(model, { systemPrompt: run.systemPrompt, source: 'job', ...(run.dataset ? { datasetName: run.dataset } : {}) });
  const entry = services.chatEntry.current;
  if (entry) await entry.chatWith(model);
  else await c.update('chat.defaultModel', model, vscode.ConfigurationTarget.Global);
}
