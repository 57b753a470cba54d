// Test and demo workspaces: copies of samples/journal, so nothing a test writes touches the repo.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './vscode-server.mjs';

export const SAMPLE_WORKSPACE = join(REPO, 'samples', 'journal');

/** A fresh temp copy of samples/journal; `dispose()` removes it. */
export function tempWorkspace(prefix = 'socratune-ws-') {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dir = join(root, 'journal');
  cpSync(SAMPLE_WORKSPACE, dir, { recursive: true });
  return { dir, dispose: () => rmSync(root, { recursive: true, force: true, maxRetries: 3 }) };
}
