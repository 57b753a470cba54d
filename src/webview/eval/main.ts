/**
 * Blind rating webview: two replies side by side, no contestant named. Text is put in with textContent only
 * (a reply can contain no markup that runs or loads anything). Keys: 1 / 2 / = / s / u (see keys.ts).
 */
import type { FromRatingWebview, ToRatingWebview } from '../../shared/evalProtocol';
import { ratingKey } from './keys';

interface VsCodeApi {
  postMessage(message: FromRatingWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const api = acquireVsCodeApi();

let current: string | undefined;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(label: string, title: string, onClick: () => void, enabled = true): HTMLButtonElement {
  const b = el('button', 'action', label);
  b.title = title;
  b.disabled = !enabled;
  b.addEventListener('click', onClick);
  return b;
}

function rate(verdict: '1' | '2' | 'tie' | 'skip') {
  if (current) api.postMessage({ type: 'eval/rate', pair: current, verdict });
}

function render(m: ToRatingWebview) {
  const app = document.getElementById('app') as HTMLElement;
  app.replaceChildren();
  const status = el('div', 'status', `${m.rated} of ${m.total} pairs rated`);
  status.setAttribute('role', 'status');
  app.append(status);
  const undo = () => api.postMessage({ type: 'eval/undo' });
  if (m.type === 'eval/done') {
    current = undefined;
    app.append(el('p', 'done', 'Every pair is rated. Close this tab, or press u to undo the last rating.'), el('div', 'actions'));
    app.lastElementChild?.append(button('Undo (u)', 'Take back the last rating', undo, m.canUndo));
    return;
  }
  current = m.pair.id;
  app.append(el('h2', 'question', m.pair.question));
  if (m.pair.reference) {
    const ref = el('details', 'reference');
    ref.append(el('summary', '', 'Your own answer'), el('div', 'text', m.pair.reference));
    app.append(ref);
  }
  const sides = el('div', 'sides');
  for (const [n, text] of [
    ['1', m.pair.left],
    ['2', m.pair.right],
  ] as const) {
    const side = el('section', `side side-${n}`);
    side.append(
      el('h3', '', `Reply ${n}`),
      el('div', 'text', text),
      button(`${n} is better (${n})`, `Reply ${n} is better`, () => rate(n)),
    );
    sides.append(side);
  }
  app.append(sides);
  const actions = el('div', 'actions');
  actions.append(
    button('Tie (=)', 'Neither is better', () => rate('tie')),
    button('Skip (s)', 'Rate later', () => rate('skip')),
    button('Undo (u)', 'Take back the last rating', undo, m.canUndo),
  );
  app.append(actions);
}

window.addEventListener('message', (e: MessageEvent<ToRatingWebview>) => {
  const m = e.data;
  if (m && (m.type === 'eval/pair' || m.type === 'eval/done')) render(m);
});

window.addEventListener('keydown', (e) => {
  const a = ratingKey(e);
  if (!a) return;
  e.preventDefault();
  if (a.kind === 'undo') api.postMessage({ type: 'eval/undo' });
  else rate(a.verdict);
});

api.postMessage({ type: 'eval/ready' });
