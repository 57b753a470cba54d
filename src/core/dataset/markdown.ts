import MarkdownIt from 'markdown-it';

/** One shared markdown-it parser (CommonMark + GFM tables/strikethrough, raw HTML recognized so it can be dropped). */
type Parser = InstanceType<typeof MarkdownIt>;
let parser: Parser | undefined;
export function md(): Parser {
  parser ??= new MarkdownIt({ html: true, linkify: false, typographer: false });
  return parser;
}

export type Token = ReturnType<Parser['parse']>[number];

/** Parse markdown into block tokens (each block token's `map` is its [startLine, endLine) in `src`). */
export function parseBlocks(src: string): Token[] {
  return md().parse(src, {});
}

/** Markdown → plain text: no markup, paragraphs separated by blank lines, lists as "• item" / "1. item". */
export function markdownToPlain(src: string): string {
  const tokens = parseBlocks(src);
  const blocks: string[] = [];
  const lists: { ordered: boolean; n: number }[] = [];
  let prefix = '';
  let inCell = false;
  let row: string[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'bullet_list_open':
        lists.push({ ordered: false, n: 0 });
        break;
      case 'ordered_list_open':
        lists.push({ ordered: true, n: Number(t.attrGet('start') ?? 1) - 1 });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        break;
      case 'list_item_open': {
        const l = lists[lists.length - 1];
        l.n++;
        prefix = `${'  '.repeat(lists.length - 1)}${l.ordered ? `${l.n}. ` : '• '}`;
        break;
      }
      case 'tr_open':
        row = [];
        break;
      case 'th_open':
      case 'td_open':
        inCell = true;
        break;
      case 'th_close':
      case 'td_close':
        inCell = false;
        break;
      case 'tr_close':
        blocks.push(row.join('\t'));
        break;
      case 'inline': {
        const text = inlineToPlain(t);
        if (inCell) row.push(text);
        else if (prefix) {
          blocks.push(`${prefix}${text}`);
          prefix = '';
        } else if (lists.length) {
          blocks.push(`${'  '.repeat(lists.length)}${text}`);
        } else blocks.push(text);
        break;
      }
      case 'fence':
      case 'code_block':
        blocks.push(t.content.replace(/\n$/, ''));
        break;
      default:
        break; // hr, html_block (comments, raw HTML), *_open/_close without text
    }
  }
  // List items stay on consecutive lines; other blocks are separated by a blank line.
  const out: string[] = [];
  for (const b of blocks) {
    const isItem = /^\s*(•|\d+\.) /.test(b);
    const prevItem = out.length > 0 && /^\s*(•|\d+\.) /.test(out[out.length - 1].split('\n').pop() ?? '');
    if (out.length && isItem && prevItem) out[out.length - 1] += `\n${b}`;
    else out.push(b);
  }
  return out.join('\n\n').trim();
}

function inlineToPlain(t: Token): string {
  let s = '';
  for (const c of t.children ?? []) {
    switch (c.type) {
      case 'text':
      case 'code_inline':
        s += c.content;
        break;
      case 'softbreak':
        s += ' ';
        break;
      case 'hardbreak':
        s += '\n';
        break;
      case 'image':
        s += c.content; // alt text
        break;
      default:
        break; // emphasis/link/html_inline markers carry no text
    }
  }
  return s.replace(/[ \t]+/g, ' ').trim();
}
