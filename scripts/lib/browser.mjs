// Headless Debian Chromium driven by playwright-core (no browser download).
import { chromium } from 'playwright-core';
import { CHROMIUM } from './prereqs.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** @param {{ headless?: boolean }} [opts] */
export function launchChromium(opts = {}) {
  return chromium.launch({ executablePath: CHROMIUM, headless: opts.headless ?? true, args: CHROMIUM_ARGS });
}
