/** Tiny DOM helpers: elements are built with properties, never from HTML strings (model output excepted,
 *  which goes through markdown.ts + DOMPurify). No inline styles anywhere (the CSP forbids them). */

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function icon(name: string): HTMLSpanElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

/** A toolbar-style icon button with an accessible name and a tooltip. */
export function iconButton(name: string, label: string, action: string, extra: Attrs = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: 'icon-button', 'aria-label': label, title: label, 'data-action': action, ...extra }, icon(name));
}

export function textButton(label: string, action: string, extra: Attrs = {}, iconName?: string): HTMLButtonElement {
  return h('button', { type: 'button', class: 'text-button', 'data-action': action, ...extra }, iconName ? icon(iconName) : null, label);
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const now = new Date();
  return d.toDateString() === now.toDateString() ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString();
}
