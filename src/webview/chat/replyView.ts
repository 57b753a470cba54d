import { DeltaBatcher, FlushScheduler } from '../../core/chat/deltaBatcher';
import { isPartialReply } from '../../core/chat/types';
import type { CompareSide, Reply } from '../../shared/protocol';
import { h, icon, iconButton, textButton } from './dom';
import { IncrementalMarkdown } from './incremental';
import { MarkdownIt, Sanitizer } from './markdown';

/** Deltas are applied at most once per animation frame. */
export const frameScheduler: FlushScheduler = {
  schedule: (cb) => requestAnimationFrame(() => cb()),
  cancel: (handle) => cancelAnimationFrame(handle as number),
};

export interface RenderDeps {
  readonly md: MarkdownIt;
  readonly sanitize: Sanitizer;
  /** Host-side dataset feature present (else "Add" explains itself when clicked). */
  datasetAvailable: () => boolean;
}

const STATUS_TEXT: Record<Reply['status'], string> = {
  streaming: 'Replying…',
  done: '',
  stopped: 'Stopped — partial reply kept',
  error: 'Failed — partial reply kept',
  interrupted: 'Interrupted (the window closed while streaming) — partial reply kept',
};

/**
 * One assistant reply: header (model, system prompt), incrementally rendered markdown, inline error with
 * Retry, and the actions (copy, regenerate, 👍/👎, add to training set). Streaming text arrives through
 * `applyDelta` with its offset; a frame-cadence batcher feeds the incremental renderer.
 */
export class ReplyView {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly header: HTMLElement;
  private readonly errorBox: HTMLElement;
  private readonly actions: HTMLElement;
  private renderer: IncrementalMarkdown;
  private readonly batcher: DeltaBatcher;
  /** Characters received (rendered or waiting in the batcher). */
  private received = 0;
  private reply: Reply;
  private retryTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    reply: Reply,
    private readonly deps: RenderDeps,
    private readonly opts: { side?: CompareSide; canRegenerate: boolean },
  ) {
    this.reply = reply;
    this.header = h('div', { class: 'reply-header' });
    this.body = h('div', { class: 'md', 'aria-live': 'polite' });
    this.errorBox = h('div', { class: 'reply-error', role: 'alert', hidden: true });
    this.actions = h('div', { class: 'reply-actions', role: 'toolbar', 'aria-label': 'Reply actions' });
    this.el = h('div', { class: 'reply', ...(opts.side ? { 'data-side': opts.side } : {}) }, this.header, this.body, this.errorBox, this.actions);
    this.renderer = new IncrementalMarkdown(this.body, deps.md, deps.sanitize);
    this.batcher = new DeltaBatcher((text) => {
      this.renderer.append(text);
      this.renderer.render();
    }, frameScheduler);
    this.renderer.reset(reply.text);
    this.received = reply.text.length;
    if (reply.status !== 'streaming') this.renderer.finish();
    this.renderChrome();
  }

  get text(): string {
    return this.reply.status === 'streaming' ? this.renderer.text : this.reply.text;
  }

  get status(): Reply['status'] {
    return this.reply.status;
  }

  /** Streamed text starting at character `offset`; overlaps with what is already here are skipped. */
  applyDelta(offset: number, text: string): void {
    if (this.reply.status !== 'streaming') return;
    const end = offset + text.length;
    if (end <= this.received) return;
    if (offset > this.received) return; // a gap: the final turn will carry the full text
    this.batcher.push(text.slice(this.received - offset));
    this.received = end;
  }

  /** Render pending deltas now instead of on the next animation frame. */
  flush(): void {
    this.batcher.flush();
  }

  /** A new version of the reply from the host (final text, status, feedback…). */
  update(reply: Reply): void {
    const wasStreaming = this.reply.status === 'streaming';
    this.reply = reply;
    if (reply.status === 'streaming') {
      if (!wasStreaming || reply.text.length > this.received) {
        this.batcher.flush();
        this.renderer = new IncrementalMarkdown(this.body, this.deps.md, this.deps.sanitize);
        this.renderer.reset(reply.text);
        this.received = reply.text.length;
      }
    } else {
      this.batcher.flush();
      if (this.renderer.text !== reply.text || !wasStreaming) {
        this.renderer = new IncrementalMarkdown(this.body, this.deps.md, this.deps.sanitize);
        this.renderer.reset(reply.text);
      }
      this.renderer.finish();
      this.received = reply.text.length;
    }
    this.renderChrome();
  }

  private renderChrome(): void {
    const r = this.reply;
    const streaming = r.status === 'streaming';
    this.el.classList.toggle('streaming', streaming);
    this.el.dataset.status = r.status;
    this.body.setAttribute('aria-busy', streaming ? 'true' : 'false');

    this.renderHeader(r, streaming);
    this.renderErrorBox(r);
    this.renderActions(r, streaming);
  }

  private renderHeader(r: Reply, streaming: boolean): void {
    const promptTitle = r.setup.systemPrompt ? `System prompt (${r.setup.promptLabel ?? r.setup.promptSource}):\n${r.setup.systemPrompt}` : 'No system prompt';
    const headerParts: (HTMLElement | null)[] = [
      h('span', { class: 'model-name', title: r.setup.model }, icon('hubot'), ` ${shortModel(r.setup.model)}`),
      h(
        'span',
        { class: `prompt-badge prompt-${r.setup.promptSource}`, title: promptTitle },
        icon('quote'),
        ` ${r.setup.promptSource === 'none' ? 'no prompt' : r.setup.promptSource}`,
      ),
      streaming ? h('span', { class: 'status streaming-indicator', role: 'status' }, icon('loading codicon-modifier-spin'), ' Replying…') : null,
      !streaming && r.status !== 'done' ? h('span', { class: `status status-${r.status}` }, r.status === 'error' ? 'failed' : r.status) : null,
      r.usage
        ? h(
            'span',
            { class: 'usage', title: `prompt ${r.usage.promptTokens} · completion ${r.usage.completionTokens} tokens` },
            `${r.usage.completionTokens} tok`,
          )
        : null,
      r.finishReason === 'length' ? h('span', { class: 'status status-length' }, 'cut at max tokens') : null,
    ];
    this.header.replaceChildren(...headerParts.filter((x): x is HTMLElement => x !== null));
  }

  private renderErrorBox(r: Reply): void {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    if (r.error) {
      const retry = textButton('Retry', 'retry', {}, 'refresh');
      const extra: HTMLElement[] = [];
      if (r.error.kind === 'no-key' || r.error.kind === 'auth') extra.push(textButton('Set API Key', 'run-command', { 'data-command': 'setApiKey' }, 'key'));
      if (r.error.kind === 'config' || r.error.kind === 'network')
        extra.push(textButton('Choose Backend', 'run-command', { 'data-command': 'selectProvider' }, 'server'));
      if (r.error.retryAfterMs && r.endedAt) {
        const until = r.endedAt + r.error.retryAfterMs;
        const tick = (): void => {
          const left = Math.ceil((until - Date.now()) / 1000);
          retry.disabled = left > 0;
          retry.lastChild!.textContent = left > 0 ? `Retry in ${left} s` : 'Retry';
          if (left <= 0 && this.retryTimer) {
            clearInterval(this.retryTimer);
            this.retryTimer = undefined;
          }
        };
        tick();
        if (until > Date.now()) this.retryTimer = setInterval(tick, 500);
      }
      this.errorBox.replaceChildren(
        icon('error'),
        h('span', { class: 'error-text', text: r.error.message }),
        h('span', { class: 'error-actions' }, ...(r.error.retryable ? [retry] : []), ...extra),
      );
      this.errorBox.hidden = false;
    } else if (r.status === 'stopped' || r.status === 'interrupted') {
      this.errorBox.replaceChildren(
        icon('debug-stop'),
        h('span', { class: 'error-text', text: STATUS_TEXT[r.status] }),
        h('span', { class: 'error-actions' }, textButton('Retry', 'retry', {}, 'refresh')),
      );
      this.errorBox.hidden = false;
      this.errorBox.classList.add('soft');
    } else {
      this.errorBox.hidden = true;
      this.errorBox.classList.remove('soft');
    }
  }

  private renderActions(r: Reply, streaming: boolean): void {
    const hasText = r.text.trim().length > 0;
    const added = r.addedToDataset !== undefined;
    // A stopped, cut or failed reply is partial: it becomes training data only after the user edits it.
    const partial = isPartialReply(r);
    this.actions.replaceChildren(
      ...(streaming
        ? [textButton('Stop', 'stop', {}, 'debug-stop')]
        : [
            iconButton('copy', 'Copy reply', 'copy-reply', { disabled: !hasText }),
            this.opts.canRegenerate ? iconButton('refresh', 'Regenerate', 'regenerate') : null,
            iconButton(r.feedback === 'up' ? 'thumbsup-filled' : 'thumbsup', 'Good reply', 'feedback-up', {
              'aria-pressed': r.feedback === 'up' ? 'true' : 'false',
            }),
            iconButton(r.feedback === 'down' ? 'thumbsdown-filled' : 'thumbsdown', 'Bad reply', 'feedback-down', {
              'aria-pressed': r.feedback === 'down' ? 'true' : 'false',
            }),
            added
              ? h('span', { class: 'added-badge', title: `Example ${r.addedToDataset?.id}` }, icon('pass-filled'), ' In training set')
              : partial
                ? null
                : textButton(
                    'Add to Training Set',
                    'add-to-dataset',
                    {
                      disabled: !hasText,
                      title: this.deps.datasetAvailable()
                        ? 'Add this prompt and reply as a training example'
                        : 'The dataset feature is not available in this build',
                    },
                    'add',
                  ),
            added
              ? null
              : iconButton('edit', partial ? 'This reply is incomplete: edit it, then Add to Training Set' : 'Edit, then Add to Training Set', 'edit-add', {
                  disabled: !hasText,
                }),
          ].filter((x): x is HTMLElement => x !== null)),
    );
  }

  dispose(): void {
    this.batcher.dispose(true);
    if (this.retryTimer) clearInterval(this.retryTimer);
  }
}

function shortModel(id: string): string {
  // ft:gpt-4.1-mini-2025-04-14:org:mentor:AbC123:ckpt-step-10 → ft:…:mentor:AbC123:ckpt-step-10
  if (id.startsWith('ft:')) {
    const parts = id.split(':');
    return parts.length > 3 ? `ft:${parts[1].replace(/-\d{4}-\d{2}-\d{2}$/, '')}:${parts.slice(3).join(':')}` : id;
  }
  return id;
}
