/** A fine-tune job that already succeeded on the emulator the workbench uses (real SDK, real HTTP). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../../src/core/backends';
import type { FineTuneBackend } from '../../../src/core/backends/types';
import { createClient } from '../../../src/core/config/client';
import type { BackendProfile } from '../../../src/core/config/profile';
import { e2eEnv } from './env';

function examples(n: number, salt: string): string {
  return (
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'system', content: 'You are the journal.' },
          { role: 'user', content: `What did day ${i} teach (${salt})?` },
          { role: 'assistant', content: `Day ${i}: the impediment to action advances action (${salt}).` },
        ],
      }),
    ).join('\n') + '\n'
  );
}

/** Creates a finished job with validation metrics on the emulator the workbench uses (real SDK, real HTTP). */
export async function finishedJob(suffix: string): Promise<{ id: string; model: string }> {
  const url = e2eEnv.emulatorUrl;
  if (!url) throw new Error('SOCRATUNE_EMULATOR_URL is not set: build the emulator first (npm run build)');
  const profile: BackendProfile = { provider: 'emulator', baseUrl: url, azureEndpoint: '', azureApiVersion: '', defaultChatModel: '', defaultBaseModel: '' };
  const r = createClient(profile, e2eEnv.emulatorKey);
  if (!r.ok) throw new Error(r.message);
  const backend: FineTuneBackend = createBackend(profile, r.client, r.baseURL);
  const dir = mkdtempSync(join(tmpdir(), `socratune-e2e-${suffix}-`));
  writeFileSync(join(dir, 'train.jsonl'), examples(40, 'train'));
  writeFileSync(join(dir, 'validation.jsonl'), examples(12, 'validation'));
  const train = await backend.upload({ path: join(dir, 'train.jsonl') });
  const validation = await backend.upload({ path: join(dir, 'validation.jsonl') });
  const job = await backend.createJob({
    baseModel: 'gpt-4.1-mini-2025-04-14',
    trainingFileId: train.id,
    validationFileId: validation.id,
    method: 'supervised',
    hyperparameters: { nEpochs: 4, batchSize: 2 },
    suffix,
    seed: 3,
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const now = await backend.getJob(job.id);
    if (now.status === 'succeeded' && now.fineTunedModel) return { id: job.id, model: now.fineTunedModel };
    if (Date.now() > deadline) throw new Error(`${job.id} did not succeed on the emulator`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
