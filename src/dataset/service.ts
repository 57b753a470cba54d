import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClientResult } from '../core/config/client';
import { DatasetCatalog } from '../core/dataset/catalog';
import { DatasetError } from '../core/dataset/fsutil';
import { checkDatasetName } from '../core/dataset/settings';
import { AddedExample, DatasetStore, LoadIssue, NewExample, RemoveResult } from '../core/dataset/store';
import { DatasetRepository, datasetFolders, datasetsDir } from '../core/dataset/repository';
import { DatasetSettings, FILES } from '../core/dataset/types';
import { Services } from '../platform/services';
import { SECTION } from '../platform/settings';
import { DatasetSettingKeys } from './commandIds';

export interface OpenDataset {
  readonly uri: vscode.Uri;
  readonly store: DatasetStore;
  readonly catalog: DatasetCatalog;
  /** Problem lines found when the catalog was built (corrupt, torn, non-UTF-8, non-chat). */
  readonly issues: readonly LoadIssue[];
}

export interface DatasetListing {
  name: string;
  uri: vscode.Uri;
  folder?: vscode.WorkspaceFolder;
}

/** Thrown for problems the user must see as-is (a message, no stack). */
export class UserError extends Error {}

export function messageOf(err: unknown): string {
  return err instanceof DatasetError || err instanceof UserError ? err.message : err instanceof Error ? err.message : String(err);
}

export function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/** `socratune.dataset.folder` (empty: the default `.socratune/datasets`). */
export function datasetFolderSetting(): string | undefined {
  return config().get<string>(DatasetSettingKeys.folder, '') || undefined;
}

function fileFolders(): readonly vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
}

/** The one dataset repository of the host: workspace roots, the folder setting and the active dataset. */
export function hostRepository(s: Pick<Services, 'activeDataset'>): DatasetRepository {
  return new DatasetRepository({
    roots: () => fileFolders().map((f) => f.uri.fsPath),
    folderSetting: datasetFolderSetting,
    activeFolder: () => s.activeDataset.uri?.fsPath,
  });
}

/**
 * The host side of datasets: which folders exist, which one is active, one DatasetStore per folder (so
 * every write goes through the same queue) and a DatasetCatalog kept current for duplicate checks and
 * provenance lenses. Rebuilt lazily when a file changes on disk (hand edits).
 */
export class DatasetService implements vscode.Disposable {
  private readonly open = new Map<string, { store: DatasetStore; catalog?: DatasetCatalog; issues: readonly LoadIssue[] }>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fired after examples were added/removed/moved in a dataset (its folder Uri). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** Which datasets exist (custom folder honoured), shared with the wizard and the prompt binder. */
  readonly repository: DatasetRepository;
  /** Extra headers on question-suggestion requests (test handle: the emulator's fault injection). */
  suggestionHeaders: Record<string, string> = {};

  constructor(readonly s: Services) {
    this.repository = hostRepository(s);
    const watcher = vscode.workspace.createFileSystemWatcher('**/{train,validation,provenance}.jsonl');
    // Socratune's own appends also trigger the watcher; the store knows their size and time, so only a real
    // outside change (a hand edit) drops the catalog — adds stay O(1).
    const onFile = async (uri: vscode.Uri) => {
      const dir = path.dirname(uri.fsPath);
      const entry = this.open.get(dir);
      if (entry && (await entry.store.changedOnDisk().catch(() => true))) entry.catalog = undefined;
      // The active dataset is followed even before its store is opened (the status bar counts it).
      if (entry || dir === s.activeDataset.uri?.fsPath) this.changed.fire(vscode.Uri.file(dir));
    };
    this.disposables.push(watcher, watcher.onDidChange(onFile), watcher.onDidCreate(onFile), watcher.onDidDelete(onFile), this.changed);
    this.disposables.push(s.activeDataset.onDidChange((u) => u && this.changed.fire(u)));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** The client that asks a model for questions a passage answers (short timeout, one retry). */
  questionClient(): Promise<ClientResult> {
    return this.s.client({ timeoutMs: 30_000, maxRetries: 1, headers: this.suggestionHeaders });
  }

  /** `<workspace folder>/<socratune.dataset.folder>` for each workspace folder. */
  roots(): { folder: vscode.WorkspaceFolder; dir: string }[] {
    const rel = datasetFolderSetting();
    return fileFolders().map((folder) => ({ folder, dir: datasetsDir(folder.uri.fsPath, rel) }));
  }

  async list(): Promise<DatasetListing[]> {
    const out: DatasetListing[] = [];
    const seen = new Set<string>();
    for (const { folder, dir } of this.roots()) {
      for (const d of await datasetFolders(dir)) {
        seen.add(d.dir);
        out.push({ name: d.name, uri: vscode.Uri.file(d.dir), folder });
      }
    }
    const active = this.s.activeDataset.uri;
    if (active && !seen.has(active.fsPath)) {
      try {
        await vscode.workspace.fs.stat(active);
        out.unshift({ name: path.basename(active.fsPath), uri: active });
      } catch {
        // The active dataset folder was deleted.
      }
    }
    return out;
  }

  async openAt(uri: vscode.Uri): Promise<OpenDataset> {
    const dir = uri.fsPath;
    let entry = this.open.get(dir);
    if (!entry) {
      entry = { store: await DatasetStore.open(dir), issues: [] };
      this.open.set(dir, entry);
    }
    if (!entry.catalog || (await entry.store.changedOnDisk())) {
      const snap = await entry.store.snapshot();
      entry.catalog = DatasetCatalog.fromSnapshot(snap);
      entry.issues = snap.issues;
    }
    return { uri: vscode.Uri.file(dir), store: entry.store, catalog: entry.catalog, issues: entry.issues };
  }

  /** The active dataset, opened; undefined when none is set or its folder is gone. */
  async active(): Promise<OpenDataset | undefined> {
    const uri = this.s.activeDataset.uri;
    if (!uri) return undefined;
    try {
      return await this.openAt(uri);
    } catch (err) {
      if (err instanceof DatasetError && err.code === 'not-found') return undefined;
      throw err;
    }
  }

  /**
   * The active dataset, choosing one when needed: the only existing one; a new "journal" dataset when there
   * is none (said in the confirmation); the picker when there are several (interactive) or an error.
   */
  async ensureActive(interactive: boolean): Promise<OpenDataset | undefined> {
    const current = await this.active();
    if (current) return current;
    const all = await this.list();
    if (all.length === 1) {
      await this.s.activeDataset.set(all[0].uri);
      return this.openAt(all[0].uri);
    }
    if (all.length === 0) {
      const root = this.roots()[0];
      if (!root) throw new UserError('Open a folder (File > Open Folder…) first: datasets live in the workspace.');
      const created = await this.create('journal', root.dir);
      void vscode.window.showInformationMessage(`Socratune: created the dataset “journal” in ${vscode.workspace.asRelativePath(created.uri)}.`);
      return created;
    }
    if (!interactive) throw new UserError('Several datasets exist and none is active. Choose one with "Socratune: Select Dataset…".');
    const pick = await vscode.window.showQuickPick(
      all.map((d) => ({ label: d.name, description: vscode.workspace.asRelativePath(d.uri), uri: d.uri })),
      { title: 'Socratune: which dataset?', placeHolder: 'Choose the dataset to add to (it becomes the active one)' },
    );
    if (!pick) return undefined;
    await this.s.activeDataset.set(pick.uri);
    return this.openAt(pick.uri);
  }

  async create(name: string, rootDir: string, init: Partial<Pick<DatasetSettings, 'systemPrompt' | 'format'>> = {}): Promise<OpenDataset> {
    const bad = checkDatasetName(name);
    if (bad) throw new UserError(bad);
    const store = await DatasetStore.create(rootDir, name, init);
    this.open.set(store.dir, { store, issues: [] });
    const uri = vscode.Uri.file(store.dir);
    await this.s.activeDataset.set(uri);
    return this.openAt(uri);
  }

  /** Refuses when a dataset file has unsaved edits in an editor (a save would overwrite what Socratune wrote). */
  assertNoUnsavedEdits(ds: OpenDataset, files: readonly string[] = [FILES.train, FILES.validation]): void {
    for (const f of files) {
      const p = path.join(ds.store.dir, f);
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === p);
      if (doc?.isDirty) throw new UserError(`${f} of “${ds.store.name}” has unsaved changes in an editor. Save or revert it first — nothing was written.`);
    }
  }

  async add(ds: OpenDataset, examples: NewExample[]): Promise<AddedExample[]> {
    this.assertNoUnsavedEdits(ds, [FILES.train]);
    const added = await ds.store.addMany(examples);
    added.forEach((a, i) => ds.catalog.noteAdded(a, examples[i].user, examples[i].assistant, examples[i].source));
    for (const a of added) if (a.provenanceError) this.s.log.warn(`Example ${a.id} was written, but not its provenance: ${a.provenanceError}`);
    this.s.log.info(`Added ${added.length} example(s) to ${ds.store.dir}`);
    this.changed.fire(ds.uri);
    return added;
  }

  async remove(ds: OpenDataset, ids: string[]): Promise<RemoveResult> {
    this.assertNoUnsavedEdits(ds);
    const r = await ds.store.remove(ids);
    ds.catalog.noteRemoved(r.removed.map((x) => x.id));
    this.invalidate(ds.uri);
    this.s.log.info(`Removed ${r.removed.length} example(s) from ${ds.store.dir}${r.notFound.length ? `; not found: ${r.notFound.join(', ')}` : ''}`);
    return r;
  }

  /** Forget the cached catalog (after rewrites) and tell listeners. */
  invalidate(uri: vscode.Uri): void {
    const e = this.open.get(uri.fsPath);
    if (e) e.catalog = undefined;
    this.changed.fire(uri);
  }

  /** Path of a journal file as stored in provenance: workspace-relative (with the folder name in multi-root). */
  sourcePath(uri: vscode.Uri): string {
    const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const rel = vscode.workspace.asRelativePath(uri, multi);
    return rel === uri.fsPath || path.isAbsolute(rel) ? uri.fsPath : rel.split(path.sep).join('/');
  }

  /** Inverse of sourcePath. */
  sourceUri(file: string): vscode.Uri | undefined {
    if (path.isAbsolute(file)) return vscode.Uri.file(file);
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length > 1) {
      const [first, ...rest] = file.split('/');
      const f = folders.find((x) => x.name === first);
      if (f) return vscode.Uri.joinPath(f.uri, ...rest);
    }
    return folders[0] ? vscode.Uri.joinPath(folders[0].uri, ...file.split('/')) : undefined;
  }
}
