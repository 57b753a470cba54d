/** Shared fixtures for backend/jobs tests: a real emulator over HTTP and small datasets on disk. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createClient } from '../../../src/core/config/client';
import type { BackendProfile } from '../../../src/core/config/profile';
import { createBackend } from '../../../src/core/backends';
import type { FineTuneBackend, UploadCache } from '../../../src/core/backends/types';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../../src/emulator/index';

export const PROFILE: BackendProfile = {
  provider: 'emulator',
  baseUrl: '',
  azureEndpoint: '',
  azureApiVersion: '',
  defaultChatModel: '',
  defaultBaseModel: 'gpt-4.1-mini-2025-04-14',
};

export class MapCache implements UploadCache {
  readonly map = new Map<string, string>();
  get(k: string) {
    return this.map.get(k);
  }
  set(k: string, v: string) {
    this.map.set(k, v);
  }
  delete(k: string) {
    this.map.delete(k);
  }
}

export interface Fixture {
  emu: EmulatorHandle;
  dir: string;
  backend(opts?: {
    provider?: BackendProfile['provider'];
    headers?: Record<string, string>;
    key?: string;
    cache?: UploadCache;
    maxRetries?: number;
  }): FineTuneBackend;
  close(): Promise<void>;
}

export async function fixture(emuOpts: EmulatorOptions = {}): Promise<Fixture> {
  const emu = await startEmulator({ timeScale: 1, ...emuOpts });
  const dir = await mkdtemp(path.join(tmpdir(), 'socratune-jobs-'));
  return {
    emu,
    dir,
    backend(opts = {}) {
      const provider = opts.provider ?? 'emulator';
      // The OpenAI backend is pointed at the emulator through the profile's base URL override.
      const profile: BackendProfile = { ...PROFILE, provider, baseUrl: emu.url };
      const r = createClient(profile, opts.key ?? emu.key, { headers: opts.headers, maxRetries: opts.maxRetries ?? 0 });
      if (!r.ok) throw new Error(r.message);
      return createBackend(profile, r.client, r.baseURL, { uploadCache: opts.cache });
    },
    async close() {
      await emu.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const SYSTEM_PROMPT = 'You are a Stoic mentor who answers in the voice of the journal.';

/** A valid chat fine-tuning JSONL with n examples. `salt` changes the content (and hash). */
export function chatJsonl(n: number, salt = ''): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: `What did you learn on day ${i + 1}?${salt}` },
          { role: 'assistant', content: `On day ${i + 1} I learned that the obstacle is the way, and that what stands in the way becomes the way. ${salt}` },
        ],
      }),
    );
  }
  return lines.join('\n') + '\n';
}

export async function writeDataset(
  dir: string,
  name: string,
  n: number,
  opts: { salt?: string; validation?: number; systemPrompt?: string } = {},
): Promise<{ folder: string; train: string; validation?: string }> {
  const folder = path.join(dir, '.socratune', 'datasets', name);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(folder, { recursive: true });
  const train = path.join(folder, 'train.jsonl');
  await writeFile(train, chatJsonl(n, opts.salt));
  let validation: string | undefined;
  if (opts.validation) {
    validation = path.join(folder, 'validation.jsonl');
    await writeFile(validation, chatJsonl(opts.validation, `${opts.salt ?? ''} (held out)`));
  }
  await writeFile(
    path.join(folder, 'dataset.json'),
    JSON.stringify({ name, systemPrompt: opts.systemPrompt ?? SYSTEM_PROMPT, format: 'markdown', createdAt: '2026-11-01T00:00:00Z', version: 1 }),
  );
  return { folder, train, validation };
}

/** Advance emulator time until `done()` or the limit; the emulator materializes jobs lazily on requests. */
export async function runUntil(
  emu: EmulatorHandle,
  backend: FineTuneBackend,
  jobId: string,
  done: (status: string) => boolean,
  stepMs = 30_000,
  maxMs = 6 * 3_600_000,
): Promise<string> {
  for (let t = 0; t <= maxMs; t += stepMs) {
    const j = await backend.getJob(jobId);
    if (done(j.status)) return j.status;
    emu.advance(stepMs);
  }
  throw new Error(`job ${jobId} did not reach the expected state`);
}
