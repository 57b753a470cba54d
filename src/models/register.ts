import * as vscode from 'vscode';
import { Views } from '../constants';
import { BackendError } from '../core/backends';
import { deploymentNameError } from '../core/backends/azure';
import type { FineTuneBackend } from '../core/backends/types';
import { showBackendError } from '../jobs/errorActions';
import { AZURE_DEPLOYMENTS_SETTING, azureDeployments } from '../jobs/backendHost';
import type { JobsApi } from '../jobs/register';
import type { Services } from '../platform/services';
import { SECTION } from '../platform/settings';
import { chatWith, compareModels, copyModelId, setDefaultChatModel } from './actions';
import { ModelCommands } from './commandIds';
import { ModelsElement, ModelsTreeProvider } from './modelsTree';

export interface ModelsApi {
  readonly view: vscode.TreeView<ModelsElement>;
  readonly tree: ModelsTreeProvider;
}

type ModelArg = ModelsElement | { modelId?: string; systemPrompt?: string; deployment?: string; confirm?: boolean; other?: string } | undefined;

function modelIdOf(arg: ModelArg): string | undefined {
  if (!arg) return undefined;
  if ('kind' in arg) return arg.kind === 'model' ? arg.id : arg.kind === 'prompt' ? arg.modelId : undefined;
  return typeof arg.modelId === 'string' ? arg.modelId : undefined;
}

function opt<K extends 'systemPrompt' | 'deployment' | 'other'>(arg: ModelArg, key: K): string | undefined {
  if (!arg || 'kind' in arg) return undefined;
  const v = arg[key];
  return typeof v === 'string' ? v : undefined;
}

export function registerModels(s: Services, jobs: JobsApi): ModelsApi {
  const { context, log, modelPrompts } = s;
  const tree = new ModelsTreeProvider(() => jobs.backendHost.resolve(), jobs.store, modelPrompts);
  const view = vscode.window.createTreeView(Views.models, { treeDataProvider: tree, showCollapseAll: true });

  const requireBackend = async (): Promise<FineTuneBackend | undefined> => {
    const r = await jobs.backendHost.resolve();
    if (r.ok) return r.backend;
    void showBackendError(r.error);
    return undefined;
  };

  /** Bind prompts of models whose job is known (jobs started elsewhere get theirs via metadata hashes). */
  const bindKnown = async () => {
    for (const m of tree.fineTuned) {
      if (modelPrompts.get(m.id)) continue;
      const job = jobs.store.jobs.find((j) => j.fineTunedModel === m.id);
      if (job) await jobs.prompts.bindJob(job, jobs.store.detailsOf(job.id).checkpoints);
    }
  };
  const reload = async () => {
    await tree.load();
    await bindKnown();
  };
  /** From events (no command caller to report to): a failure is logged, never an unhandled rejection. */
  const reloadInBackground = () =>
    void reload().catch((err: unknown) => log.warn(`Models: reload failed: ${err instanceof Error ? err.message : String(err)}`));

  const transitions = jobs.store.onDidTransition(({ job }) => {
    if (job.status === 'succeeded' && tree.loaded) reloadInBackground();
  });

  context.subscriptions.push(
    tree,
    view,
    { dispose: () => transitions.dispose() },
    jobs.backendHost.onDidChange(() => tree.reset()),
    view.onDidChangeVisibility((e) => {
      if (e.visible && !tree.loaded) reloadInBackground();
    }),
    vscode.commands.registerCommand(ModelCommands.refresh, reload),
    vscode.commands.registerCommand(ModelCommands.chatWith, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      const b = await requireBackend();
      return id && b ? chatWith(b, id) : false;
    }),
    vscode.commands.registerCommand(ModelCommands.compareWithBase, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      const b = await requireBackend();
      return id && b ? compareModels(b, id, tree.baseOf(id)) : false;
    }),
    vscode.commands.registerCommand(ModelCommands.compare, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      const b = await requireBackend();
      if (!id || !b) return false;
      let other = opt(arg, 'other');
      if (!other) {
        const base = tree.baseOf(id);
        const pick = await vscode.window.showQuickPick(
          [{ label: base, description: 'base model' }, ...tree.fineTuned.filter((m) => m.id !== id).map((m) => ({ label: m.id, description: 'fine-tuned' }))],
          { title: `Compare ${id} with…` },
        );
        other = pick?.label;
      }
      return other ? compareModels(b, id, other) : false;
    }),
    vscode.commands.registerCommand(ModelCommands.copyId, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      if (id) await copyModelId(id);
    }),
    vscode.commands.registerCommand(ModelCommands.setDefault, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      const b = await requireBackend();
      if (!id || !b) return false;
      const target = b.chatTarget(id);
      if (!target.ok) {
        void vscode.window.showWarningMessage(target.message);
        return false;
      }
      await setDefaultChatModel(target.model);
      void vscode.window.showInformationMessage(`Socratune chat now uses ${target.model} by default.`);
      return true;
    }),
    vscode.commands.registerCommand(ModelCommands.delete, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      const b = await requireBackend();
      if (!id || !b) return false;
      if (!b.capabilities.deleteModels) {
        void vscode.window.showInformationMessage(`${b.label} fine-tunes are deleted in the provider's portal, not through this API.`);
        return false;
      }
      const skipConfirm = arg && !('kind' in arg) && arg.confirm === false;
      if (!skipConfirm) {
        const del = 'Delete Model';
        const c = await vscode.window.showWarningMessage(
          `Delete ${id}?`,
          { modal: true, detail: 'The model and its answers are gone for good; its training data and job history stay. This cannot be undone.' },
          del,
        );
        if (c !== del) return false;
      }
      try {
        await b.deleteModel(id);
        log.info(`Deleted fine-tuned model ${id}.`);
        await reload();
        return true;
      } catch (err) {
        if (err instanceof BackendError) void showBackendError(err.info, `Could not delete ${id}. `);
        return false;
      }
    }),
    vscode.commands.registerCommand(ModelCommands.setBoundPrompt, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      if (!id) return false;
      const current = modelPrompts.get(id);
      const value =
        opt(arg, 'systemPrompt') ??
        (await vscode.window.showInputBox({
          title: `System prompt bound to ${id}`,
          prompt: 'Chat sends this as the system message to this model (use the prompt it was trained with). Empty removes the binding.',
          value: current?.systemPrompt ?? '',
          ignoreFocusOut: true,
        }));
      if (value === undefined) return false;
      await modelPrompts.set(id, value === '' ? undefined : { systemPrompt: value, source: 'user', datasetName: current?.datasetName });
      return true;
    }),
    vscode.commands.registerCommand(ModelCommands.setAzureDeployment, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      if (!id) return false;
      const map = azureDeployments();
      const value =
        opt(arg, 'deployment') ??
        (await vscode.window.showInputBox({
          title: `Azure deployment serving ${id}`,
          prompt:
            'Azure chat requests name a deployment, not the model. Deploy the model in the Azure portal (or with `az cognitiveservices account deployment create`), then enter the deployment name. Empty removes the mapping.',
          value: map[id] ?? '',
          ignoreFocusOut: true,
          validateInput: deploymentNameError,
        }));
      if (value === undefined) return false;
      // The input box checks as you type; a name given as an argument gets the same check.
      const invalid = deploymentNameError(value);
      if (invalid) {
        void vscode.window.showWarningMessage(`"${value.trim().slice(0, 80)}" is not a valid Azure deployment name for ${id}: ${invalid} Nothing was changed.`);
        return false;
      }
      const next = { ...map };
      if (value.trim()) next[id] = value.trim();
      else delete next[id];
      await vscode.workspace.getConfiguration(SECTION).update(AZURE_DEPLOYMENTS_SETTING, next, vscode.ConfigurationTarget.Global);
      // Chat looks prompts up by the name it sends: the deployment.
      const bound = modelPrompts.get(id);
      if (bound && value.trim()) await modelPrompts.set(value.trim(), bound);
      return true;
    }),
  );
  return { view, tree };
}
