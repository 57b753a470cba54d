import type { CompareSide, CompareTurn, Conversation, SettingsPayload, Turn, UserTurn } from '../../shared/protocol';
import { h, icon, iconButton, textButton } from './dom';
import { RenderDeps, ReplyView } from './replyView';

const EMPTY_NO_MODEL = 'Pick a model above: a fine-tuned one applies the system prompt it was trained with.';

interface TurnView {
  turn: Turn;
  el: HTMLElement;
  replies: Map<CompareSide | 'main', ReplyView>;
}

/**
 * The message list. Turns are keyed by id: an upsert re-renders one turn, a truncate removes the tail, a
 * delta goes straight to its ReplyView. Off-screen turns skip layout and paint (`content-visibility: auto`
 * in chat.css), so a 500-turn conversation stays responsive.
 */
export class Transcript {
  readonly el: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly emptyHint = h('p', { class: 'empty-hint', text: EMPTY_NO_MODEL });
  private conversationId: string | undefined;
  private views: TurnView[] = [];
  private readonly byId = new Map<string, TurnView>();
  private editingTurn: string | undefined;
  private stickToBottom = true;

  constructor(private readonly deps: RenderDeps) {
    this.empty = h(
      'div',
      { class: 'empty-state' },
      h('div', { class: 'empty-title' }, icon('comment-discussion'), ' Talk to your model'),
      this.emptyHint,
      h('p', { class: 'empty-keys', text: 'Enter sends, Shift+Enter adds a line, Esc stops, ↑ edits your last message.' }),
    );
    this.el = h('div', { class: 'transcript', role: 'log', 'aria-label': 'Conversation', 'aria-live': 'off' }, this.empty);
    this.el.addEventListener('scroll', () => {
      this.stickToBottom = this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight < 40;
    });
  }

  /** The empty state names the model a first question goes to (and why it was chosen), or asks for one. */
  setEmptyHint(p: SettingsPayload): void {
    const model = p.settings.model;
    if (!model) {
      this.emptyHint.textContent = EMPTY_NO_MODEL;
      return;
    }
    const prompt = p.activePrompt.source === 'bound' ? ' The system prompt it was trained with is applied.' : '';
    this.emptyHint.textContent = `${p.modelNote ?? `Chatting with ${model}.`}${prompt} Change the model in the picker above.`;
  }

  get id(): string | undefined {
    return this.conversationId;
  }

  get turns(): Turn[] {
    return this.views.map((v) => v.turn);
  }

  /** Replace everything (snapshot). */
  load(conv: Conversation | null): void {
    for (const v of this.views) for (const r of v.replies.values()) r.dispose();
    this.views = [];
    this.byId.clear();
    this.editingTurn = undefined;
    this.conversationId = conv?.id;
    const frag = document.createDocumentFragment();
    for (const t of conv?.turns ?? []) {
      const v = this.build(t);
      this.views.push(v);
      this.byId.set(t.id, v);
      frag.append(v.el);
    }
    this.el.replaceChildren(frag);
    this.updateEmpty();
    this.stickToBottom = true;
    this.scrollToEnd();
  }

  upsert(conversationId: string, turn: Turn): void {
    if (this.conversationId !== conversationId) {
      if (this.conversationId !== undefined) return;
      this.conversationId = conversationId;
    }
    const existing = this.byId.get(turn.id);
    if (existing && existing.turn.kind === turn.kind && turn.kind !== 'user') {
      existing.turn = turn;
      if (turn.kind === 'assistant') existing.replies.get('main')?.update(turn.reply);
      else {
        existing.replies.get('a')?.update(turn.a);
        existing.replies.get('b')?.update(turn.b);
        this.renderPick(existing.el, turn);
      }
      this.refreshRegenerate();
      this.scrollToEnd();
      return;
    }
    const v = this.build(turn);
    if (existing) {
      for (const r of existing.replies.values()) r.dispose();
      existing.el.replaceWith(v.el);
      this.views[this.views.indexOf(existing)] = v;
    } else {
      this.views.push(v);
      this.el.append(v.el);
    }
    this.byId.set(turn.id, v);
    this.updateEmpty();
    this.refreshRegenerate();
    this.scrollToEnd();
  }

  truncate(conversationId: string, keep: number): void {
    if (this.conversationId !== conversationId) return;
    for (const v of this.views.splice(keep)) {
      for (const r of v.replies.values()) r.dispose();
      v.el.remove();
      this.byId.delete(v.turn.id);
    }
    this.updateEmpty();
    this.refreshRegenerate();
  }

  delta(conversationId: string, turnId: string, side: CompareSide | undefined, offset: number, text: string): void {
    if (this.conversationId !== conversationId) return;
    this.byId
      .get(turnId)
      ?.replies.get(side ?? 'main')
      ?.applyDelta(offset, text);
    this.scrollToEnd();
  }

  /** Render every pending delta now (instead of on the next animation frame). */
  flushRendering(): void {
    for (const v of this.views) for (const r of v.replies.values()) r.flush();
  }

  replyText(turnId: string, side?: CompareSide): string | undefined {
    return this.byId.get(turnId)?.replies.get(side ?? 'main')?.text;
  }

  lastUserTurn(): UserTurn | undefined {
    for (let i = this.views.length - 1; i >= 0; i--) {
      const t = this.views[i].turn;
      if (t.kind === 'user') return t;
    }
    return undefined;
  }

  isStreaming(): boolean {
    return this.views.some((v) => [...v.replies.values()].some((r) => r.status === 'streaming'));
  }

  /** Show the inline editor on a user turn. */
  startEdit(turnId: string): void {
    const v = this.byId.get(turnId);
    if (!v || v.turn.kind !== 'user') return;
    this.cancelEdit();
    this.editingTurn = turnId;
    const area = h('textarea', { class: 'edit-area', 'aria-label': 'Edit your message', rows: 3 });
    area.value = v.turn.text;
    const bar = h('div', { class: 'edit-bar' }, textButton('Save & Resubmit', 'edit-save', {}, 'send'), textButton('Cancel', 'edit-cancel'));
    v.el.querySelector('.user-text')?.replaceWith(h('div', { class: 'user-edit' }, area, bar));
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }

  cancelEdit(): void {
    if (!this.editingTurn) return;
    const v = this.byId.get(this.editingTurn);
    this.editingTurn = undefined;
    if (v && v.turn.kind === 'user') v.el.querySelector('.user-edit')?.replaceWith(userText(v.turn.text));
  }

  editedText(turnId: string): string | undefined {
    const area = this.byId.get(turnId)?.el.querySelector<HTMLTextAreaElement>('.edit-area');
    return area?.value;
  }

  private build(turn: Turn): TurnView {
    const replies = new Map<CompareSide | 'main', ReplyView>();
    let el: HTMLElement;
    if (turn.kind === 'user') {
      el = h(
        'div',
        { class: 'turn user', 'data-turn-id': turn.id, role: 'article', 'aria-label': 'Your message' },
        h(
          'div',
          { class: 'turn-header' },
          h('span', { class: 'who' }, icon('account'), ' You'),
          iconButton('edit', 'Edit and resubmit from here', 'edit-turn'),
        ),
        userText(turn.text),
      );
    } else if (turn.kind === 'assistant') {
      const r = new ReplyView(turn.reply, this.deps, { canRegenerate: true });
      replies.set('main', r);
      el = h('div', { class: 'turn assistant', 'data-turn-id': turn.id, role: 'article', 'aria-label': 'Reply' }, r.el);
    } else {
      const a = new ReplyView(turn.a, this.deps, { side: 'a', canRegenerate: false });
      const b = new ReplyView(turn.b, this.deps, { side: 'b', canRegenerate: false });
      replies.set('a', a);
      replies.set('b', b);
      el = h(
        'div',
        { class: 'turn compare', 'data-turn-id': turn.id, role: 'article', 'aria-label': 'Comparison' },
        h(
          'div',
          { class: 'turn-header' },
          h('span', { class: 'who' }, icon('account'), ' You'),
          h('span', { class: 'compare-label' }, icon('split-horizontal'), ' compare'),
        ),
        userText(turn.prompt),
        ...compareColumns(turn, a, b),
        h('div', { class: 'compare-pick', role: 'group', 'aria-label': 'Which reply is better?' }),
      );
      this.renderPick(el, turn);
    }
    return { turn, el, replies };
  }

  private renderPick(el: HTMLElement, turn: CompareTurn): void {
    const box = el.querySelector('.compare-pick');
    if (!box) return;
    const done = turn.a.status !== 'streaming' && turn.b.status !== 'streaming';
    const btn = (label: string, pick: 'a' | 'b' | 'tie', iconName: string): HTMLButtonElement =>
      textButton(
        label,
        'pick',
        {
          'data-pick': pick,
          'aria-pressed': turn.pick === pick ? 'true' : 'false',
          disabled: !done,
          class: `text-button pick-button${turn.pick === pick ? ' picked' : ''}`,
        },
        iconName,
      );
    box.replaceChildren(
      h('span', { class: 'pick-label', text: turn.pick ? 'Your pick:' : 'Which is better?' }),
      btn('A is better', 'a', 'arrow-left'),
      btn('Tie', 'tie', 'dash'),
      btn('B is better', 'b', 'arrow-right'),
    );
  }

  /** Regenerate makes sense on the last reply only. */
  private refreshRegenerate(): void {
    const lastAssistant = [...this.views].reverse().find((v) => v.turn.kind === 'assistant');
    for (const v of this.views) {
      if (v.turn.kind !== 'assistant') continue;
      v.el.querySelectorAll<HTMLElement>('[data-action="regenerate"]').forEach((b) => (b.hidden = v !== lastAssistant));
    }
  }

  private updateEmpty(): void {
    if (this.views.length === 0 && !this.empty.isConnected) this.el.append(this.empty);
    if (this.views.length > 0) this.empty.remove();
  }

  private scrollToEnd(): void {
    if (this.stickToBottom) this.el.scrollTop = this.el.scrollHeight;
  }
}

function userText(text: string): HTMLElement {
  return h('div', { class: 'user-text', text });
}

function colWrap(label: string, model: string, r: ReplyView): HTMLElement {
  return h(
    'div',
    { class: 'compare-col', 'data-side': label.toLowerCase() },
    h('div', { class: 'col-label', text: `${label} · ${model}`, title: model }),
    r.el,
  );
}

/**
 * Columns A and B side by side; in a narrow view (chat.css, under 420 px) one at a time, chosen with the A/B tabs
 * above them (the tabs are hidden when both columns fit).
 */
function compareColumns(turn: CompareTurn, a: ReplyView, b: ReplyView): HTMLElement[] {
  const grid = h('div', { class: 'compare-grid', 'data-show': 'a' }, colWrap('A', turn.a.setup.model, a), colWrap('B', turn.b.setup.model, b));
  const tabs = h('div', { class: 'compare-tabs', role: 'tablist', 'aria-label': 'Show reply' });
  const tab = (side: 'a' | 'b'): HTMLButtonElement => {
    const model = side === 'a' ? turn.a.setup.model : turn.b.setup.model;
    // The dated suffix is dropped so the name fits a narrow tab; the full ID is the tooltip.
    const short = model.replace(/-\d{4}-\d{2}-\d{2}(?=$|:)/, '');
    const btn = h('button', { type: 'button', class: 'compare-tab', role: 'tab', 'data-side': side, title: model }, `${side.toUpperCase()} · ${short}`);
    btn.addEventListener('click', () => {
      grid.dataset.show = side;
      for (const t of tabs.querySelectorAll('.compare-tab')) t.setAttribute('aria-selected', String((t as HTMLElement).dataset.side === side));
    });
    return btn;
  };
  tabs.append(tab('a'), tab('b'));
  tabs.firstElementChild?.setAttribute('aria-selected', 'true');
  tabs.lastElementChild?.setAttribute('aria-selected', 'false');
  return [tabs, grid];
}
