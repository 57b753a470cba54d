import * as vscode from 'vscode';
import { Views } from '../constants';
import { Services } from '../platform/services';

/** Models tree: fine-tuned models and checkpoints, grouped by base model. */
export class ModelsTreeProvider implements vscode.TreeDataProvider<vscode.TreeItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.TreeItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  getTreeItem(item: vscode.TreeItem): vscode.TreeItem {
    return item;
  }
  getChildren(): vscode.TreeItem[] {
    return [];
  }
  dispose(): void {
    this.changed.dispose();
  }
}

export function registerModels(s: Services): vscode.TreeView<vscode.TreeItem> {
  const provider = new ModelsTreeProvider();
  const view = vscode.window.createTreeView(Views.models, { treeDataProvider: provider });
  s.context.subscriptions.push(provider, view);
  return view;
}
