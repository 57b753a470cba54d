/**
 * Markdown → sanitized DOM for model output.
 *
 * Two independent layers, both always on:
 *  1. markdown-it with `html: false` — raw HTML in the model's text is escaped, never parsed; its link
 *     validator drops `javascript:`/`vbscript:`/`file:`/`data:` URLs. Images are not rendered as <img> at all
 *     (a remote image would be a tracking beacon): they become a labelled placeholder.
 *  2. DOMPurify on the produced HTML with a tag/attribute allowlist, no `style` (CSP forbids inline styles
 *     anyway; table alignment becomes a class), URIs limited to http(s)/mailto, and every link turned into an
 *     inert element (`data-href`, no `href`) that only the view's click handler can act on — it asks the
 *     host, which asks the user before opening anything.
 */
import createDOMPurify, { type Config, type DOMPurify, type WindowLike } from 'dompurify';
import markdownIt from 'markdown-it';
import type MarkdownItTypes from 'markdown-it';

export type MarkdownIt = MarkdownItTypes.MarkdownIt;
type Token = MarkdownItTypes.Token;

export function createMarkdown(): MarkdownIt {
  const md = markdownIt({ html: false, linkify: true, typographer: false, breaks: false });
  const escape = md.utils.escapeHtml;

  md.renderer.rules.fence = (tokens: Token[], idx: number): string => {
    const t = tokens[idx];
    const lang = t.info.trim().split(/\s+/, 1)[0] ?? '';
    const langClass = lang && /^[\w#+.-]{1,32}$/.test(lang) ? ` class="language-${escape(lang)}"` : '';
    const label = lang ? `<span class="code-lang">${escape(lang)}</span>` : '<span class="code-lang"></span>';
    return (
      `<div class="code-block">` +
      `<div class="code-toolbar">${label}<button type="button" class="icon-button code-copy" data-action="copy-code" aria-label="Copy code" title="Copy code"><span class="codicon codicon-copy" aria-hidden="true"></span></button></div>` +
      `<pre><code${langClass}>${escape(t.content)}</code></pre></div>\n`
    );
  };

  md.renderer.rules.image = (tokens, idx, options, env, self): string => {
    const t = tokens[idx];
    const alt = self.renderInlineAsText(t.children ?? [], options, env);
    const src = String(t.attrGet('src') ?? '');
    return `<span class="md-image-blocked" title="${escape(`Image not loaded: ${src}`)}"><span class="codicon codicon-file-media" aria-hidden="true"></span> ${escape(alt || 'image')}</span>`;
  };

  // Table cell alignment: markdown-it emits style="text-align:…", which the CSP would block; use a class.
  md.core.ruler.push('align_to_class', (state) => {
    for (const t of state.tokens) {
      if (t.type !== 'th_open' && t.type !== 'td_open') continue;
      const raw = t.attrGet('style');
      const style = raw === null ? null : String(raw);
      const m = style && /text-align:(left|right|center)/.exec(style);
      if (!t.attrs || !style) continue;
      t.attrs = t.attrs.filter(([name]) => name !== 'style');
      if (m) t.attrJoin('class', `md-align-${m[1]}`);
    }
    return true;
  });
  return md;
}

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'strong',
  'em',
  's',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'span',
  'div',
  'button',
  'sup',
  'sub',
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'start', 'type', 'aria-label', 'aria-hidden', 'data-action', 'data-href', 'role', 'tabindex'];

export type Sanitizer = (html: string) => DocumentFragment;

/** A DOMPurify instance bound to `win` (the webview's window, or a jsdom window in tests). */
export function createSanitizer(win: WindowLike & { document: Document }): Sanitizer {
  const purify: DOMPurify = createDOMPurify(win);
  purify.addHook('afterSanitizeAttributes', (node: Element) => {
    if (node.nodeName === 'A') {
      const href = node.getAttribute('href');
      node.removeAttribute('href');
      node.removeAttribute('target');
      if (href && /^(https?:|mailto:)/i.test(href)) {
        node.setAttribute('data-href', href);
        node.setAttribute('role', 'link');
        node.setAttribute('tabindex', '0');
        node.setAttribute('class', 'md-link');
        if (!node.getAttribute('title')) node.setAttribute('title', href);
      } else {
        node.removeAttribute('data-href');
      }
    }
  });
  const config: Config & { RETURN_DOM_FRAGMENT: true } = {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
    ALLOW_DATA_ATTR: true,
    FORBID_ATTR: ['style'],
    RETURN_DOM_FRAGMENT: true,
  };
  // Set once: DOMPurify otherwise rebuilds its allowlists from `config` on every call, and a streaming reply
  // sanitizes once per animation frame. Passing `config` again below only selects the DocumentFragment overload.
  purify.setConfig(config);
  return (html: string) => purify.sanitize(html, config);
}

/** The reference (non-incremental) render: the whole source, parsed, rendered and sanitized at once. */
export function renderFull(md: MarkdownIt, sanitize: Sanitizer, src: string): DocumentFragment {
  return sanitize(md.render(src, {}));
}
