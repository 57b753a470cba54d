import * as vscode from 'vscode';
import type { ValidationResult } from '../core/validation';
import { isAbortError } from '../core/validation/abort';
import { formatUsd, statusText } from '../core/validation/format';
import { validationEngine } from './engine';
import type { Services } from '../platform/services';
import { SELECT_DATASET_COMMAND, STATUS_BAR_ID } from './commandIds';
import { uriExists } from '../platform/fs';
import { filesOfFolder } from './datasetFiles';
import { baseModelSetting } from './diagnostics';

const FILE_CHANGE_DEBOUNCE_MS = 750;
/** A change the dataset capability reports (its own adds): recounted at once, only coalescing a burst of adds. */
const DATASET_CHANGE_DEBOUNCE_MS = 50;
/** The first count runs this long after activation (never during it). */
const STARTUP_DELAY_MS = 2000;
/**
 * A safety net for hand edits only: file watchers can miss a change (measured: one created for a just-chosen dataset
 * missed an append in 2 of 4 runs), so train.jsonl is also checked with one `stat` at this interval — a recount only
 * if its size or mtime moved. Adds never wait for it: the dataset capability reports them at once.
 */
const STAT_CHECK_MS = 5000;

/**
 * Status bar item for the active dataset. Counting is lazy: first run a while after activation, then on the
 * dataset capability's change event (`services.datasets.onDidChange`: its own adds, and hand edits its
 * workspace watcher sees), on changes of the folder's train.jsonl / validation.jsonl and on dataset switches.
 * Only valid examples are counted (what the validator accepts). Click → choose dataset.
 */
export class DatasetStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 20);
  private readonly subs: vscode.Disposable[] = [];
  private watcher: vscode.FileSystemWatcher | undefined;
  private statTimer: ReturnType<typeof setInterval> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: AbortController | undefined;
  /** size:mtime of train.jsonl for the count under way or last shown: a change event that moved neither is skipped. */
  private counted: string | undefined;
  private readonly updated = new vscode.EventEmitter<string>();
  /** Fires with the new text after each recount (test handle). */
  readonly onDidUpdate = this.updated.event;
  last: ValidationResult | undefined;

  constructor(private readonly s: Services) {
    this.item.name = 'Socratune Dataset';
    this.item.command = SELECT_DATASET_COMMAND;
    this.subs.push(
      this.item,
      this.updated,
      s.activeDataset.onDidChange(() => this.follow(FILE_CHANGE_DEBOUNCE_MS)),
      s.datasets.onDidChange((uri) => {
        if (uri.fsPath === this.s.activeDataset.uri?.fsPath) this.schedule(DATASET_CHANGE_DEBOUNCE_MS, false);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('socratune.training.defaultBaseModel')) this.schedule(FILE_CHANGE_DEBOUNCE_MS, true);
      }),
    );
    this.follow(STARTUP_DELAY_MS);
  }

  get text(): string {
    return this.item.text;
  }

  /** Watch the active dataset's files and schedule a count. */
  private follow(delay: number): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    if (this.statTimer) clearInterval(this.statTimer);
    this.statTimer = undefined;
    this.running?.abort();
    this.counted = undefined;
    this.last = undefined;
    const folder = this.s.activeDataset.uri;
    if (!folder) {
      this.item.text = '$(database) No dataset';
      this.item.tooltip = 'Socratune: choose or create a training dataset';
      this.item.backgroundColor = undefined;
      this.item.show();
      return;
    }
    const name = folder.path.split('/').filter(Boolean).pop() ?? 'dataset';
    this.item.text = `$(database) ${name}`;
    this.item.tooltip = 'Socratune dataset — counting examples and tokens…';
    this.item.show();
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '{train,validation}.jsonl'));
    const onChange = (): void => this.schedule(FILE_CHANGE_DEBOUNCE_MS, false);
    this.watcher.onDidChange(onChange);
    this.watcher.onDidCreate(onChange);
    this.watcher.onDidDelete(onChange);
    this.statTimer = setInterval(() => {
      if (!this.timer && !this.running) this.schedule(0, false);
    }, STAT_CHECK_MS);
    this.schedule(delay, true);
  }

  private async stamp(folder: vscode.Uri): Promise<string> {
    try {
      const st = await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder, 'train.jsonl'));
      return `${st.size}:${st.mtime}`;
    } catch {
      return 'missing';
    }
  }

  /**
   * Recount after `delay`; unless `force`d, only when train.jsonl moved since the count under way or shown (one add
   * is reported by the dataset capability and again by file watchers: it is counted once, and not restarted).
   */
  private schedule(delay: number, force: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const folder = this.s.activeDataset.uri;
      const go = force || !folder ? Promise.resolve(true) : this.stamp(folder).then((now) => now !== this.counted);
      void go.then((yes) => (yes ? this.refresh() : undefined));
    }, delay);
  }

  /** Recount now; resolves with the text shown. */
  async refresh(): Promise<string> {
    const folder = this.s.activeDataset.uri;
    if (!folder) {
      this.follow(0);
      return this.item.text;
    }
    this.running?.abort();
    const ac = new AbortController();
    this.running = ac;
    try {
      this.counted = await this.stamp(folder);
      const files = await filesOfFolder(folder);
      if (!(await uriExists(files.train))) {
        this.item.text = `$(database) ${files.name} · 0 examples`;
        this.item.tooltip = `${files.name}: no train.jsonl yet — add examples from your journal. Click to switch datasets.`;
        this.item.backgroundColor = undefined;
        this.updated.fire(this.item.text);
      } else {
        const { validateJsonlFile } = await validationEngine();
        const r = await validateJsonlFile(files.train.fsPath, { model: baseModelSetting(), purpose: 'train', signal: ac.signal });
        if (ac.signal.aborted) return this.item.text;
        this.last = r;
        await this.apply(files.name, r);
      }
    } catch (err) {
      if (!isAbortError(err)) {
        this.counted = undefined; // the next change event counts again
        this.s.log.warn(`Counting the active dataset failed: ${err instanceof Error ? err.message : String(err)}`);
        this.item.tooltip = `Socratune could not read the dataset: ${err instanceof Error ? err.message : String(err)}`;
      }
    } finally {
      if (this.running === ac) this.running = undefined;
    }
    return this.item.text;
  }

  /** Show a result computed elsewhere (the Validate Dataset command) for the active dataset. */
  async apply(name: string, result: ValidationResult): Promise<void> {
    this.last = result;
    // The validator prices with OpenAI's table: shown only where the active backend's launch estimates that way.
    // (The backend catalog is a chunk of its own: the validation capability does not carry every backend's code.)
    const { backendDescriptor } = await import('../core/backends/descriptors.js');
    const priced = backendDescriptor(this.s.profile().provider).launchRules.cost.kind === 'token-table';
    const r = priced ? result : { ...result, estimatedCost: null };
    this.item.text = statusText(name, r);
    const errors = Object.values(r.stats.errorCounts).reduce((a, b) => a + (b ?? 0), 0);
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${name}** — ${r.examples} examples, ${r.tokens.total.toLocaleString('en-US')} tokens (${r.tokens.encoding})\n\n`);
    if (r.estimatedCost) {
      const c = r.estimatedCost;
      md.appendMarkdown(`≈ ${formatUsd(c.usd)} to train ${c.model}: ${c.billableTokens.toLocaleString('en-US')} tokens × ${c.epochs} epochs\n\n`);
    }
    md.appendMarkdown(errors > 0 ? `$(error) ${errors} error(s) block the upload — run *Socratune: Validate Dataset*\n\n` : '$(check) no errors\n\n');
    md.appendMarkdown('Click to switch datasets.');
    this.item.tooltip = md;
    this.item.backgroundColor = errors > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.updated.fire(this.item.text);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.statTimer) clearInterval(this.statTimer);
    this.running?.abort();
    this.watcher?.dispose();
    for (const d of this.subs.splice(0)) d.dispose();
  }
}
