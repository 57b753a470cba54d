/** Editor helpers for e2e tests: open a workspace file by name, select whole lines with the keyboard. */
import type { Locator, Page } from 'playwright-core';
import { openQuickInput } from './workbench';

/** Opens a file through Quick Open (Ctrl+P) by its workspace-relative path and waits for its editor tab. */
export async function openFile(page: Page, relPath: string): Promise<Locator> {
  const input = await openQuickInput(page, 'Control+P');
  await input.fill(relPath);
  const name = relPath.split('/').pop() as string;
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor();
  await input.press('Enter');
  const tab = page.locator('.tabs-container .tab.active', { hasText: name });
  await tab.waitFor();
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  await editor.waitFor();
  return editor;
}

/**
 * Selects `count` whole (logical) lines starting at 1-based `line` in the focused editor: Go to Line (Ctrl+G),
 * then Expand Line Selection (Ctrl+L) `count` times — unlike Shift+Down it is not fooled by word wrap. The
 * selection ends at the start of the following line.
 */
export async function selectLines(page: Page, line: number, count: number): Promise<void> {
  const input = await openQuickInput(page, 'Control+G');
  await input.fill(`:${line}`);
  await input.press('Enter');
  await input.waitFor({ state: 'hidden' });
  for (let i = 0; i < count; i++) await page.keyboard.press('Control+L');
  // The status bar confirms the cursor landed on the line after the selection.
  await page.locator('.part.statusbar', { hasText: new RegExp(`Ln ${line + count}, Col 1 \\(\\d+ selected\\)`) }).waitFor();
}

/** Clicks a button of the notification toast whose message contains `text`. */
export async function clickNotificationButton(page: Page, text: string | RegExp, button: string): Promise<void> {
  const toast = page.locator('.notifications-toasts .notification-toast', { has: page.locator('.notification-list-item-message', { hasText: text }) }).first();
  await toast.waitFor();
  await toast.hover();
  await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: button }).click();
}
