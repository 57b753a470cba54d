import * as vscode from 'vscode';
import { chatWith, compareModels, copyModelId, evaluateModel, setDefaultChatModel } from '../actions';
import { ModelCommands } from '../commandIds';
import { ModelArg, ModelsController, modelIdOf, opt } from '../controller';

/** Commands that use a model: chat with it, compare it, copy its ID, make it the default chat model. */
export function registerModelChatCommands(c: ModelsController): vscode.Disposable[] {
  const chat = c.s.chatEntry;
  return [
    vscode.commands.registerCommand(ModelCommands.refresh, () => c.reload()),
    vscode.commands.registerCommand(ModelCommands.chatWith, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      const b = await c.requireBackend();
      return id && b ? chatWith(chat, b, id) : false;
    }),
    vscode.commands.registerCommand(ModelCommands.compareWithBase, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      const b = await c.requireBackend();
      return id && b ? compareModels(chat, b, id, c.tree.baseOf(id)) : false;
    }),
    vscode.commands.registerCommand(ModelCommands.compare, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      const b = await c.requireBackend();
      if (!id || !b) return false;
      let other = opt(arg, 'other');
      if (!other) {
        const base = c.tree.baseOf(id);
        const others = c.tree.fineTuned.filter((m) => m.id !== id).map((m) => ({ label: m.id, description: 'fine-tuned' }));
        const pick = await vscode.window.showQuickPick([{ label: base, description: 'base model' }, ...others], { title: `Compare ${id} with…` });
        other = pick?.label;
      }
      return other ? compareModels(chat, b, id, other) : false;
    }),
    vscode.commands.registerCommand(ModelCommands.evaluate, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      const b = await c.requireBackend();
      return id && b ? evaluateModel(c.s.evalEntry, b, id) : false;
    }),
    vscode.commands.registerCommand(ModelCommands.copyId, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      if (id) await copyModelId(id);
    }),
    vscode.commands.registerCommand(ModelCommands.setDefault, async (arg: ModelArg) => {
      const id = modelIdOf(arg);
      const b = await c.requireBackend();
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
  ];
}
