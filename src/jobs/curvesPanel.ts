import * as vscode from 'vscode';
import { BackendError } from '../core/backends';
import type { FineTuneBackend } from '../core/backends/types';
import { jobLabel } from '../core/jobs/format';
import { describeHyperparameters } from '../core/jobs/hyperparameters';
import type { JobsStore } from '../core/jobs/jobsStore';
import { MetricPoint, mergePoints, parseResultsCsv, pointsFromEvents, totalSteps } from '../core/jobs/metrics';
import { isTerminal } from '../core/jobs/status';
import { webviewHtml, webviewOptions } from '../platform/webviewHtml';
import type { Log } from '../platform/log';
import { CURVES_VIEW_TYPE } from './commandIds';
import { CurveSeries, FromCurvesWebview, ToCurvesWebview, decodeFromCurvesWebview } from '../shared/curvesProtocol';

/**
 * "Show Training Curves": one panel, several jobs overlaid. Running jobs are watched (polling brings
 * their metrics events); finished jobs are drawn from the results CSV (decoded if base64), falling
 * back to their events when the file is not served.
 */
export class TrainingCurvesPanel implements vscode.Disposable {
  static readonly viewType = CURVES_VIEW_TYPE;
  private readonly panel: vscode.WebviewPanel;
  private readonly jobIds: string[] = [];
  private readonly watches = new Map<string, { dispose(): void }>();
  private readonly results = new Map<string, { points?: MetricPoint[]; error?: string }>();
  private readonly subs: vscode.Disposable[] = [];
  private ready = false;
  private postTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;
  /** Test handles: the last snapshot sent and the webview's last render report. */
  lastSent: readonly CurveSeries[] = [];
  lastRendered: Extract<FromCurvesWebview, { type: 'curves/rendered' }> | undefined;
  private readonly renderedEmitter = new vscode.EventEmitter<Extract<FromCurvesWebview, { type: 'curves/rendered' }>>();
  readonly onDidRender = this.renderedEmitter.event;

  constructor(
    extensionUri: vscode.Uri,
    private readonly store: JobsStore,
    private readonly backend: () => Promise<FineTuneBackend | undefined>,
    private readonly log: Log,
    private readonly pickJobs: (shown: readonly string[]) => Promise<string[]>,
    /** Called with the jobs shown whenever they change (kept so the panel is restored after a reload). */
    private readonly persist: (jobIds: readonly string[]) => void,
    /** A panel VS Code restored after a reload (the webview panel serializer); otherwise a new one opens. */
    restored?: vscode.WebviewPanel,
  ) {
    if (restored) restored.webview.options = webviewOptions(extensionUri);
    this.panel =
      restored ??
      vscode.window.createWebviewPanel(TrainingCurvesPanel.viewType, 'Training Curves', vscode.ViewColumn.Active, {
        ...webviewOptions(extensionUri),
        retainContextWhenHidden: false,
      });
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, { script: 'charts.js', styles: ['media/charts.css'], title: 'Training Curves' });
    this.subs.push(
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(() => {
        if (!this.panel.visible) this.ready = false;
      }),
    );
    const sub = store.onDidChange((jobId) => {
      if (jobId === undefined || this.jobIds.includes(jobId)) this.schedulePost();
    });
    this.subs.push({ dispose: () => sub.dispose() });
  }

  get jobs(): readonly string[] {
    return this.jobIds;
  }

  reveal(): void {
    this.panel.reveal();
  }

  add(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.jobIds.includes(id)) continue;
      this.jobIds.push(id);
      const j = this.store.job(id);
      if (j && !isTerminal(j.status)) this.watches.set(id, this.store.watch(id));
    }
    this.panel.title =
      this.jobIds.length === 1
        ? `Training Curves — ${this.store.job(this.jobIds[0]) ? jobLabel(this.store.job(this.jobIds[0])!) : this.jobIds[0]}`
        : `Training Curves (${this.jobIds.length} jobs)`;
    this.persist(this.jobIds);
    this.schedulePost(0);
  }

  private remove(id: string): void {
    const i = this.jobIds.indexOf(id);
    if (i >= 0) this.jobIds.splice(i, 1);
    this.watches.get(id)?.dispose();
    this.watches.delete(id);
    this.persist(this.jobIds);
    this.schedulePost(0);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const d = decodeFromCurvesWebview(raw);
    if (!d.ok) {
      this.log.warn(`Training Curves: ignored a malformed message from the webview (${d.message}).`);
      return;
    }
    const m = d.value;
    switch (m.type) {
      case 'curves/ready':
        this.ready = true;
        await this.post();
        return;
      case 'curves/addJobs':
        this.add(await this.pickJobs(this.jobIds));
        return;
      case 'curves/removeJob':
        this.remove(m.jobId);
        return;
      case 'curves/rendered':
        this.lastRendered = m;
        this.renderedEmitter.fire(m);
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  private schedulePost(delay = 250): void {
    if (this.disposed) return;
    if (this.postTimer) clearTimeout(this.postTimer);
    this.postTimer = setTimeout(() => void this.post(), delay);
  }

  private async resultsOf(jobId: string, fileId: string): Promise<{ points?: MetricPoint[]; error?: string }> {
    const cached = this.results.get(jobId);
    if (cached) return cached;
    const b = await this.backend();
    if (!b) return { error: 'no backend' };
    let r: { points?: MetricPoint[]; error?: string };
    try {
      r = { points: parseResultsCsv(await b.fileContent(fileId)).points };
    } catch (err) {
      r = { error: err instanceof BackendError ? err.info.title : err instanceof Error ? err.message : String(err) };
    }
    this.results.set(jobId, r);
    return r;
  }

  async snapshot(): Promise<CurveSeries[]> {
    const out: CurveSeries[] = [];
    for (const id of this.jobIds) {
      const j = this.store.job(id);
      if (!j) continue;
      const d = this.store.detailsOf(id);
      if (!d.eventsLoaded) await this.store.fetchEvents(id);
      if (!d.checkpointsLoaded) await this.store.fetchCheckpoints(id);
      const fromEvents = pointsFromEvents(d.events);
      let points = fromEvents;
      let source: CurveSeries['source'] = fromEvents.length ? 'events' : 'none';
      let note: string | undefined;
      const live = !isTerminal(j.status);
      if (!live) {
        this.watches.get(id)?.dispose();
        this.watches.delete(id);
        if (j.resultFiles[0]) {
          const r = await this.resultsOf(id, j.resultFiles[0]);
          if (r.points && r.points.length) {
            points = mergePoints(fromEvents, r.points);
            source = 'results';
          } else if (r.error) note = `Results file not available (${r.error}); showing metrics events.`;
        }
      }
      if (points.length === 0) note = note ?? (live ? 'No metrics yet: they appear once training steps run.' : 'This job reported no metrics.');
      const h = j.hyperparameters;
      out.push({
        jobId: id,
        label: jobLabel(j),
        hyperparameters: `${j.baseModel} · ${describeHyperparameters(h, ' · ')}`,
        status: j.rawStatus,
        live,
        source,
        points,
        checkpoints: d.checkpoints.map((c) => ({ step: c.step, modelId: c.modelId })).sort((a, b) => a.step - b.step),
        totalSteps: totalSteps(d.events),
        note,
      });
    }
    return out;
  }

  private async post(): Promise<void> {
    if (this.disposed || !this.ready) return;
    const series = await this.snapshot();
    this.lastSent = series;
    const msg: ToCurvesWebview = { type: 'curves/state', series };
    await this.panel.webview.postMessage(msg);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.postTimer) clearTimeout(this.postTimer);
    for (const w of this.watches.values()) w.dispose();
    this.watches.clear();
    for (const s of this.subs) s.dispose();
    this.panel.dispose();
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
    this.renderedEmitter.dispose();
  }
}
