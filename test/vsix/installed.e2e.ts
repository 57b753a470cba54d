/**
 * Runs against a VS Code server whose extensions dir has the packaged .vsix installed (no development
 * path): proves the shipped bundle activates and renders. Driven by scripts/test-vsix.mjs.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { openFile } from '../e2e/support/editor';
import { e2eEnv } from '../e2e/support/env';
import { waitForLog } from '../e2e/support/logs';
import { Workbench, openChat, openSocratune, openWorkbench, runCommand, screenshot, viewPane, webviewFrame } from '../e2e/support/workbench';

/** The installed extension's folder (set by scripts/test-vsix.mjs). */
function installedDir(): string {
  const d = process.env.SOCRATUNE_VSIX_INSTALLED_DIR;
  if (!d) throw new Error('SOCRATUNE_VSIX_INSTALLED_DIR is not set: run through `npm run test:vsix`');
  return d;
}

/** Every `require("./…")`/`require("../…")` in the shipped dist/**.js files, resolved against the file's folder. */
function relativeRequires(dist: string): { from: string; target: string }[] {
  const out: { from: string; target: string }[] = [];
  for (const f of readdirSync(dist, { recursive: true })
    .map(String)
    .filter((x) => x.endsWith('.js'))) {
    const text = readFileSync(join(dist, f), 'utf8');
    for (const m of text.matchAll(/require\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) out.push({ from: f, target: resolve(dirname(join(dist, f)), m[1]) });
  }
  return out;
}

describe('packaged .vsix (installed, not in development mode)', function () {
  this.timeout(120_000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('is an installed extension, not a development host', async () => {
    const title = await wb.page.title();
    assert.ok(!title.includes('Extension Development Host'), `window title "${title}"`);
  });

  it('activates and renders the Socratune container from the packaged bundle', async () => {
    const { page } = wb;
    await openSocratune(page);
    for (const t of ['Fine-tune Jobs', 'Models']) await viewPane(page, t).locator('.pane-header').waitFor();
    await openChat(page); // the chat has its own container
    const chat = await webviewFrame(page);
    const src = await chat.locator('script[nonce]').getAttribute('src');
    assert.match(src ?? '', /dist\/webview\/chat\.js/, 'the chat webview loads the packaged bundle');
    await waitForLog('Socratune activated');
    await screenshot(page, 'vsix-installed');
  });

  it('ships every chunk and vendor bundle the extension requires on first use', () => {
    const dist = join(installedDir(), 'dist');
    const chunks = readdirSync(join(dist, 'chunks')).filter((f) => f.endsWith('.js'));
    assert.ok(chunks.length > 0, 'dist/chunks/*.js is in the package');
    for (const v of ['openai', 'markdown-it', 'jsonc-parser']) assert.ok(existsSync(join(dist, 'vendor', `${v}.js`)), `dist/vendor/${v}.js is in the package`);
    const reqs = relativeRequires(dist);
    assert.ok(
      reqs.some((r) => r.from === 'extension.js' && r.target.includes(`${join('dist', 'chunks')}`)),
      'dist/extension.js requires its chunks',
    );
    const missing = reqs.filter((r) => !existsSync(r.target));
    assert.deepEqual(missing, [], 'every relative require() of a shipped bundle resolves to a shipped file');
  });

  it('loads the validation engine chunk on first use: a training file opened from the packaged extension gets diagnostics', async () => {
    const { page } = wb;
    const folder = join(e2eEnv.workspace, '.socratune', 'datasets', 'vsix-check');
    mkdirSync(folder, { recursive: true });
    const ok = (i: number) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `Question ${i}?` },
          { role: 'assistant', content: `Answer ${i}.` },
        ],
      });
    const lines = Array.from({ length: 12 }, (_, i) => ok(i));
    lines[3] = JSON.stringify({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a', weight: 2 },
      ],
    });
    writeFileSync(join(folder, 'train.jsonl'), lines.join('\n') + '\n');
    await openFile(page, '.socratune/datasets/vsix-check/train.jsonl');
    // The squiggle needs the engine chunk (dist/chunks), jsonc-parser (dist/vendor) and the Brotli tokenizer.
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    await screenshot(page, 'vsix-diagnostics');
  });

  it('runs a contributed command from the command palette', async () => {
    const { page } = wb;
    await runCommand(page, 'Socratune: Show Log');
    await page.locator('.part.panel .output-view .monaco-editor .view-lines', { hasText: 'Socratune activated' }).waitFor();
  });
});
