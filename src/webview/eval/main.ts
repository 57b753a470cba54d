/**
 * Blind rating webview: two replies side by side, no contestant named. Text is put in with textContent only
 * (a reply can contain no markup that runs or loads anything). Keys: 1 / 2 / = / s / u, n then 1 / 2 (see keys.ts).
 */
import type { FromRatingWebview, ToRatingWebview } from '../../shared/evalProtocol';
import { KEY_HELP, ratingKey } from './keys';

interface VsCodeApi {
  postMessage(message: FromRatingWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const api = acquireVsCodeApi();

let current: string | undefined;
/** n was pressed: the next 1 / 2 flags that reply as nonsense. */
let pendingNonsense = false;
let last: ToRatingWebview | undefined;

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

function flag(side: '1' | '2') {
  pendingNonsense = false;
  if (current) api.postMessage({ type: 'eval/flag', pair: current, side });
}

function keyHelp(): HTMLElement {
  const help = el('dl', 'keys');
  help.setAttribute('aria-label', 'Keys');
  for (const [key, what] of KEY_HELP) help.append(el('dt', '', key), el('dd', '', what));
  return help;
}

function render(m: ToRatingWebview) {
  last = m;
  const app = document.getElementById('app') as HTMLElement;
  app.replaceChildren();
  const status = el(
    'div',
    'status',
    `${m.rated} of ${m.total} pairs rated${pendingNonsense && m.type === 'eval/pair' ? ' · nonsense: press 1 or 2 (Esc cancels)' : ''}`,
  );
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
  for (const [n, text, nonsense] of [
    ['1', m.pair.left, m.pair.nonsense.left],
    ['2', m.pair.right, m.pair.nonsense.right],
  ] as const) {
    const side = el('section', `side side-${n}${nonsense ? ' nonsense' : ''}`);
    const title = el('h3', '', `Reply ${n}`);
    if (nonsense) title.append(el('span', 'flag', ' · flagged as nonsense'));
    side.append(
      title,
      el('div', 'text', text),
      button(`${n} is better (${n})`, `Reply ${n} is better`, () => rate(n)),
      button(nonsense ? `Not nonsense (n ${n})` : `Nonsense (n ${n})`, `Flag reply ${n} as nonsense: it counts as a failure`, () => flag(n)),
    );
    sides.append(side);
  }
  app.append(sides);
  const actions = el('div', 'actions');
  actions.append(
    button('Tie (=)', 'Neither is better', () => rate('tie')),
    button('Skip (s)', 'Rate later', () => rate('skip')),
    button('Undo (u)', 'Take back the last rating or flag', undo, m.canUndo),
  );
  app.append(actions, keyHelp());
}

window.addEventListener('message', (e: MessageEvent<ToRatingWebview>) => {
  const m = e.data;
  if (m && (m.type === 'eval/pair' || m.type === 'eval/done')) render(m);
});

window.addEventListener('keydown', (e) => {
  const a = ratingKey(e, pendingNonsense);
  if (!a) return;
  e.preventDefault();
  switch (a.kind) {
    case 'undo':
      api.postMessage({ type: 'eval/undo' });
      return;
    case 'rate':
      rate(a.verdict);
      return;
    case 'flag':
      flag(a.side);
      break;
    case 'nonsense':
      pendingNonsense = current !== undefined;
      break;
    case 'cancel':
      pendingNonsense = false;
      break;
  }
  if (last) render(last);
});

api.postMessage({ type: 'eval/ready' });
