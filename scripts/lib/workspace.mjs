// Test and demo workspaces: copies of samples/journal, so nothing a test writes touches the repo.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEdits, modify, parse } from 'jsonc-parser';
import { REPO } from './vscode-server.mjs';

export const SAMPLE_WORKSPACE = join(REPO, 'samples', 'journal');

/** A fresh temp copy of samples/journal; `dispose()` removes it. */
export function tempWorkspace(prefix = 'socratune-ws-') {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dir = join(root, 'journal');
  cpSync(SAMPLE_WORKSPACE, dir, { recursive: true });
  return { dir, dispose: () => rmSync(root, { recursive: true, force: true, maxRetries: 3 }) };
}

/**
 * Sets keys in `<dir>/.vscode/settings.json`, keeping other settings and comments. Returns false (and
 * changes nothing) when the file is not valid JSONC.
 */
export function setWorkspaceSettings(dir, values) {
  const file = join(dir, '.vscode', 'settings.json');
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '{}\n';
  const errors = [];
  parse(text, errors);
  if (errors.length) return false;
  for (const [key, value] of Object.entries(values)) {
    text = applyEdits(text, modify(text, [key], value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
  }
  writeFileSync(file, text);
  return true;
}

/** Workspace settings that point Socratune at a running emulator (what `npm start` does). */
export function emulatorSettings(emulator) {
  return { 'socratune.provider': 'emulator', 'socratune.baseUrl': emulator.url };
}
