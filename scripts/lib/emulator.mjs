// Starts the OpenAI API emulator (src/emulator, built to out/emulator/index.js) for launchers and `npm start`.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO } from './vscode-server.mjs';

export const EMULATOR_BUNDLE = join(REPO, 'out', 'emulator', 'index.js');

/**
 * Starts the emulator on a free 127.0.0.1 port if it has been built, else returns undefined.
 * @param {Record<string, unknown>} opts passed to startEmulator (e.g. { timeScale, stateDir })
 * @returns {Promise<{ url: string, key: string, close(): Promise<void>, env: Record<string,string> } | undefined>}
 */
export async function maybeStartEmulator(opts = {}) {
  if (!existsSync(EMULATOR_BUNDLE)) return undefined;
  const require = createRequire(import.meta.url);
  const { startEmulator } = require(EMULATOR_BUNDLE);
  if (typeof startEmulator !== 'function') throw new Error(`${EMULATOR_BUNDLE} does not export startEmulator()`);
  const emu = await startEmulator({ port: 0, host: '127.0.0.1', ...opts });
  return {
    url: emu.url,
    key: emu.key,
    close: () => emu.close(),
    /** Environment for the VS Code server, so the extension host sees the emulator. */
    env: { SOCRATUNE_EMULATOR_URL: emu.url, SOCRATUNE_EMULATOR_KEY: emu.key },
  };
}
