import { strict as assert } from 'node:assert';
import { BACKEND_DESCRIPTORS } from '../../src/core/backends/descriptors';
import {
  Workbench,
  errorNotifications,
  expandView,
  openChat,
  openSocratune,
  openWorkbench,
  outputPanelText,
  quickPickItems,
  runCommand,
  screenshot,
  viewPane,
  webviewFrame,
} from './support/workbench';

describe('foundation (e2e)', function () {
  this.timeout(120_000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('opens the chat in its own container, and the Socratune container with Fine-tune Jobs and Models', async () => {
    const { page } = wb;
    await openChat(page);
    // The chat webview loads our HTML under a strict CSP (nonce'd script, no inline anything).
    const chat = await webviewFrame(page);
    const csp = await chat.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /default-src 'none'/);
    assert.match(csp ?? '', /script-src 'nonce-[^']+'/);
    assert.doesNotMatch(csp ?? '', /unsafe-inline|unsafe-eval/);
    await openSocratune(page);
    for (const title of ['Fine-tune Jobs', 'Models']) await viewPane(page, title).locator('.pane-header').waitFor();
    assert.equal(await viewPane(page, 'Chat').count(), 0, 'the chat is not squeezed in with the trees');
    // Each tree renders something: rows, or welcome content telling the next step.
    for (const title of ['Fine-tune Jobs', 'Models']) {
      const pane = await expandView(page, title);
      const body = pane.locator('.welcome-view-content, .monaco-list-row').first();
      await body.waitFor();
      assert.ok((await body.innerText()).trim().length > 0, `${title} shows content`);
    }
    await screenshot(page, 'foundation-container');
  });

  it('runs "Socratune: Show Log" from the command palette and shows the log', async () => {
    const { page } = wb;
    await runCommand(page, 'Socratune: Show Log');
    const text = outputPanelText(page);
    // Only the Socratune channel has this line: the panel is open on the right channel.
    await text.filter({ hasText: 'Socratune activated' }).waitFor();
    await screenshot(page, 'foundation-show-log');
  });

  it('offers every backend from "Socratune: Choose Backend…", each with its line on what differs', async () => {
    const { page } = wb;
    await runCommand(page, 'Socratune: Choose Backend…');
    const items = await quickPickItems(page);
    assert.equal(items.length, BACKEND_DESCRIPTORS.length, JSON.stringify(items));
    for (const d of BACKEND_DESCRIPTORS) {
      const row = items.find((i) => i.startsWith(d.label));
      assert.ok(row, `"${d.label}" in ${JSON.stringify(items)}`);
      assert.ok(row.includes(d.differs.slice(0, 40)), `${d.kind}: its line on what differs in "${row}"`);
    }
    await screenshot(page, 'foundation-choose-backend');
    await page.keyboard.press('Escape');
    assert.deepEqual(await errorNotifications(page), [], 'no error notifications');
  });
});
