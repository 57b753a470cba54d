import { LIMITS } from '../../shared/protocol';
import { h, icon } from './dom';

export interface ComposerHandlers {
  send(text: string, editingTurnId: string | undefined): void;
  stop(): void;
  /** ↑ on an empty composer: the last user message to edit, if any. */
  lastPrompt(): { id: string; text: string } | undefined;
  isStreaming(): boolean;
  changed(draft: string, editing: string | undefined): void;
}

/**
 * The prompt box. Enter sends, Shift+Enter inserts a newline, Esc stops a streaming reply (or cancels an
 * edit), ↑ in an empty box loads the last prompt for editing (sending then resubmits from that turn).
 */
export class Composer {
  readonly el: HTMLElement;
  readonly input: HTMLTextAreaElement;
  private readonly sendBtn: HTMLButtonElement;
  private readonly stopBtn: HTMLButtonElement;
  private readonly banner: HTMLElement;
  private editing: string | undefined;

  constructor(private readonly on: ComposerHandlers) {
    this.input = h('textarea', {
      class: 'composer-input',
      rows: 3,
      'aria-label': 'Message',
      placeholder: 'Ask your model… (Enter sends · Shift+Enter new line · ↑ edits your last message)',
      maxlength: LIMITS.promptChars,
    });
    this.sendBtn = h(
      'button',
      { type: 'button', class: 'primary-button send-button', 'aria-label': 'Send (Enter)', title: 'Send (Enter)' },
      icon('send'),
      ' Send',
    );
    this.stopBtn = h(
      'button',
      { type: 'button', class: 'primary-button stop-button', 'aria-label': 'Stop (Esc)', title: 'Stop (Esc)', hidden: true },
      icon('debug-stop'),
      ' Stop',
    );
    this.banner = h('div', { class: 'editing-banner', hidden: true, role: 'status' });
    this.el = h(
      'div',
      { class: 'composer' },
      this.banner,
      h('div', { class: 'composer-row' }, this.input, h('div', { class: 'composer-buttons' }, this.sendBtn, this.stopBtn)),
    );
    this.sendBtn.addEventListener('click', () => this.submit());
    this.stopBtn.addEventListener('click', () => this.on.stop());
    this.input.addEventListener('input', () => this.on.changed(this.input.value, this.editing));
    this.input.addEventListener('keydown', (e) => this.onKey(e));
  }

  setStreaming(streaming: boolean): void {
    this.stopBtn.hidden = !streaming;
    this.sendBtn.hidden = streaming;
  }

  restore(draft: string, editing: string | undefined): void {
    this.input.value = draft;
    this.setEditing(editing);
  }

  focus(text?: string): void {
    if (text !== undefined) this.input.value = text;
    this.input.focus();
  }

  /** A short note in the banner line (e.g. why Enter did nothing). */
  private hint(text: string): void {
    this.banner.hidden = false;
    this.banner.replaceChildren(icon('info'), ` ${text}`);
    setTimeout(() => this.setEditing(this.editing), 4000);
  }

  private setEditing(id: string | undefined): void {
    this.editing = id;
    this.banner.hidden = !id;
    this.banner.replaceChildren(icon('edit'), ' Editing an earlier message: Enter resubmits from there (later turns are replaced), Esc cancels.');
    this.el.classList.toggle('editing', !!id);
  }

  private submit(): void {
    const text = this.input.value;
    if (!text.trim()) return;
    if (this.on.isStreaming() && !this.editing) {
      this.hint('A reply is still streaming: press Esc (or Stop) first, then send.');
      return;
    }
    this.on.send(text, this.editing);
    this.input.value = '';
    this.setEditing(undefined);
    this.on.changed('', undefined);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      this.submit();
    } else if (e.key === 'Escape') {
      if (this.on.isStreaming()) {
        e.preventDefault();
        this.on.stop();
      } else if (this.editing) {
        e.preventDefault();
        this.input.value = '';
        this.setEditing(undefined);
        this.on.changed('', undefined);
      }
    } else if (e.key === 'ArrowUp' && this.input.value === '') {
      const last = this.on.lastPrompt();
      if (!last) return;
      e.preventDefault();
      this.input.value = last.text;
      this.setEditing(last.id);
      this.input.setSelectionRange(last.text.length, last.text.length);
      this.on.changed(this.input.value, this.editing);
    }
  }
}
