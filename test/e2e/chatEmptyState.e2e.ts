import { strict as assert } from 'node:assert';
import type { FrameLocator } from 'playwright-core';
import { e2eEnv } from './support/env';
import { Workbench, openChat, openWorkbench, runCommand, screenshot, webviewFrame } from './support/workbench';

const MODELS = ['gpt-4.1-mini-2025-04-14', 'gpt-4o-mini-2024-07-18'];

/** Issue 15 #10: the chat's empty state names the model a first question goes to; it asks for one only when none is picked. */
describe('chat: the empty state names the picked model (e2e)', function () {
  this.timeout(120_000);
  let wb: Workbench;
  let chat: FrameLocator;
  before(async () => {
    assert.ok(e2eEnv.emulatorUrl, 'e2e runs against the emulator');
    wb = await openWorkbench();
    await openChat(wb.page);
    chat = await webviewFrame(wb.page);
    await chat.locator('#app[data-ready="true"]').waitFor({ timeout: 30_000 });
    // Earlier scenarios leave conversations behind: start an empty one.
    await runCommand(wb.page, 'Socratune: New Conversation');
  });
  after(async () => {
    await wb?.close();
  });

  const hint = () => chat.locator('.empty-state .empty-hint');
  const picked = () => chat.locator('select.model-select').first();

  it('with the model chosen for a fresh window: "Chatting with" it, never "Pick a model"', async () => {
    await hint().waitFor({ timeout: 30_000 });
    // The picker shows "Choose a model…" while the models load; the chosen one is selected once they arrive.
    let model = '';
    for (const end = Date.now() + 30_000; !model && Date.now() < end;) {
      model = await picked().inputValue();
      if (!model) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(model, 'a model is picked once the models have loaded');
    await chat.locator('.empty-state .empty-hint', { hasText: model }).waitFor({ timeout: 30_000 });
    const text = await hint().innerText();
    assert.doesNotMatch(text, /Pick a (fine-tuned )?model/, text);
    assert.match(text, /Change the model in the picker above\./);
    await screenshot(wb.page, 'chat-empty-state');
  });

  it('follows the picker: another model picked, the hint names that one', async () => {
    const current = await picked().inputValue();
    const OTHER = MODELS.find((m) => m !== current)!;
    await picked().locator(`option[value="${OTHER}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await picked().selectOption(OTHER);
    await chat.locator('.empty-state .empty-hint', { hasText: `Chatting with ${OTHER}.` }).waitFor({ timeout: 30_000 });
    assert.doesNotMatch(await hint().innerText(), /Pick a (fine-tuned )?model/);
  });
});
