import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { e2eEnv } from './env';

/**
 * Text of every Socratune LogOutputChannel file the server has written so far (one per extension host
 * session, oldest first) — for asserting what the extension logged, or that a key never appears.
 */
export async function socratuneLogText(): Promise<string> {
  const files: string[] = [];
  for (const session of (await readdir(e2eEnv.logsDir).catch(() => [] as string[])).sort()) {
    for (const host of await readdir(join(e2eEnv.logsDir, session)).catch(() => [] as string[])) {
      if (host.startsWith('exthost')) files.push(join(e2eEnv.logsDir, session, host, 'socratune.socratune', 'Socratune.log'));
    }
  }
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
  return texts.join('\n');
}

/** Waits until the Socratune log contains `text` (the extension host writes its log asynchronously). */
export async function waitForLog(text: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await socratuneLogText();
    if (log.includes(text)) return log;
    if (Date.now() > deadline) throw new Error(`"${text}" did not appear in the Socratune log within ${timeoutMs} ms (${e2eEnv.logsDir})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
