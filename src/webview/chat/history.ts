import type { ConversationSummary } from '../../shared/protocol';
import { formatTime, h, iconButton } from './dom';
import { post } from './vscodeApi';

/** The conversation list: open, rename (inline), export as markdown, delete (the host confirms). */
export class HistoryPanel {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private items: readonly ConversationSummary[] = [];
  private currentId: string | undefined;
  private renaming: string | undefined;

  constructor() {
    this.list = h('ul', { class: 'history-list', 'aria-label': 'Conversations' });
    this.el = h(
      'aside',
      { class: 'history', hidden: true, 'aria-label': 'Conversation history' },
      h('div', { class: 'history-title', text: 'Conversations' }),
      this.list,
    );
    this.el.addEventListener('click', (e) => this.onClick(e));
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  set open(v: boolean) {
    this.el.hidden = !v;
  }

  set(items: readonly ConversationSummary[], currentId: string | undefined): void {
    this.items = items;
    this.currentId = currentId;
    this.render();
  }

  setCurrent(id: string | undefined): void {
    this.currentId = id;
    this.render();
  }

  private render(): void {
    if (!this.items.length) {
      this.list.replaceChildren(h('li', { class: 'history-empty', text: 'No saved conversations yet.' }));
      return;
    }
    this.list.replaceChildren(
      ...this.items.map((c) => {
        const current = c.id === this.currentId;
        const main =
          this.renaming === c.id
            ? this.renameInput(c)
            : h(
                'button',
                { type: 'button', class: 'history-open', 'data-action': 'open', 'aria-current': current ? 'true' : undefined, title: c.title },
                h('span', { class: 'history-name', text: c.title }),
                h('span', { class: 'history-meta', text: `${formatTime(c.updatedAt)} · ${c.turnCount} turns${c.model ? ` · ${c.model}` : ''}` }),
              );
        return h(
          'li',
          { class: `history-item${current ? ' current' : ''}`, 'data-id': c.id },
          main,
          h(
            'span',
            { class: 'history-actions' },
            iconButton('edit', `Rename "${c.title}"`, 'rename'),
            iconButton('export', `Export "${c.title}" as markdown`, 'export'),
            iconButton('trash', `Delete "${c.title}"`, 'delete'),
          ),
        );
      }),
    );
  }

  private renameInput(c: ConversationSummary): HTMLInputElement {
    const input = h('input', { type: 'text', class: 'history-rename', 'aria-label': 'New title', maxlength: 120 });
    input.value = c.title;
    const finish = (commit: boolean): void => {
      if (this.renaming !== c.id) return;
      this.renaming = undefined;
      const title = input.value.trim();
      if (commit && title && title !== c.title) post({ type: 'conversation/rename', id: c.id, title });
      this.render();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') finish(true);
      if (e.key === 'Escape') finish(false);
    });
    input.addEventListener('blur', () => finish(true));
    queueMicrotask(() => {
      input.focus();
      input.select();
    });
    return input;
  }

  private onClick(e: MouseEvent): void {
    const btn = (e.target as Element).closest<HTMLElement>('[data-action]');
    const id = btn?.closest<HTMLElement>('[data-id]')?.dataset.id;
    const action = btn?.dataset.action;
    if (!btn || !id || !action) return;
    e.stopPropagation();
    switch (action) {
      case 'open':
        post({ type: 'conversation/open', id });
        break;
      case 'rename':
        this.renaming = id;
        this.render();
        break;
      case 'export':
        post({ type: 'conversation/export', id });
        break;
      case 'delete':
        post({ type: 'conversation/delete', id });
        break;
    }
  }
}
