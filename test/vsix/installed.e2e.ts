/**
 * Runs against a VS Code server whose extensions dir has the packaged .vsix installed (no development
 * path): proves the shipped bundle activates and renders. Driven by scripts/test-vsix.mjs.
 */
import { strict as assert } from 'node:assert';
import { waitForLog } from '../e2e/support/logs';
import { Workbench, openSocratune, openWorkbench, runCommand, screenshot, viewPane, webviewFrame } from '../e2e/support/workbench';

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
    for (const t of ['Chat', 'Fine-tune Jobs', 'Models']) await viewPane(page, t).locator('.pane-header').waitFor();
    const chat = await webviewFrame(page);
    const src = await chat.locator('script[nonce]').getAttribute('src');
    assert.match(src ?? '', /dist\/webview\/chat\.js/, 'the chat webview loads the packaged bundle');
    await waitForLog('Socratune activated');
    await screenshot(page, 'vsix-installed');
  });

  it('runs a contributed command from the command palette', async () => {
    const { page } = wb;
    await runCommand(page, 'Socratune: Show Log');
    await page.locator('.part.panel .output-view .monaco-editor .view-lines', { hasText: 'Socratune activated' }).waitFor();
  });
});
