import * as vscode from 'vscode';
import { Views } from '../constants';
import { Services } from '../platform/services';

/** Fine-tune Jobs tree. Empty until a backend lists jobs; the viewsWelcome then shows the next step. */
export class JobsTreeProvider implements vscode.TreeDataProvider<vscode.TreeItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.TreeItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  getTreeItem(item: vscode.TreeItem): vscode.TreeItem {
    return item;
  }
  getChildren(): vscode.TreeItem[] {
    return [];
  }
  refresh(): void {
    this.changed.fire(undefined);
  }
  dispose(): void {
    this.changed.dispose();
  }
}

export function registerJobs(s: Services): vscode.TreeView<vscode.TreeItem> {
  const provider = new JobsTreeProvider();
  const view = vscode.window.createTreeView(Views.jobs, { treeDataProvider: provider, showCollapseAll: true });
  s.context.subscriptions.push(provider, view);
  return view;
}
