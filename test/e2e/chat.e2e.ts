import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import OpenAI, { toFile } from 'openai';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { e2eEnv } from './support/env';
import { Workbench, errorNotifications, openChat, openWorkbench, screenshot, setSidebarWidth, webviewFrame } from './support/workbench';

const BASE = 'gpt-4.1-mini-2025-04-14';
const OTHER = 'gpt-4o-mini-2024-07-18';

/** Markdown/HTML a compromised or prompt-injected model might return. */
const HOSTILE = [
  'Here is your answer. <script>window.__pwned = "script"</script>',
  '<img src="http://evil.example/beacon.png" onerror="window.__pwned = \'img\'">',
  "<a href=\"javascript:window.__pwned='a'\">raw link</a> and [md link](javascript:window.__pwned='md')",
  '![tracking pixel](http://evil.example/pixel.gif)',
  '<iframe src="http://evil.example/frame"></iframe><svg onload="window.__pwned=\'svg\'"></svg>',
  'A safe link: [the docs](https://example.com/docs).',
].join('\n\n');

interface ProbeReport {
  pwned: string | null;
  scripts: number;
  appScripts: number;
  dangerous: number;
  attrs: string[];
  links: (string | null)[];
  images: string[];
}

/** Runs inside the webview (a string: this file is compiled without DOM types). */
const PROBE = `(() => {
  const all = document.querySelectorAll('.turn.assistant .md');
  const el = all[all.length - 1];
  const attrs = new Set();
  el.querySelectorAll('*').forEach((n) => { for (const a of Array.from(n.attributes)) attrs.add(a.name); });
  return {
    pwned: window.__pwned ?? null,
    scripts: document.scripts.length,
    appScripts: document.querySelectorAll('#app script').length,
    dangerous: el.querySelectorAll('script, img, iframe, svg, object, embed').length,
    attrs: [...attrs],
    links: Array.from(el.querySelectorAll('[data-href]')).map((a) => a.getAttribute('data-href')),
    images: performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('evil.example')),
  };
})()`;

/** The chat webview's own document (Frame, for evaluate) next to its FrameLocator (for locators). */
async function chatFrame(page: Page): Promise<{ loc: FrameLocator; frame: Frame }> {
  const loc = await webviewFrame(page);
  await loc.locator('#app[data-ready="true"]').waitFor({ timeout: 30_000 });
  const outer = await page.locator('iframe.webview[src*="extensionId=socratune.socratune"]').first().elementHandle();
  const outerFrame = await outer?.contentFrame();
  const inner = await outerFrame?.locator('iframe#active-frame').elementHandle();
  const frame = await inner?.contentFrame();
  assert.ok(frame, 'chat webview frame');
  return { loc, frame };
}

describe('chat (e2e)', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let chat: FrameLocator;
  let frame: Frame;
  const evilRequests: string[] = [];
  let scriptsAtStart = -1;

  before(async () => {
    assert.ok(e2eEnv.emulatorUrl, 'e2e runs against the emulator');
    wb = await openWorkbench();
    wb.page.on('request', (r) => {
      if (r.url().includes('evil.example')) evilRequests.push(r.url());
    });
    wb.context.on('request', (r) => {
      if (r.url().includes('evil.example')) evilRequests.push(r.url());
    });
    // The chat has its own view container: the whole side bar, with the trees in the Socratune container.
    await openChat(wb.page);
    ({ loc: chat, frame } = await chatFrame(wb.page));
    scriptsAtStart = await frame.evaluate<number>('document.scripts.length');
    await chat
      .locator('select.model-select')
      .first()
      .locator(`option[value="${BASE}"]`)
      .waitFor({ state: 'attached', timeout: 30_000 })
      .catch(async (e: unknown) => {
        const sub = await frame.evaluate<string>(`document.querySelector('.toolbar').innerText`).catch(() => '?');
        throw new Error(`the model list never showed ${BASE}; toolbar says: ${sub}; ${String(e)}`);
      });
    await chat.locator('select.model-select').first().selectOption(BASE);
  });
  after(async () => {
    await wb?.close();
  });

  const lastReply = () => chat.locator('.turn.assistant .reply').last();
  const turnCount = () => chat.locator('.transcript > .turn').count();
  /** Send a prompt with Enter and return the locator of the turn that answers it (the turn after the prompt). */
  async function send(text: string): Promise<number> {
    const before = await turnCount();
    const input = chat.locator('textarea.composer-input');
    await input.fill(text);
    await input.press('Enter');
    await chat.locator('.transcript > .turn').nth(before).waitFor();
    assert.equal(await input.inputValue(), '', 'the composer was cleared: the prompt was sent');
    return before;
  }
  const turnAt = (i: number) => chat.locator('.transcript > .turn').nth(i);
  /** What the view shows, for failure messages. */
  const diag = async (): Promise<string> =>
    frame.evaluate<string>(
      `JSON.stringify({ streaming: document.querySelector('#app').dataset.streaming, notices: document.querySelector('.notices').innerText, composer: document.querySelector('textarea.composer-input').value, last: (document.querySelector('.transcript').lastElementChild || {}).innerText })`,
    );
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.error('chat view state:', await diag().catch((e) => String(e)));
  });

  it('types a prompt, watches it stream, and gets a rendered reply', async () => {
    const at = await send('How should I begin a difficult morning?');
    assert.match(await turnAt(at).innerText(), /difficult morning/);
    await turnAt(at + 1)
      .locator('.reply')
      .waitFor();
    // While streaming: the reply is marked busy for assistive tech, and Stop replaces Send.
    await chat.locator('.reply.streaming .md[aria-busy="true"]').first().waitFor({ timeout: 10_000 });
    await chat.locator('.stop-button').waitFor();
    // Watch it stream: the rendered text grows while the reply is still marked as streaming.
    const lengths: number[] = [];
    for (let i = 0; i < 100 && (await chat.locator('.reply.streaming').count()) > 0; i++) {
      lengths.push(await frame.evaluate<number>(`(document.querySelector('.reply.streaming .md') || { textContent: '' }).textContent.length`));
      if (lengths.length === 3) await screenshot(wb.page, 'chat-streaming');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(new Set(lengths.filter((n) => n > 0)).size >= 2, `text grew during streaming: ${lengths.join(',')}`);
    await turnAt(at + 1)
      .locator('.reply[data-status="done"]')
      .waitFor({ timeout: 30_000 });
    const text = (await lastReply().locator('.md').innerText()).trim();
    assert.ok(text.length > 10, `reply text: ${text}`);
    assert.equal(await lastReply().locator('.md').getAttribute('aria-live'), 'polite');
    assert.equal(await chat.locator('.transcript').getAttribute('role'), 'log');
    assert.deepEqual(await errorNotifications(wb.page), []);
    await screenshot(wb.page, 'chat-reply');
  });

  it('stops a streaming reply with Esc and keeps the partial text', async () => {
    const input = chat.locator('textarea.composer-input');
    const at = await send('Tell me everything about patience, in great detail, please.');
    await turnAt(at + 1)
      .locator('.reply.streaming')
      .waitFor();
    await chat.locator('.stop-button').waitFor();
    await input.press('Escape');
    await turnAt(at + 1)
      .locator('.reply[data-status="stopped"]')
      .waitFor({ timeout: 15_000 });
    await chat.locator('.send-button').waitFor();
    // A partial reply is not training data as it is: only "Edit, then Add" is offered.
    const stopped = turnAt(at + 1).locator('.reply');
    assert.equal(await stopped.locator('button[data-action="add-to-dataset"]').count(), 0);
    await stopped.locator('button[data-action="edit-add"]').waitFor();
    await screenshot(wb.page, 'chat-stopped');
  });

  it('↑ on an empty composer edits the last prompt and resubmits from there', async () => {
    const input = chat.locator('textarea.composer-input');
    await input.fill('');
    await input.press('ArrowUp');
    assert.match(await input.inputValue(), /patience/);
    await chat.locator('.editing-banner').waitFor();
    await input.fill('Tell me briefly about patience.');
    await input.press('Enter');
    await chat.locator('.turn.user .user-text', { hasText: 'Tell me briefly about patience.' }).waitFor();
    await chat.locator('.transcript > .turn').last().locator('.reply[data-status="done"]').waitFor({ timeout: 30_000 });
    assert.equal(await chat.locator('.turn.user .user-text', { hasText: 'in great detail' }).count(), 0, 'the edited turn was replaced');
  });

  it('compares two models side by side (in a wide side bar) and records the pick', async () => {
    const wide = await setSidebarWidth(wb.page, 640);
    assert.ok(wide >= 560, `side bar width ${wide}`);
    await chat.locator('button[data-action="toggle-compare"]').click();
    const pickerB = chat.locator('.compare-row select.model-select');
    await pickerB.waitFor();
    await pickerB.selectOption(OTHER);
    const at = await send('What is a good life?');
    const turn = turnAt(at);
    assert.equal(await turn.getAttribute('class'), 'turn compare');
    await turn.locator('.compare-col .reply[data-status="done"]').nth(1).waitFor({ timeout: 30_000 });
    assert.equal(await turn.locator('.compare-col .reply[data-status="done"]').count(), 2);
    // Wide enough: both columns show, no tabs.
    assert.equal(await turn.locator('.compare-tabs').isVisible(), false);
    await turn.locator('button[data-pick="b"]').click();
    await turn.locator('button[data-pick="b"][aria-pressed="true"]').waitFor();
    await screenshot(wb.page, 'chat-compare');
    await chat.locator('button[data-action="toggle-compare"]').click();
    await chat.locator('.compare-row').waitFor({ state: 'hidden' });
  });

  it('holds up in a 300 px side bar: readable model names, compare as A/B tabs', async () => {
    const sidebar = wb.page.locator('.part.sidebar');
    const before = (await sidebar.boundingBox())?.width ?? 0;
    const narrow = await setSidebarWidth(wb.page, 300);
    try {
      assert.ok(Math.abs(narrow - 300) <= 12, `side bar width ${narrow}`);
      await chat.locator('button[data-action="toggle-compare"]').click();
      const pickerB = chat.locator('.compare-row select.model-select');
      await pickerB.waitFor();
      await pickerB.selectOption(OTHER);
      const turn = turnAt(await send('What is courage?'));
      // Column B is hidden behind its tab here: wait for it to be done, not visible.
      await turn.locator('.compare-col .reply[data-status="done"]').nth(1).waitFor({ state: 'attached', timeout: 30_000 });
      // One column at a time, picked with tabs that name the models.
      const tabs = turn.locator('.compare-tabs .compare-tab');
      assert.equal(await tabs.count(), 2);
      assert.equal((await tabs.nth(0).innerText()).trim(), 'A · gpt-4.1-mini');
      assert.equal((await tabs.nth(1).innerText()).trim(), 'B · gpt-4o-mini');
      assert.equal(await tabs.nth(0).getAttribute('title'), BASE);
      assert.equal(await tabs.nth(1).getAttribute('title'), OTHER);
      assert.equal(await turn.locator('.compare-col[data-side="a"]').isVisible(), true);
      assert.equal(await turn.locator('.compare-col[data-side="b"]').isVisible(), false);
      await tabs.nth(1).click();
      await turn.locator('.compare-col[data-side="b"]').waitFor();
      assert.equal(await turn.locator('.compare-col[data-side="a"]').isVisible(), false);
      // The model pickers fit inside the view (nothing cut off at the right edge).
      const view = await chat.locator('#app').boundingBox();
      for (const sel of await chat.locator('select.model-select').all()) {
        const b = await sel.boundingBox();
        assert.ok(view && b && b.x + b.width <= view.x + view.width + 1 && b.width >= 240, `picker ${JSON.stringify(b)} in ${JSON.stringify(view)}`);
      }
      await screenshot(wb.page, 'chat-300px-compare');
    } finally {
      if (await chat.locator('.compare-row').isVisible()) await chat.locator('button[data-action="toggle-compare"]').click();
      await chat.locator('.compare-row').waitFor({ state: 'hidden' });
      await screenshot(wb.page, 'chat-300px');
      if (before > 0) await setSidebarWidth(wb.page, before);
    }
  });

  it('adds a reply to the dataset with one click', async () => {
    const reply = lastReply();
    const text = (await reply.locator('.md').innerText()).trim();
    await reply.locator('button[data-action="add-to-dataset"]').click();
    await reply.locator('.added-badge').waitFor({ timeout: 20_000 });
    const dsRoot = path.join(e2eEnv.workspace, '.socratune', 'datasets');
    const trains = readdirSync(dsRoot)
      .map((d) => path.join(dsRoot, d, 'train.jsonl'))
      .filter((f) => existsSync(f));
    const all = trains.map((f) => readFileSync(f, 'utf8')).join('\n');
    assert.ok(all.includes(JSON.stringify(text).slice(1, 40)), 'the reply is in a train.jsonl');
    await screenshot(wb.page, 'chat-added-to-dataset');
  });

  it('opens the same conversation in an editor panel', async () => {
    const prompts = await chat.locator('.turn.user .user-text').allInnerTexts();
    await chat.locator('button[data-action="run-command"][data-command="openInEditor"]').click();
    const panel = await webviewFrame(wb.page, { index: 1 });
    await panel.locator('#app[data-ready="true"]').waitFor({ timeout: 30_000 });
    await panel.locator('.turn.user .user-text').first().waitFor();
    assert.deepEqual(await panel.locator('.turn.user .user-text').allInnerTexts(), prompts);
    await screenshot(wb.page, 'chat-editor-panel');
    await wb.page.keyboard.press('Control+W');
  });

  it('survives a window reload: the conversation comes back from disk', async () => {
    const prompts = await chat.locator('.transcript .user-text').allInnerTexts();
    assert.ok(prompts.length >= 3);
    await wb.page.reload();
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await openChat(wb.page);
    ({ loc: chat, frame } = await chatFrame(wb.page));
    scriptsAtStart = await frame.evaluate<number>('document.scripts.length');
    await chat.locator('.transcript .user-text').first().waitFor({ timeout: 30_000 });
    assert.deepEqual(await chat.locator('.transcript .user-text').allInnerTexts(), prompts);
    assert.ok((await chat.locator('.turn.assistant .reply[data-status="done"]').count()) >= 2);
    await chat.locator(`select.model-select option[value="${BASE}"]`).first().waitFor({ state: 'attached', timeout: 30_000 });
  });

  it('renders hostile model output inertly: no script runs, no remote resource loads, links go through the host', async () => {
    // Train a tiny model in the emulator whose answers are hostile markdown/HTML.
    const client = new OpenAI({ apiKey: e2eEnv.emulatorKey ?? 'sk-emulator-demo', baseURL: e2eEnv.emulatorUrl });
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `hostile question ${i}` },
          { role: 'assistant', content: HOSTILE },
        ],
      }),
    );
    const file = await client.files.create({ file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'hostile.jsonl'), purpose: 'fine-tune' });
    let job = await client.fineTuning.jobs.create({ model: BASE, training_file: file.id, suffix: 'hostile' });
    const deadline = Date.now() + 60_000;
    while (job.status !== 'succeeded' && Date.now() < deadline) {
      assert.notEqual(job.status, 'failed', JSON.stringify(job.error));
      await new Promise((r) => setTimeout(r, 300));
      job = await client.fineTuning.jobs.retrieve(job.id);
    }
    const model = job.fine_tuned_model;
    assert.ok(model, 'hostile model trained');

    // Any model ID can be typed by hand.
    await chat.locator('select.model-select').first().selectOption('__other__');
    const custom = chat.locator('input.model-custom').first();
    await custom.fill(model);
    await custom.press('Enter');
    await chat.locator(`select.model-select option[value="${model}"]`).first().waitFor({ state: 'attached' });
    const at = await send('hostile question 3');
    await turnAt(at + 1)
      .locator('.reply[data-status="done"]')
      .waitFor({ timeout: 30_000 });
    const md = lastReply().locator('.md');
    assert.match(await md.innerText(), /<script>window.__pwned/, 'raw HTML is shown as text');

    const report = await frame.evaluate<ProbeReport>(PROBE);
    assert.equal(report.pwned, null, 'no injected script ran');
    assert.equal(report.appScripts, 0, 'no script element in the view');
    assert.equal(report.scripts, scriptsAtStart, 'no script element was added to the document');
    assert.equal(report.dangerous, 0);
    assert.ok(!report.attrs.some((a) => /^on/i.test(a) || a === 'href' || a === 'src' || a === 'style'), report.attrs.join(','));
    // Only http(s) links survive (URLs inside the escaped HTML are linkified as text links); none is javascript:.
    assert.ok(report.links.includes('https://example.com/docs'));
    assert.ok(
      report.links.every((l) => l !== null && /^https?:\/\//.test(l)),
      report.links.join(' '),
    );
    assert.deepEqual(report.images, []);
    assert.deepEqual(evilRequests, [], 'nothing was requested from the remote host');
    await screenshot(wb.page, 'chat-hostile-output');

    // Clicking the safe link asks the user first (and Cancel opens nothing).
    await md.locator('[data-href="https://example.com/docs"]').click();
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    assert.match(await dialog.innerText(), /https:\/\/example\.com\/docs/);
    await screenshot(wb.page, 'chat-link-confirmation');
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });
});
