/**
 * The blind-rating editor (a chunk loaded on first use): serves the pairs of one evaluation in their seeded order,
 * appends each rating (and undo) to ratings.jsonl at once, and never tells the webview who wrote a reply.
 */
import * as vscode from 'vscode';
import { buildPairs, foldRatings, nextPair, type Pair } from '../core/eval/pairing';
import { HUMAN, replyKey, type EvalPlan, type RatingLine } from '../core/eval/schema';
import { ratingsLog, readPlan, readRatings, readResults } from '../core/eval/store';
import type { Log } from '../platform/log';
import { webviewHtml, webviewOptions } from '../platform/webviewHtml';
import { isFromRatingWebview, type ToRatingWebview } from '../shared/evalProtocol';

export class RatingPanel implements vscode.Disposable {
  static readonly viewType = 'socratune.evalRating';
  private readonly panel: vscode.WebviewPanel;
  private readonly log: ReturnType<typeof ratingsLog>;
  private lines: RatingLine[] = [];
  private readonly subs: vscode.Disposable[] = [];
  private queue: Promise<void> = Promise.resolve();
  /** Test handle: the last message sent to the webview. */
  lastSent: ToRatingWebview | undefined;
  private readonly sentEmitter = new vscode.EventEmitter<ToRatingWebview>();
  readonly onDidSend = this.sentEmitter.event;
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;
  private disposed = false;

  private constructor(
    extensionUri: vscode.Uri,
    readonly dir: string,
    private readonly plan: EvalPlan,
    private readonly pairs: Pair[],
    private readonly texts: Map<string, string>,
    lines: RatingLine[],
    private readonly out: Log,
  ) {
    this.lines = lines;
    this.log = ratingsLog(dir);
    this.panel = vscode.window.createWebviewPanel(RatingPanel.viewType, `Rate “${plan.name}”`, vscode.ViewColumn.Active, {
      ...webviewOptions(extensionUri),
      retainContextWhenHidden: false,
    });
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, { script: 'eval.js', styles: ['media/eval.css'], title: 'Blind rating' });
    this.subs.push(
      this.panel.webview.onDidReceiveMessage((m: unknown) => this.handle(m)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  static async open(extensionUri: vscode.Uri, dir: string, log: Log): Promise<RatingPanel> {
    const plan = await readPlan(dir);
    const results = (await readResults(dir)).items;
    const ratings = await readRatings(dir);
    if (ratings.invalid.length) log.warn(`${dir}: ${ratings.invalid.length} unreadable rating lines ignored (${ratings.invalid[0].message})`);
    const pairs = buildPairs(plan, results);
    if (pairs.length === 0) throw new Error(`“${plan.name}” has no pair to rate yet: run the evaluation first.`);
    return new RatingPanel(extensionUri, dir, plan, pairs, new Map(results.map((r) => [replyKey(r), r.text])), ratings.items, log);
  }

  /** Handles one webview message (the webview's keys and buttons end here); serialized so ratings keep their order. */
  handle(m: unknown): Promise<void> {
    if (!isFromRatingWebview(m)) {
      this.out.warn('rating webview: ignored a malformed message');
      return Promise.resolve();
    }
    this.queue = this.queue.then(async () => {
      const at = new Date().toISOString();
      let line: RatingLine | undefined;
      const pair = m.type === 'eval/rate' || m.type === 'eval/flag' ? this.pairs.find((p) => p.id === m.pair) : undefined;
      if (m.type === 'eval/rate' && pair) line = { op: 'rate', pair: m.pair, verdict: m.verdict, rater: HUMAN, at };
      else if (m.type === 'eval/flag' && pair) {
        const reply = replyKey(m.side === '1' ? pair.left : pair.right);
        line = { op: 'flag', reply, nonsense: !this.flagged().has(reply), rater: HUMAN, at };
      } else if (m.type === 'eval/undo' && this.canUndo()) line = { op: 'undo', rater: HUMAN, at };
      if (line) {
        await this.log.append(line);
        this.lines.push(line);
      }
      this.post();
    });
    return this.queue.catch((e: Error) => {
      this.out.error(`rating not saved: ${e.message}`);
      void vscode.window.showErrorMessage(`Socratune: the rating was not saved: ${e.message}`);
    });
  }

  private canUndo(): boolean {
    let depth = 0;
    for (const l of this.lines) if (l.rater === HUMAN) depth = l.op === 'undo' ? Math.max(0, depth - 1) : depth + 1;
    return depth > 0;
  }

  /** Replies you flagged as nonsense (after undos). */
  private flagged(): Set<string> {
    return foldRatings(this.lines).nonsense.get(HUMAN) ?? new Set<string>();
  }

  private post(): void {
    const verdicts = foldRatings(this.lines).verdicts.get(HUMAN);
    const flagged = this.flagged();
    const rated = this.pairs.filter((p) => verdicts?.has(p.id)).length;
    const next = nextPair(this.pairs, verdicts);
    const q = next && this.plan.questions.find((x) => x.id === next.question);
    const msg: ToRatingWebview =
      next && q
        ? {
            type: 'eval/pair',
            pair: {
              id: next.id,
              question: q.text,
              ...(q.reference ? { reference: q.reference } : {}),
              left: this.texts.get(replyKey(next.left)) ?? '',
              right: this.texts.get(replyKey(next.right)) ?? '',
              nonsense: { left: flagged.has(replyKey(next.left)), right: flagged.has(replyKey(next.right)) },
            },
            rated,
            total: this.pairs.length,
            canUndo: this.canUndo(),
          }
        : { type: 'eval/done', rated, total: this.pairs.length, canUndo: this.canUndo() };
    this.lastSent = msg;
    void this.panel.webview.postMessage(msg);
    this.sentEmitter.fire(msg);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subs.splice(0)) s.dispose();
    void this.log.close();
    this.sentEmitter.dispose();
    this.panel.dispose();
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
  }
}
