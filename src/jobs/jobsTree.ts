import * as vscode from 'vscode';
import type { BackendErrorInfo } from '../core/backends/errors';
import type { FineTuneBackend, FineTuneJob, JobCheckpoint, JobEvent } from '../core/backends/types';
import { age, jobRowDescription, jobLabel, jobTooltipMarkdown, progressText, statusText } from '../core/jobs/format';
import { describeHyperparameters } from '../core/jobs/hyperparameters';
import type { JobsStore } from '../core/jobs/jobsStore';
import { readJobMetadata } from '../core/jobs/manifest';
import { isTerminal, statusCodicon } from '../core/jobs/status';
import { JobCommands } from './commandIds';
import { ERROR_ACTIONS } from './errorActions';

/** Tree elements: plain data; `getTreeItem` renders them. */
export type JobsElement =
  | { readonly kind: 'job'; readonly jobId: string }
  | { readonly kind: 'section'; readonly jobId: string; readonly section: 'details' | 'events' | 'checkpoints' }
  | { readonly kind: 'detail'; readonly jobId: string; readonly label: string; readonly value: string; readonly icon?: string; readonly error?: boolean }
  | { readonly kind: 'event'; readonly jobId: string; readonly event: JobEvent }
  | { readonly kind: 'checkpoint'; readonly jobId: string; readonly checkpoint: JobCheckpoint }
  | { readonly kind: 'resultModel'; readonly jobId: string; readonly modelId: string; readonly baseModel: string }
  | { readonly kind: 'loadMore' }
  | { readonly kind: 'error'; readonly info: BackendErrorInfo; readonly jobId?: string }
  | { readonly kind: 'message'; readonly text: string; readonly icon?: string; readonly command?: vscode.Command };

export const RECENT_EVENTS = 20;

/** The job's name when it has one (its suffix, else its dataset's name). */
function jobName(j: FineTuneJob): string | undefined {
  return j.suffix ?? readJobMetadata(j.metadata).datasetName;
}

/** contextValue for a job node: `job.<status>` (package.json menus match on it). */
export function jobContext(j: FineTuneJob): string {
  return `job.${j.status}`;
}

export class JobsTreeProvider implements vscode.TreeDataProvider<JobsElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobsElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  private jobEls = new Map<string, JobsElement>();
  /** The last root elements handed out (tests read the tree through this). */
  private lastRoot: JobsElement[] = [];

  constructor(
    private readonly store: JobsStore,
    private readonly backend: () => Promise<FineTuneBackend | undefined>,
    private readonly now: () => number = Date.now,
  ) {
    // One job changed: refresh that row (and its subtree, if expanded) only. A full refresh clears every tree
    // node in the extension host, so a request the workbench sends meanwhile — the children of a job the user
    // just expanded, whose events are fetched on expansion — failed with "No tree item with id … found".
    const sub = store.onDidChange((jobId) => {
      const el = jobId !== undefined ? this.jobEls.get(jobId) : undefined;
      this.changed.fire(el && this.lastRoot.includes(el) ? el : undefined);
    });
    this.subs.push({ dispose: () => sub.dispose() });
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  get rootElements(): readonly JobsElement[] {
    return this.lastRoot;
  }

  /** One stable element object per job (needed by reveal and expand tracking). */
  jobElement(jobId: string): JobsElement {
    let el = this.jobEls.get(jobId);
    if (!el) {
      el = { kind: 'job', jobId };
      this.jobEls.set(jobId, el);
    }
    return el;
  }

  getParent(el: JobsElement): JobsElement | undefined {
    if (el.kind === 'section' || el.kind === 'resultModel') return this.jobElement(el.jobId);
    if (el.kind === 'detail') return { kind: 'section', jobId: el.jobId, section: 'details' };
    if (el.kind === 'event') return { kind: 'section', jobId: el.jobId, section: 'events' };
    if (el.kind === 'checkpoint') return { kind: 'section', jobId: el.jobId, section: 'checkpoints' };
    return undefined;
  }

  async getChildren(el?: JobsElement): Promise<JobsElement[]> {
    if (!el) {
      if (!this.store.loaded) await this.store.load();
      const out: JobsElement[] = [];
      if (this.store.error) out.push({ kind: 'error', info: this.store.error });
      out.push(...this.store.jobs.map((j) => this.jobElement(j.id)));
      if (this.store.hasMore) out.push({ kind: 'loadMore' });
      this.lastRoot = out;
      return out;
    }
    switch (el.kind) {
      case 'job':
        return this.jobChildren(el.jobId);
      case 'section':
        return this.sectionChildren(el.jobId, el.section);
      case 'detail':
      case 'event':
      case 'checkpoint':
      case 'resultModel':
      case 'loadMore':
      case 'error':
      case 'message':
        return [];
    }
  }

  private async jobChildren(jobId: string): Promise<JobsElement[]> {
    const j = this.store.job(jobId);
    if (!j) return [];
    const out: JobsElement[] = [{ kind: 'section', jobId, section: 'details' }];
    // A local run's events are its log's metrics and problems; it has no checkpoints.
    if (j.backend === 'local') return [...out, { kind: 'section', jobId, section: 'events' }];
    const b = await this.backend();
    if (!b || b.capabilities.events) out.push({ kind: 'section', jobId, section: 'events' });
    if (!b || b.capabilities.checkpoints) out.push({ kind: 'section', jobId, section: 'checkpoints' });
    if (j.fineTunedModel) out.push({ kind: 'resultModel', jobId, modelId: j.fineTunedModel, baseModel: j.baseModel });
    return out;
  }

  private async sectionChildren(jobId: string, section: 'details' | 'events' | 'checkpoints'): Promise<JobsElement[]> {
    const j = this.store.job(jobId);
    if (!j) return [];
    const d = this.store.detailsOf(jobId);
    if (section === 'details') return detailRows(j);
    if (section === 'events') {
      if (!d.eventsLoaded) await this.store.fetchEvents(jobId);
      const out: JobsElement[] = [];
      if (d.eventsError) out.push({ kind: 'error', info: d.eventsError, jobId });
      const recent = d.events.slice(-RECENT_EVENTS).reverse();
      out.push(...recent.map((event): JobsElement => ({ kind: 'event', jobId, event })));
      if (recent.length === 0 && !d.eventsError) out.push({ kind: 'message', text: 'No events yet' });
      if (d.events.length > 0)
        out.push({
          kind: 'message',
          text: 'Show all events in the output…',
          icon: 'output',
          command: { title: 'Show Job Events', command: JobCommands.showJobEvents, arguments: [{ jobId }] },
        });
      return out;
    }
    if (!d.checkpointsLoaded) await this.store.fetchCheckpoints(jobId);
    const out: JobsElement[] = [];
    if (d.checkpointsError) out.push({ kind: 'error', info: d.checkpointsError, jobId });
    out.push(...d.checkpoints.map((checkpoint): JobsElement => ({ kind: 'checkpoint', jobId, checkpoint })));
    if (d.checkpoints.length === 0 && !d.checkpointsError) out.push({ kind: 'message', text: 'No checkpoints yet (one per epoch; the last 3 are kept)' });
    return out;
  }

  getTreeItem(el: JobsElement): vscode.TreeItem {
    switch (el.kind) {
      case 'job':
        return this.jobItem(el.jobId);
      case 'section':
        return this.sectionItem(el.jobId, el.section);
      case 'detail': {
        const it = new vscode.TreeItem(el.label, vscode.TreeItemCollapsibleState.None);
        it.description = el.value;
        it.tooltip = `${el.label}: ${el.value}`;
        it.contextValue = 'jobDetail';
        it.iconPath = new vscode.ThemeIcon(el.icon ?? 'symbol-field', el.error ? new vscode.ThemeColor('errorForeground') : undefined);
        it.id = `job:${el.jobId}/details/${el.label}`;
        return it;
      }
      case 'event': {
        const e = el.event;
        const it = new vscode.TreeItem(e.message || '(empty)', vscode.TreeItemCollapsibleState.None);
        it.description = `${age(e.createdAt, this.now())}${e.level !== 'info' ? ` · ${e.level}` : ''}`;
        it.tooltip = new vscode.MarkdownString().appendText(`${new Date(e.createdAt).toISOString()} [${e.level}] ${e.message}`);
        it.iconPath = new vscode.ThemeIcon(e.level === 'error' ? 'error' : e.level === 'warn' ? 'warning' : e.metrics ? 'graph-line' : 'info');
        it.contextValue = 'jobEvent';
        it.id = `job:${el.jobId}/events/${e.id}`;
        return it;
      }
      case 'checkpoint':
        return checkpointItem(el);
      case 'resultModel':
        return resultModelItem(el);
      case 'loadMore': {
        const it = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        it.iconPath = new vscode.ThemeIcon('more');
        it.command = { title: 'Load more', command: JobCommands.loadMore };
        it.contextValue = 'loadMore';
        it.id = 'jobs:loadMore';
        return it;
      }
      case 'error':
        return errorItem(el);
      case 'message': {
        const it = new vscode.TreeItem(el.text, vscode.TreeItemCollapsibleState.None);
        it.iconPath = el.icon ? new vscode.ThemeIcon(el.icon) : undefined;
        it.command = el.command;
        it.contextValue = 'message';
        return it;
      }
    }
  }

  private jobItem(jobId: string): vscode.TreeItem {
    const j = this.store.job(jobId);
    // The name (suffix or dataset) is the label; status, progress and base model come first in the description,
    // so a 300 px sidebar still shows them; the job ID closes the description and heads the tooltip.
    const it = new vscode.TreeItem(j ? (jobName(j) ?? jobId) : jobId, vscode.TreeItemCollapsibleState.Collapsed);
    it.id = `job:${jobId}`;
    if (!j) return it;
    const events = this.store.detailsOf(jobId).events;
    const description = jobRowDescription(j, events, this.now());
    it.description = jobName(j) ? `${description} · ${jobId}` : description;
    const progress = isTerminal(j.status) ? '' : progressText(events);
    const md = new vscode.MarkdownString(jobTooltipMarkdown(j, this.now()) + (progress ? `\n- Progress: ${progress}` : ''));
    md.supportThemeIcons = false;
    it.tooltip = md;
    const icon = statusCodicon(j.status);
    it.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
    it.contextValue = jobContext(j);
    it.accessibilityInformation = { label: `${jobLabel(j)}, ${description}` };
    return it;
  }

  private sectionItem(jobId: string, section: 'details' | 'events' | 'checkpoints'): vscode.TreeItem {
    const d = this.store.detailsOf(jobId);
    const label = section === 'details' ? 'Details' : section === 'events' ? 'Recent events' : 'Checkpoints';
    const it = new vscode.TreeItem(label, section === 'details' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Collapsed);
    it.id = `job:${jobId}/${section}`;
    it.iconPath = new vscode.ThemeIcon(section === 'details' ? 'list-unordered' : section === 'events' ? 'history' : 'milestone');
    if (section === 'events' && d.eventsLoaded) it.description = String(d.events.length);
    if (section === 'checkpoints' && d.checkpointsLoaded) it.description = String(d.checkpoints.length);
    it.contextValue = `jobSection.${section}`;
    return it;
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subs) s.dispose();
  }
}

/** Details rows: hyperparameters, files, suffix, seed, dataset version, error. */
export function detailRows(j: FineTuneJob): JobsElement[] {
  const h = j.hyperparameters;
  const md = readJobMetadata(j.metadata);
  const row = (label: string, value: string, icon?: string, error?: boolean): JobsElement => ({ kind: 'detail', jobId: j.id, label, value, icon, error });
  const rows: JobsElement[] = [
    row('Status', statusText(j), 'pulse'),
    row('Method', j.method, 'symbol-method'),
    row('Hyperparameters', describeHyperparameters(h, ' · '), 'settings'),
    row('Training file', j.trainingFile || '—', 'file'),
  ];
  if (j.validationFile) rows.push(row('Validation file', j.validationFile, 'file'));
  if (j.resultFiles.length) rows.push(row('Results', j.resultFiles.join(', '), 'graph'));
  rows.push(row('Suffix', j.suffix ?? '—', 'tag'));
  rows.push(row('Seed', j.seed !== undefined ? String(j.seed) : '—', 'symbol-number'));
  if (md.datasetName || md.datasetSha256)
    rows.push(row('Dataset version', `${md.datasetName ?? '?'}${md.datasetSha256 ? ` @ ${md.datasetSha256.slice(0, 12)}` : ''}`, 'database'));
  if (j.trainedTokens !== undefined) rows.push(row('Trained tokens', j.trainedTokens.toLocaleString('en-US'), 'symbol-numeric'));
  if (j.estimatedFinish && !j.finishedAt)
    rows.push(row('Estimated finish', new Date(j.estimatedFinish).toISOString().replace('T', ' ').slice(0, 16) + ' UTC', 'watch'));
  if (j.error) rows.push(row('Error', `${j.error.code ? `${j.error.code}: ` : ''}${j.error.message}`, 'error', true));
  return rows;
}

function checkpointItem(el: Extract<JobsElement, { kind: 'checkpoint' }>): vscode.TreeItem {
  const c = el.checkpoint;
  const it = new vscode.TreeItem(`Step ${c.step}`, vscode.TreeItemCollapsibleState.None);
  it.description = c.modelId;
  const m = c.metrics;
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Checkpoint at step ${c.step}**\n\n`);
  md.appendCodeblock(c.modelId, 'text');
  const rows = Object.entries(m).filter(([k]) => k !== 'step');
  if (rows.length) md.appendMarkdown('\n' + rows.map(([k, v]) => `- ${k}: ${v}`).join('\n'));
  it.tooltip = md;
  it.iconPath = new vscode.ThemeIcon('milestone');
  it.contextValue = 'checkpoint';
  it.id = `job:${el.jobId}/checkpoints/${c.id}`;
  return it;
}

function resultModelItem(el: Extract<JobsElement, { kind: 'resultModel' }>): vscode.TreeItem {
  const it = new vscode.TreeItem(el.modelId, vscode.TreeItemCollapsibleState.None);
  it.description = 'fine-tuned model';
  it.tooltip = new vscode.MarkdownString()
    .appendMarkdown('**Resulting model** (trained from ')
    .appendText(el.baseModel)
    .appendMarkdown(')\n\n')
    .appendCodeblock(el.modelId, 'text');
  it.iconPath = new vscode.ThemeIcon('sparkle', new vscode.ThemeColor('charts.green'));
  it.contextValue = 'resultModel';
  it.id = `job:${el.jobId}/model`;
  return it;
}

function errorItem(el: Extract<JobsElement, { kind: 'error' }>): vscode.TreeItem {
  const info = el.info;
  const it = new vscode.TreeItem(info.title, vscode.TreeItemCollapsibleState.None);
  const primary = info.actions[0];
  it.description = primary ? ERROR_ACTIONS[primary].title : undefined;
  it.tooltip = new vscode.MarkdownString().appendText(info.message);
  it.iconPath = new vscode.ThemeIcon(
    info.kind === 'rate-limit' ? 'watch' : 'warning',
    new vscode.ThemeColor(info.kind === 'rate-limit' ? 'charts.yellow' : 'errorForeground'),
  );
  if (primary) it.command = ERROR_ACTIONS[primary].command;
  it.contextValue = `error.${info.kind}`;
  it.id = el.jobId ? `job:${el.jobId}/error/${info.kind}` : `jobs:error`;
  return it;
}
