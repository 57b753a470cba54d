/**
 * Playwright helpers for the real VS Code workbench (1.100.3, web). Selectors are the workbench's own
 * DOM classes and ARIA labels; keep them here so one VS Code update means one file to fix.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { sharedBrowser } from './browser';
import { e2eEnv } from './env';

export interface Workbench {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Browser console errors and uncaught page errors seen so far. */
  readonly consoleErrors: string[];
  close(): Promise<void>;
}

let current: Workbench | undefined;

/** The workbench most recently opened (used by the failure-screenshot hook). */
export function currentWorkbench(): Workbench | undefined {
  return current;
}

/**
 * Opens a new window on the test workspace with the Socratune development extension and waits for the
 * workbench and the extension host (the Socratune activity bar entry is contributed once extensions load).
 */
export async function openWorkbench(opts: { url?: string; timeoutMs?: number } = {}): Promise<Workbench> {
  const browser = await sharedBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  const timeout = opts.timeoutMs ?? 60_000;
  await page.goto(opts.url ?? e2eEnv.workbenchUrl);
  await page.locator('.monaco-workbench').waitFor({ timeout });
  await activityBarItem(page, 'Socratune').waitFor({ timeout });
  const wb: Workbench = {
    page,
    context,
    consoleErrors,
    async close() {
      if (current === wb) current = undefined;
      await context.close();
    },
  };
  current = wb;
  return wb;
}

/** An activity bar entry by its label ("Socratune", "Explorer", …). */
export function activityBarItem(page: Page, label: string): Locator {
  // Exactly `label`, or `label` followed by its keybinding ("Explorer (Ctrl+Shift+E)"): "Socratune" must not match "Socratune Chat".
  return page.locator(`.part.activitybar .action-item a.action-label:is([aria-label="${label}"], [aria-label^="${label} ("])`).first();
}

/** Opens the Socratune view container (Fine-tune Jobs, Models) from the activity bar (no-op if it is already showing). */
export function openSocratune(page: Page): Promise<Locator> {
  return openContainer(page, 'Socratune', /^Socratune$/i);
}

/**
 * Opens the chat's own view container ("Socratune Chat") from the activity bar and returns the side bar; the chat
 * webview then fills it (`webviewFrame(page)`).
 */
export function openChat(page: Page): Promise<Locator> {
  return openContainer(page, 'Socratune Chat', /^Socratune Chat/i);
}

async function openContainer(page: Page, label: string, heading: RegExp): Promise<Locator> {
  const sidebar = page.locator('.part.sidebar');
  const title = sidebar.locator('.composite.title h2', { hasText: heading });
  // The activity bar entry toggles the side bar. In a window that is still restoring its layout (just opened or
  // reloaded) a click can open the container just before the restored layout hides the side bar again, or
  // close one being restored: click again until the container shows.
  for (let attempt = 1; !(await title.isVisible().catch(() => false)); attempt++) {
    await activityBarItem(page, label).click();
    try {
      await title.waitFor({ timeout: 5_000 });
    } catch (err) {
      if (attempt >= 4) throw err;
    }
  }
  return sidebar;
}

/** A view pane in the side bar by its title ("Fine-tune Jobs", "Models"). */
export function viewPane(page: Page, title: string): Locator {
  return page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${escapeRe(title)}$`, 'i') }) });
}

/** Expands a collapsed view pane. */
export async function expandView(page: Page, title: string): Promise<Locator> {
  const pane = viewPane(page, title);
  const header = pane.locator('.pane-header');
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return pane;
}

/**
 * The content frame of a webview view of this extension. Webviews are two nested iframes: the outer
 * `iframe.webview` (host page) and the inner `#active-frame` with our HTML. `index` picks among several
 * Socratune webviews, in DOM order.
 */
export async function webviewFrame(page: Page, opts: { index?: number; timeoutMs?: number } = {}): Promise<FrameLocator> {
  const outer = page.locator('iframe.webview[src*="extensionId=socratune.socratune"]').nth(opts.index ?? 0);
  await outer.waitFor({ state: 'attached', timeout: opts.timeoutMs ?? 30_000 });
  const inner = outer.contentFrame().locator('iframe#active-frame');
  await inner.waitFor({ state: 'attached', timeout: opts.timeoutMs ?? 30_000 });
  return inner.contentFrame();
}

/** Runs a command from the command palette by its title as shown there ("Socratune: Show Log"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  let input = await openQuickInput(page, 'F1');
  for (let attempt = 1; ; attempt++) {
    try {
      await input.fill(`>${title}`, { timeout: 5000 });
      break;
    } catch (err) {
      // The palette closed again before it was typed into (focus taken by a view or a window that was still
      // opening, seen on CI): open it again.
      if (attempt === 3) throw err;
      input = await openQuickInput(page, 'F1');
    }
  }
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor();
  await input.press('Enter');
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: title })
    .first()
    .waitFor({ state: 'hidden' })
    .catch(() => undefined);
}

/** Opens the quick input with a key (F1 = command palette) and returns its text box. */
export async function openQuickInput(page: Page, key = 'F1'): Promise<Locator> {
  const input = page.locator('.quick-input-widget input.input');
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press(key);
    try {
      await input.waitFor({ state: 'visible', timeout: 2000 });
      return input;
    } catch {
      // Focus was outside the workbench (browser chrome) or keybindings were still loading: focus an
      // empty spot of the status bar and press again.
      const bar = await page.locator('.part.statusbar').boundingBox();
      if (bar) await page.mouse.click(bar.x + bar.width / 2, bar.y + bar.height / 2);
    }
  }
  // Keys did not reach the workbench (seen once on CI with a webview resolving next to the focus): the title bar's
  // command center opens the same quick input with the mouse; callers type their own prefix ('>' for commands).
  await page.locator('.command-center .command-center-center').first().click();
  await input.waitFor({ state: 'visible' });
  return input;
}

/** The visible quick pick's rows (labels), e.g. after a command opened a picker. */
export async function quickPickItems(page: Page): Promise<string[]> {
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  await rows.first().waitFor();
  // In list order: the list reuses row elements when its items change (model suggestions arriving), so the DOM
  // order of the rows is not always the order shown; each row carries its index.
  const list = await rows.evaluateAll((els) =>
    els.map((el) => ({ index: Number(el.getAttribute('data-index') ?? NaN), text: (el as unknown as { innerText: string }).innerText })),
  );
  if (list.every((r) => Number.isFinite(r.index))) list.sort((a, b) => a.index - b.index);
  return list.map((r) => r.text.replace(/\s+/g, ' ').trim());
}

/** Texts of the notifications currently shown (toasts), with their severity. */
export async function notifications(page: Page): Promise<{ severity: 'error' | 'warning' | 'info'; text: string }[]> {
  const toasts = page.locator('.notifications-toasts .notification-toast .notification-list-item');
  const out: { severity: 'error' | 'warning' | 'info'; text: string }[] = [];
  for (const t of await toasts.all()) {
    const icon = (await t.locator('.notification-list-item-icon').getAttribute('class')) ?? '';
    const severity = icon.includes('codicon-error') ? 'error' : icon.includes('codicon-warning') ? 'warning' : 'info';
    out.push({ severity, text: (await t.locator('.notification-list-item-message').innerText()).trim() });
  }
  return out;
}

/** Error notifications currently shown: assert this is empty at the end of a scenario. */
export async function errorNotifications(page: Page): Promise<string[]> {
  return (await notifications(page)).filter((n) => n.severity === 'error').map((n) => n.text);
}

/** The text of the output panel's editor (e.g. after "Socratune: Show Log"). */
export function outputPanelText(page: Page): Locator {
  return page.locator('.part.panel .output-view .monaco-editor .view-lines');
}

/** Saves a full-window screenshot to test-results/e2e/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(e2eEnv.resultsDir, { recursive: true });
  const file = join(e2eEnv.resultsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Sets the side bar's width by dragging its sash (VS Code has no setting for it), e.g. 300 px to check a narrow
 * layout. Returns the width reached.
 */
export async function setSidebarWidth(page: Page, width: number): Promise<number> {
  const sidebar = page.locator('.part.sidebar');
  const box = await sidebar.boundingBox();
  if (!box) throw new Error('the side bar is not showing');
  const x = box.x + box.width;
  const y = box.y + box.height / 2;
  await page.mouse.move(x - 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
  return (await sidebar.boundingBox())?.width ?? 0;
}

/**
 * Right-click `row` and run the context-menu item `item`. A click right after the menu opened can be swallowed (the
 * item stays highlighted and the menu open): then Enter runs the highlighted item.
 */
export async function contextMenuItem(page: Page, row: Locator, item: string): Promise<void> {
  await row.click({ button: 'right' });
  const entry = page.locator('.context-view .action-label', { hasText: item }).first();
  await entry.waitFor({ timeout: 10_000 });
  await entry.hover();
  await entry.click();
  const menu = page.locator('.context-view .monaco-menu');
  for (let i = 0; i < 20 && (await menu.isVisible().catch(() => false)); i++) {
    if (i === 4) await page.keyboard.press('Enter');
    await page.waitForTimeout(250);
  }
}
