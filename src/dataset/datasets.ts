import * as path from 'node:path';
import { datasetFolders } from '../core/dataset/repository';
import * as vscode from 'vscode';
import { checkDatasetName } from '../core/dataset/settings';
import { DatasetStore } from '../core/dataset/store';
import { DatasetFormat, FILES } from '../core/dataset/types';
import { DatasetCommands } from './commandIds';
import { quarantine } from './quarantine';
import { DatasetListing, DatasetService, messageOf } from './service';

export interface CreateDatasetArgs {
  name: string;
  format?: DatasetFormat;
  systemPrompt?: string;
  /** Workspace folder (fsPath or Uri string) to create it in; default: the first one. */
  folder?: string;
}

type DatasetItem = vscode.QuickPickItem & { uri?: vscode.Uri; action?: 'create' | 'folder' };

/** One line about a dataset for the picker: counts and settings, read without opening or validating it. */
async function describeDataset(dir: string): Promise<string> {
  const { settings, counts } = await DatasetStore.peek(dir);
  const prompt = settings.systemPrompt ? ` · system prompt: “${settings.systemPrompt.slice(0, 60)}”` : ' · no system prompt';
  return `${counts.train} training${counts.validation ? ` + ${counts.validation} validation` : ''} examples · ${settings.format}${prompt}`;
}

/** The open dataset picker (test handle): its quick pick, when every detail line is filled, and what was picked. */
export interface DatasetPicker {
  readonly quickPick: vscode.QuickPick<DatasetItem>;
  readonly described: Promise<void>;
  readonly picked: Promise<DatasetItem | undefined>;
}

/**
 * Shows every dataset at once (names and folders are known from the listing); each detail line says "counting…"
 * until `describe` has read that dataset, so the picker never waits for the slowest folder.
 */
export function openDatasetPicker(all: readonly DatasetListing[], active: string | undefined, describe = describeDataset): DatasetPicker {
  const qp = vscode.window.createQuickPick<DatasetItem>();
  qp.title = 'Socratune: active dataset';
  qp.placeholder = all.length ? 'Choose the dataset new examples go to' : 'No dataset yet — create one';
  qp.matchOnDescription = true;
  const rows: DatasetItem[] = all.map((d) => ({
    label: `${d.uri.fsPath === active ? '$(check) ' : ''}${d.name}`,
    description: vscode.workspace.asRelativePath(d.uri),
    detail: '$(loading~spin) counting examples…',
    uri: d.uri,
  }));
  const actions: DatasetItem[] = [
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(add) Create New Dataset…', action: 'create' },
    { label: '$(folder-opened) Use Another Folder…', detail: 'Any folder with a train.jsonl', action: 'folder' },
  ];
  let open = true;
  const refresh = () => {
    if (!open) return;
    const current = qp.activeItems[0];
    qp.items = [...rows, ...actions];
    if (current) qp.activeItems = [current];
  };
  refresh();
  qp.busy = rows.length > 0;
  const picked = new Promise<DatasetItem | undefined>((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0] ?? qp.activeItems[0]);
      qp.hide();
    });
    qp.onDidHide(() => {
      open = false;
      resolve(undefined);
      qp.dispose();
    });
  });
  qp.show();
  const described = Promise.all(
    rows.map(async (row, i) => {
      row.detail = await describe(all[i].uri.fsPath).catch((err: unknown) => `$(warning) ${messageOf(err)}`);
      refresh();
    }),
  ).then(() => {
    if (open) qp.busy = false;
  });
  return { quickPick: qp, described, picked };
}

/** Choose / create / switch the active dataset. Returns the chosen folder Uri. */
async function selectDataset(svc: DatasetService): Promise<vscode.Uri | undefined> {
  const pick = await openDatasetPicker(await svc.list(), svc.s.activeDataset.uri?.fsPath).picked;
  if (!pick) return undefined;
  if (pick.action === 'create') return createDataset(svc);
  if (pick.action === 'folder') {
    const dirs = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      openLabel: 'Use as Dataset',
      title: 'Folder with a train.jsonl',
    });
    if (!dirs?.[0]) return undefined;
    try {
      await svc.openAt(dirs[0]);
    } catch (err) {
      void vscode.window.showErrorMessage(`Socratune: ${messageOf(err)}`);
      return undefined;
    }
    await svc.s.activeDataset.set(dirs[0]);
    return dirs[0];
  }
  if (pick.uri) {
    await svc.s.activeDataset.set(pick.uri);
    void vscode.window.setStatusBarMessage(`Socratune: active dataset is “${path.basename(pick.uri.fsPath)}”`, 4000);
  }
  return pick.uri;
}

/** "Create Dataset…": name, format, optional training system prompt. */
async function createDataset(svc: DatasetService, args?: CreateDatasetArgs): Promise<vscode.Uri | undefined> {
  const roots = svc.roots();
  if (!roots.length) {
    void vscode.window.showErrorMessage('Socratune: open a folder first (File > Open Folder…): datasets live in the workspace.');
    return undefined;
  }
  let root = roots[0];
  if (args?.folder) root = roots.find((r) => r.folder.uri.fsPath === args.folder || r.folder.uri.toString() === args.folder) ?? root;
  else if (!args && roots.length > 1) {
    const f = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder for the new dataset' });
    if (!f) return undefined;
    root = roots.find((r) => r.folder === f) ?? root;
  }
  const existing = new Set((await datasetFolders(root.dir)).map((d) => d.name.toLowerCase()));
  const name =
    args?.name ??
    (await vscode.window.showInputBox({
      title: 'Socratune: new dataset (1/3)',
      prompt: `A folder under ${vscode.workspace.asRelativePath(root.dir)}`,
      value: existing.has('journal') ? '' : 'journal',
      validateInput: (v) => checkDatasetName(v) ?? (existing.has(v.trim().toLowerCase()) ? 'A dataset with this name exists.' : undefined),
    }));
  if (!name) return undefined;
  let format = args?.format;
  if (!format && !args) {
    const f = await vscode.window.showQuickPick(
      [
        { label: 'Markdown', description: 'keep the journal’s markdown (recommended)', format: 'markdown' as const },
        { label: 'Plain text', description: 'strip markup; for models that should not write markdown', format: 'plain' as const },
      ],
      { title: 'Socratune: new dataset (2/3) — how passages are stored' },
    );
    if (!f) return undefined;
    format = f.format;
  }
  let systemPrompt = args?.systemPrompt;
  if (systemPrompt === undefined && !args) {
    const sp = await vscode.window.showInputBox({
      title: 'Socratune: new dataset (3/3) — training system prompt (optional)',
      prompt: 'Written as the system message of every example, and used in chat with models trained on it. Leave empty for none — a legitimate choice.',
      placeHolder: 'e.g. Answer as me, in my voice, from my journal.',
    });
    if (sp === undefined) return undefined;
    systemPrompt = sp.trim() || undefined;
  }
  try {
    const ds = await svc.create(name.trim(), root.dir, { format: format ?? 'markdown', systemPrompt });
    if (!args) void vscode.window.showInformationMessage(`Socratune: created “${ds.store.name}” — it is now the active dataset.`);
    return ds.uri;
  } catch (err) {
    if (args) throw err;
    void vscode.window.showErrorMessage(`Socratune: ${messageOf(err)}`);
    return undefined;
  }
}

/** "Set Training System Prompt…": stored in dataset.json, optionally applied to existing examples. */
async function setSystemPrompt(
  svc: DatasetService,
  args?: { prompt: string | null; rewrite?: boolean },
): Promise<{ updated: number; keptCustom: number } | undefined> {
  const ds = await svc.ensureActive(!args);
  if (!ds) return undefined;
  const current = ds.store.settings.systemPrompt;
  let next: string | undefined;
  if (args) next = args.prompt?.trim() || undefined;
  else {
    const v = await vscode.window.showInputBox({
      title: `Socratune: training system prompt of “${ds.store.name}”`,
      prompt: 'The system message of every example in this dataset, recorded with each job trained on it and applied in chat. Empty = no system prompt.',
      value: current ?? '',
      placeHolder: 'e.g. Answer as me, in my voice, from my journal.',
      ignoreFocusOut: true,
    });
    if (v === undefined) return undefined;
    next = v.trim() || undefined;
  }
  if (next === current) {
    if (!args) void vscode.window.showInformationMessage('Socratune: the system prompt is unchanged.');
    return { updated: 0, keptCustom: 0 };
  }
  let rewrite = args?.rewrite ?? true;
  const count = ds.catalog.size;
  if (!args && count > 0) {
    const c = await vscode.window.showWarningMessage(
      `Apply the new system prompt to the ${count} existing example(s) of “${ds.store.name}” too?`,
      {
        modal: true,
        detail:
          'Examples with their own, different system message are left alone. Without updating, old and new examples would disagree — a train/infer mismatch.',
      },
      'Update All',
      'Only New Examples',
    );
    if (!c) return undefined;
    rewrite = c === 'Update All';
  }
  try {
    if (rewrite) svc.assertNoUnsavedEdits(ds);
    const r = await ds.store.setSystemPrompt(next, rewrite);
    svc.invalidate(ds.uri);
    if (!args) {
      void vscode.window.showInformationMessage(
        `Socratune: ${next ? 'system prompt set' : 'system prompt removed'} for “${ds.store.name}”${rewrite ? ` — ${r.updated} example(s) updated${r.keptCustom ? `, ${r.keptCustom} with their own system message left alone` : ''}` : ''}.`,
      );
    }
    return r;
  } catch (err) {
    if (args) throw err;
    void vscode.window.showErrorMessage(`Socratune: ${messageOf(err)}`);
    return undefined;
  }
}

/** Tell the user about corrupt lines once per dataset and session (never dropped; quarantine on request). */
export async function reportProblems(svc: DatasetService, uri: vscode.Uri, shown: Set<string>): Promise<void> {
  if (shown.has(uri.fsPath)) return;
  let issues;
  try {
    // Also warms the catalog, so the first add of the session does not wait for it.
    issues = (await svc.openAt(uri)).issues;
  } catch {
    return;
  }
  const bad = issues.filter((i) => i.split === 'train' || i.split === 'validation');
  if (!bad.length) return;
  shown.add(uri.fsPath);
  svc.s.log.warn(`Dataset ${uri.fsPath}: ${bad.map((i) => i.message).join('; ')}`);
  const lines = bad
    .slice(0, 5)
    .map((i) => `${i.split === 'train' ? FILES.train : FILES.validation}:${i.line}`)
    .join(', ');
  const choice = await vscode.window.showWarningMessage(
    `Socratune: ${bad.length} line(s) of “${path.basename(uri.fsPath)}” are not valid examples (${lines}${bad.length > 5 ? ', …' : ''}). They are kept as they are; fix them by hand or move them to quarantine.jsonl.`,
    'Show First',
    'Move to Quarantine',
  );
  if (choice === 'Show First') {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(uri, bad[0].split === 'validation' ? FILES.validation : FILES.train));
    const ed = await vscode.window.showTextDocument(doc);
    const r = doc.lineAt(Math.min(bad[0].line - 1, doc.lineCount - 1)).range;
    ed.selection = new vscode.Selection(r.start, r.end);
    ed.revealRange(r);
  } else if (choice === 'Move to Quarantine') {
    try {
      await quarantine(svc); // says what moved where, with Undo
    } catch (err) {
      void vscode.window.showErrorMessage(`Socratune: ${messageOf(err)}`);
    }
  }
}

export function register(svc: DatasetService): void {
  const shown = new Set<string>();
  svc.s.context.subscriptions.push(
    vscode.commands.registerCommand(DatasetCommands.selectDataset, () => selectDataset(svc)),
    vscode.commands.registerCommand(DatasetCommands.createDataset, (args?: CreateDatasetArgs) =>
      createDataset(svc, args && typeof args === 'object' && 'name' in args ? args : undefined),
    ),
    vscode.commands.registerCommand(DatasetCommands.setSystemPrompt, (args?: { prompt: string | null; rewrite?: boolean }) =>
      setSystemPrompt(svc, args && typeof args === 'object' && 'prompt' in args ? args : undefined),
    ),
    vscode.commands.registerCommand(DatasetCommands.quarantineLines, (args?: { split?: 'train' | 'validation'; lines?: number[] }) => quarantine(svc, args)),
    svc.s.activeDataset.onDidChange((u) => u && void reportProblems(svc, u, shown)),
  );
  const active = svc.s.activeDataset.uri;
  if (active) {
    // After start-up has settled: warm the catalog; corrupt lines are reported once, never dropped.
    const t = setTimeout(() => void reportProblems(svc, active, shown), 2000);
    svc.s.context.subscriptions.push({ dispose: () => clearTimeout(t) });
  }
}
