import * as vscode from 'vscode';
import { BackendError } from '../../core/backends';
import { showBackendError } from '../../jobs/errorActions';
import { ModelCommands } from '../commandIds';
import { ModelArg, ModelsController, modelIdOf } from '../controller';

/**
 * "Deploy Model…": makes a fine-tune answer on a backend that serves fine-tunes only once deployed (Fireworks). The
 * backend asks its question (which states the price unit) through a modal here before creating anything billed;
 * `{ modelId, confirm: false }` from automation and tests skips the modal, as for Delete Model.
 */
export function registerModelDeployCommand(c: ModelsController): vscode.Disposable {
  return vscode.commands.registerCommand(ModelCommands.deploy, async (arg: ModelArg) => {
    const id = modelIdOf(arg);
    const b = await c.requireBackend();
    if (!id || !b) return undefined;
    if (!b.deploy) {
      void vscode.window.showInformationMessage(`${b.label} has no deploy step in Socratune: ${id} answers as it is, or is deployed in the provider’s portal.`);
      return undefined;
    }
    const ask = !(arg && !('kind' in arg) && arg.confirm === false);
    const create = 'Create Deployment';
    const confirm = async (question: string) => !ask || (await vscode.window.showWarningMessage(question, { modal: true }, create)) === create;
    try {
      const r = await b.deploy(id, confirm);
      if (r.status === 'declined') return r;
      c.s.log.info(`${b.label}: ${r.status === 'created' ? 'created' : 'found'} deployment ${r.deployment} for ${id} (${r.state}).`);
      void vscode.window.showInformationMessage(
        `${r.status === 'created' ? 'Created' : 'Already serving:'} ${r.deployment} (${r.state || 'starting'}). Chat with ${id} once it is READY.`,
      );
      await c.reload();
      return r;
    } catch (err) {
      if (err instanceof BackendError) void showBackendError(err.info, `Could not deploy ${id}. `);
      return undefined;
    }
  });
}
