/**
 * The chat webview (browser code, no VS Code API beyond postMessage/state). Shows what the host's session
 * sends — a snapshot on `chat/ready`, then turn upserts and batched deltas — and turns user actions into
 * validated protocol messages. Model output only reaches the DOM through markdown.ts (markdown-it with
 * HTML off, then DOMPurify); links are inert until the host confirms.
 */
import type { CompareSide, DatasetInfo, HostCommand, ToChatWebview } from '../../shared/protocol';
import { HOST_COMMANDS, PROTOCOL_VERSION } from '../../shared/protocol';
import { decodeToChatWebview } from '../../shared/protocolToWebview';
import { Composer } from './composer';
import { h, icon } from './dom';
import { HistoryPanel } from './history';
import { createMarkdown, createSanitizer } from './markdown';
import { Toolbar } from './toolbar';
import { Transcript } from './transcript';
import { loadState, post, saveState, ViewState } from './vscodeApi';

const root = document.getElementById('app');
if (!root) throw new Error('chat: #app missing');

let dataset: DatasetInfo = { available: false };
const streams = new Set<string>();
const viewState: ViewState = loadState();

const md = createMarkdown();
const sanitize = createSanitizer(window);
const transcript = new Transcript({ md, sanitize, datasetAvailable: () => dataset.available });
const toolbar = new Toolbar();
const history = new HistoryPanel();
const notices = h('div', { class: 'notices', role: 'status', 'aria-live': 'polite' });
const composer = new Composer({
  send(text, editing) {
    if (editing && transcript.turns.some((t) => t.id === editing)) post({ type: 'chat/editResend', turnId: editing, text });
    else post({ type: 'chat/send', text });
  },
  stop() {
    post({ type: 'chat/stop' });
  },
  lastPrompt() {
    const t = transcript.lastUserTurn();
    return t ? { id: t.id, text: t.text } : undefined;
  },
  isStreaming: () => streams.size > 0,
  changed(draft, editing) {
    viewState.draft = draft;
    if (editing) viewState.editing = editing;
    else delete viewState.editing;
    saveState(viewState);
  },
});

root.append(toolbar.el, history.el, notices, transcript.el, composer.el);
composer.restore(viewState.draft, viewState.editing);
history.open = viewState.historyOpen ?? false;

function notice(level: 'info' | 'warning' | 'error', message: string): void {
  const el = h(
    'div',
    { class: `notice notice-${level}`, role: level === 'error' ? 'alert' : 'status' },
    icon(level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'info'),
    h('span', { text: message }),
  );
  const close = h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Dismiss', title: 'Dismiss' }, icon('close'));
  close.addEventListener('click', () => el.remove());
  el.append(close);
  notices.append(el);
  while (notices.children.length > 3) notices.firstElementChild?.remove();
  if (level === 'info') setTimeout(() => el.remove(), 6000);
}

function setStreams(): void {
  composer.setStreaming(streams.size > 0);
  root!.dataset.streaming = String(streams.size > 0);
}

function onMessage(m: ToChatWebview): void {
  switch (m.type) {
    case 'chat/state': {
      const s = m.snapshot;
      dataset = s.dataset;
      streams.clear();
      for (const x of s.streams) streams.add(x.requestId);
      toolbar.setModels(s.models);
      toolbar.setSettings(s);
      transcript.setEmptyHint(s);
      transcript.load(s.conversation);
      history.set(s.conversations, s.conversation?.id);
      setStreams();
      root!.dataset.ready = 'true';
      break;
    }
    case 'chat/turn':
      transcript.upsert(m.conversationId, m.turn);
      history.setCurrent(transcript.id);
      break;
    case 'chat/truncate':
      transcript.truncate(m.conversationId, m.keep);
      break;
    case 'chat/streamStart':
      streams.add(m.stream.requestId);
      setStreams();
      break;
    case 'chat/delta':
      transcript.delta(m.conversationId, m.turnId, m.side, m.offset, m.text);
      break;
    case 'chat/streamEnd':
      streams.delete(m.requestId);
      setStreams();
      break;
    case 'chat/conversations':
      history.set(m.conversations, transcript.id);
      break;
    case 'chat/settings':
      toolbar.setSettings(m);
      transcript.setEmptyHint(m);
      break;
    case 'chat/models':
      toolbar.setModels(m.models);
      break;
    case 'chat/dataset':
      dataset = m.dataset;
      break;
    case 'chat/notice':
      notice(m.level, m.message);
      break;
    case 'chat/focusComposer':
      composer.focus(m.text);
      break;
    default: {
      const never: never = m;
      return never;
    }
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = decodeToChatWebview(event.data);
  if (m.ok) onMessage(m.value);
  else console.warn(`Socratune: ignored a malformed message from the host (${m.message}).`);
});

// ---------------------------------------------------------------- actions (event delegation)

function turnOf(el: Element): { turnId?: string; side?: CompareSide } {
  const turnId = el.closest<HTMLElement>('[data-turn-id]')?.dataset.turnId;
  const sideAttr = el.closest<HTMLElement>('[data-side]')?.dataset.side;
  const side = sideAttr === 'a' || sideAttr === 'b' ? sideAttr : undefined;
  return { turnId, ...(side ? { side } : {}) };
}

function flash(btn: HTMLElement, label: string): void {
  const old = btn.getAttribute('aria-label') ?? '';
  btn.classList.add('flash');
  btn.setAttribute('aria-label', label);
  btn.title = label;
  setTimeout(() => {
    btn.classList.remove('flash');
    btn.setAttribute('aria-label', old);
    btn.title = old;
  }, 1200);
}

function openLink(el: HTMLElement): void {
  const href = el.dataset.href;
  if (href && /^(https?:|mailto:)/i.test(href)) post({ type: 'chat/openLink', href });
}

document.addEventListener('click', (e) => {
  const target = e.target as Element;
  const link = target.closest<HTMLElement>('[data-href]');
  if (link) {
    e.preventDefault();
    openLink(link);
    return;
  }
  const btn = target.closest<HTMLElement>('[data-action]');
  const action = btn?.dataset.action;
  if (!btn || !action || (btn as HTMLButtonElement).disabled) return;
  const { turnId, side } = turnOf(btn);
  const sideArg = side ? { side } : {};
  switch (action) {
    case 'run-command': {
      const c = btn.dataset.command;
      if (c && (HOST_COMMANDS as readonly string[]).includes(c)) post({ type: 'chat/runCommand', command: c as HostCommand });
      return;
    }
    case 'toggle-history':
      history.open = !history.open;
      toolbar.historyBtn.setAttribute('aria-expanded', String(history.open));
      viewState.historyOpen = history.open;
      saveState(viewState);
      return;
    case 'copy-code': {
      const code = btn.closest('.code-block')?.querySelector('code')?.textContent ?? '';
      post({ type: 'chat/copy', text: code });
      flash(btn, 'Copied');
      return;
    }
    case 'stop':
      post({ type: 'chat/stop' });
      return;
  }
  if (!turnId) return;
  switch (action) {
    case 'copy-reply':
      post({ type: 'chat/copy', text: transcript.replyText(turnId, side) ?? '' });
      flash(btn, 'Copied');
      break;
    case 'regenerate':
      post({ type: 'chat/regenerate', turnId });
      break;
    case 'retry':
      post({ type: 'chat/retry', turnId, ...sideArg });
      break;
    case 'feedback-up':
    case 'feedback-down': {
      const value = action === 'feedback-up' ? 'up' : 'down';
      post({ type: 'chat/feedback', turnId, ...sideArg, value: btn.getAttribute('aria-pressed') === 'true' ? null : value });
      break;
    }
    case 'add-to-dataset':
      post({ type: 'chat/addToDataset', turnId, ...sideArg, edit: false });
      break;
    case 'edit-add':
      post({ type: 'chat/addToDataset', turnId, ...sideArg, edit: true });
      break;
    case 'pick': {
      const pick = btn.dataset.pick;
      if (pick === 'a' || pick === 'b' || pick === 'tie') post({ type: 'chat/pick', turnId, pick });
      break;
    }
    case 'edit-turn':
      transcript.startEdit(turnId);
      break;
    case 'edit-save': {
      const text = transcript.editedText(turnId);
      if (text && text.trim()) post({ type: 'chat/editResend', turnId, text });
      break;
    }
    case 'edit-cancel':
      transcript.cancelEdit();
      break;
  }
});

// Links are also reachable by keyboard (role=link, tabindex=0): Enter/Space opens through the host.
document.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement;
  if ((e.key === 'Enter' || e.key === ' ') && t.dataset?.href) {
    e.preventDefault();
    openLink(t);
  }
  if (e.key === 'Escape' && streams.size > 0 && !(t instanceof HTMLTextAreaElement)) post({ type: 'chat/stop' });
  if (e.key === 'Escape' && t.classList?.contains('edit-area')) transcript.cancelEdit();
});
// Middle-click on a link must not navigate either.
document.addEventListener('auxclick', (e) => {
  if ((e.target as Element).closest('[data-href]')) e.preventDefault();
});

post({ type: 'chat/ready', version: PROTOCOL_VERSION });
