import * as vscode from 'vscode';

/**
 * What activation registers before any capability's code is loaded (src/extension.ts), handed to the capabilities
 * when they load (src/capabilities.ts): the views VS Code already knows about are backed by the capability's
 * provider from then on. Keep this file small: it is part of what activation evaluates (see docs/performance.md).
 */
export interface LazyHost {
  /** The "Socratune" log channel, created at activation so the activation line has somewhere to go. */
  readonly logChannel: vscode.LogOutputChannel;
  /** The contributed tree view `id`, created at activation, now backed by `provider`. */
  treeView<T>(id: string, provider: vscode.TreeDataProvider<T>): vscode.TreeView<T>;
  /** The contributed webview view `id` is resolved by `provider` from now on. */
  webviewView(id: string, provider: vscode.WebviewViewProvider): vscode.Disposable;
  /** Webview panels of `viewType` restored after a reload are deserialized by `serializer` from now on. */
  panelSerializer(viewType: string, serializer: vscode.WebviewPanelSerializer): vscode.Disposable;
}

type Load = () => Promise<unknown>;

/** A tree provider that loads the capabilities on the first `getChildren`, then delegates to the real provider. */
class DelegatingTree<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private target: vscode.TreeDataProvider<T> | undefined;
  private forwarding: vscode.Disposable | undefined;
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly load: Load) {}

  bind(target: vscode.TreeDataProvider<T>): void {
    this.forwarding?.dispose();
    this.target = target;
    this.forwarding = target.onDidChangeTreeData?.((e) => this.changed.fire(e));
    this.changed.fire();
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    if (!this.target) throw new Error('Socratune: a tree item was asked for before its view was loaded');
    return this.target.getTreeItem(element);
  }

  async getChildren(element?: T): Promise<T[]> {
    if (!this.target) await this.load();
    return (await this.target?.getChildren(element)) ?? [];
  }

  getParent(element: T): vscode.ProviderResult<T> {
    return this.target?.getParent?.(element);
  }

  resolveTreeItem(item: vscode.TreeItem, element: T, token: vscode.CancellationToken): vscode.ProviderResult<vscode.TreeItem> {
    return this.target?.resolveTreeItem ? this.target.resolveTreeItem(item, element, token) : item;
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.changed.dispose();
  }
}

interface Contributions {
  commands: string[];
  trees: string[];
  webviewViews: string[];
  panels: string[];
}

/** What package.json contributes that must answer before the capabilities load. */
function contributions(packageJSON: unknown): Contributions {
  const pkg = packageJSON as {
    activationEvents?: string[];
    contributes?: { commands?: { command: string }[]; views?: Record<string, { id: string; type?: string }[]> };
  };
  const events = pkg.activationEvents ?? [];
  const fromEvents = (prefix: string): string[] => events.filter((e) => e.startsWith(prefix)).map((e) => e.slice(prefix.length));
  const views = Object.values(pkg.contributes?.views ?? {}).flat();
  return {
    commands: [...new Set([...(pkg.contributes?.commands ?? []).map((c) => c.command), ...fromEvents('onCommand:')])],
    trees: views.filter((v) => v.type !== 'webview').map((v) => v.id),
    webviewViews: views.filter((v) => v.type === 'webview').map((v) => v.id),
    panels: fromEvents('onWebviewPanel:'),
  };
}

/**
 * Registers every contribution with a handler that loads the capabilities first (`load`), and returns the host the
 * capabilities bind their real handlers to. A command run before the capabilities loaded is run again once they have
 * registered it: its stub is disposed right before `load` registers the real one.
 */
export function registerLazyContributions(
  context: vscode.ExtensionContext,
  logChannel: vscode.LogOutputChannel,
  load: Load,
): LazyHost & { disposeCommandStubs(): void } {
  const c = contributions(context.extension.packageJSON);
  const stubs = c.commands.map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      await load();
      return vscode.commands.executeCommand(id, ...args);
    }),
  );
  const trees = new Map<string, { provider: DelegatingTree<unknown>; view: vscode.TreeView<unknown> }>();
  for (const id of c.trees) {
    const provider = new DelegatingTree<unknown>(load);
    const view = vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: true });
    trees.set(id, { provider, view });
    context.subscriptions.push(provider, view);
  }
  const webviewViews = new Map<string, vscode.WebviewViewProvider>();
  for (const id of c.webviewViews) {
    const resolveWebviewView = async (view: vscode.WebviewView, ctx: vscode.WebviewViewResolveContext, token: vscode.CancellationToken): Promise<void> => {
      if (!webviewViews.has(id)) await load();
      await webviewViews.get(id)?.resolveWebviewView(view, ctx, token);
    };
    context.subscriptions.push(vscode.window.registerWebviewViewProvider(id, { resolveWebviewView }, { webviewOptions: { retainContextWhenHidden: false } }));
  }
  const serializers = new Map<string, vscode.WebviewPanelSerializer>();
  for (const viewType of c.panels) {
    const deserializeWebviewPanel = async (panel: vscode.WebviewPanel, state: unknown): Promise<void> => {
      if (!serializers.has(viewType)) await load();
      const serializer = serializers.get(viewType);
      // A panel nobody can restore is closed rather than left blank.
      if (serializer) await serializer.deserializeWebviewPanel(panel, state);
      else panel.dispose();
    };
    context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(viewType, { deserializeWebviewPanel }));
  }
  const bindTo = <V>(map: Map<string, V>, key: string, value: V, what: string): vscode.Disposable => {
    if (!c[what === 'webview view' ? 'webviewViews' : 'panels'].includes(key)) throw new Error(`Socratune: ${what} ${key} is not contributed in package.json`);
    map.set(key, value);
    return new vscode.Disposable(() => {
      if (map.get(key) === value) map.delete(key);
    });
  };
  return {
    logChannel,
    treeView<T>(id: string, provider: vscode.TreeDataProvider<T>): vscode.TreeView<T> {
      const tree = trees.get(id);
      if (!tree) throw new Error(`Socratune: tree view ${id} is not contributed in package.json`);
      (tree.provider as DelegatingTree<T>).bind(provider);
      return tree.view as vscode.TreeView<T>;
    },
    webviewView: (id, provider) => bindTo(webviewViews, id, provider, 'webview view'),
    panelSerializer: (viewType, serializer) => bindTo(serializers, viewType, serializer, 'webview panel'),
    disposeCommandStubs: () => {
      for (const s of stubs.splice(0)) s.dispose();
    },
  };
}
