import * as vscode from 'vscode';
import type { JobsApi } from '../jobs/register';
import type { Services } from '../platform/services';
import { registerModelChatCommands } from './commands/chat';
import { registerModelDeployCommand } from './commands/deploy';
import { registerModelEndpointCommands } from './commands/endpoints';
import { registerModelManageCommands } from './commands/manage';
import { ModelsController } from './controller';
import type { ModelsElement, ModelsTreeProvider } from './modelsTree';

export interface ModelsApi {
  readonly view: vscode.TreeView<ModelsElement>;
  readonly tree: ModelsTreeProvider;
}

/** Wiring only: the controller (src/models/controller.ts) holds the tree and its reloads. */
export function registerModels(s: Services, jobs: JobsApi): ModelsApi {
  const c = new ModelsController(s, jobs);
  s.context.subscriptions.push(
    c,
    ...registerModelChatCommands(c),
    ...registerModelManageCommands(c),
    ...registerModelEndpointCommands(c),
    registerModelDeployCommand(c),
  );
  return { view: c.view, tree: c.tree };
}
