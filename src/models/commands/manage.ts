import * as vscode from 'vscode';
import { BackendError } from '../../core/backends';
import { deploymentNameError } from '../../core/backends/azure';
import { AZURE_DEPLOYMENTS_SETTING, azureDeployments } from '../../jobs/backendHost';
import { showBackendError } from '../../jobs/errorActions';
import { SECTION } from '../../platform/settings';
import { ModelCommands } from '../commandIds';
import { ModelArg, ModelsController, modelIdOf, opt } from '../controller';

/** Commands that change a model or what is known about it: delete, bound system prompt, Azure deployment. */
export function registerModelManageCommands(c: ModelsController): vscode.Disposable[] {
  const { log, modelPrompts } = c.s;
  return [
    vscode.commands.registerCommand(ModelCommands.delete, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      const b = await c.requireBackend();
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
        await c.reload();
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
  ];
}
