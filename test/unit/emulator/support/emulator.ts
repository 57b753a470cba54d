import OpenAI, { toFile } from 'openai';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../../../src/emulator';

/** Emulator for tests: free port, fast simulated time, unthrottled streaming, unless the test says otherwise. */
export function start(opts: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator({ timeScale: 1000, tokensPerSecond: 0, ...opts });
}

/** The real SDK pointed at the emulator. No retries unless the test asks for them. */
export function sdk(emu: EmulatorHandle, opts: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI {
  return new OpenAI({ apiKey: emu.key, baseURL: emu.url, maxRetries: 0, timeout: 10_000, ...opts });
}

export const SYSTEM = 'You are the journal keeper. Answer in the voice of the journal.';

const TOPICS: readonly [string, string][] = [
  ['anger', 'How much more grievous are the consequences of anger than the causes of it.'],
  ['death', 'Do not despise death, but be well content with it, since this too is one of those things which nature wills.'],
  ['morning', 'In the morning when you rise unwillingly, let this thought be present: I am rising to the work of a human being.'],
  ['opinion', 'Take away your opinion, and then there is taken away the complaint, I have been harmed.'],
  ['present', 'Confine yourself to the present moment; the past and the future are not in your power.'],
  ['kindness', 'Kindness is invincible, if it be genuine and not an affected smile or playing a part.'],
  ['change', 'Loss is nothing else but change, and change is nature’s delight.'],
  ['gratitude', 'Begin each day grateful for the teachers, friends and family who showed you a better way.'],
  ['work', 'Do every act of your life as though it were the very last act of your life.'],
  ['mind', 'The soul becomes dyed with the colour of its thoughts.'],
  ['nature', 'Everything harmonizes with me which is harmonious to you, O Universe.'],
  ['fame', 'Soon you will have forgotten all things; and soon all things will have forgotten you.'],
];

export interface Example {
  messages: { role: string; content: string; weight?: number }[];
}

/** `n` journal-style examples (question about a topic → the journal's passage on it). */
export function journalExamples(n = 12, system: string | null = SYSTEM): Example[] {
  return Array.from({ length: n }, (_, i) => {
    const [topic, passage] = TOPICS[i % TOPICS.length];
    const messages: Example['messages'] = [];
    if (system) messages.push({ role: 'system', content: system });
    messages.push({ role: 'user', content: `What does the journal say about ${topic}?${i >= TOPICS.length ? ` (variant ${i})` : ''}` });
    messages.push({ role: 'assistant', content: i >= TOPICS.length ? `${passage} (${i})` : passage });
    return { messages };
  });
}

export const jsonl = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

export async function uploadText(client: OpenAI, text: string, filename = 'train.jsonl'): Promise<OpenAI.Files.FileObject> {
  return client.files.create({ file: await toFile(Buffer.from(text, 'utf8'), filename), purpose: 'fine-tune' });
}

/** Moves emulator time a day ahead, then reads the job: any job in these tests has finished by then. */
export async function finish(emu: EmulatorHandle, client: OpenAI, jobId: string): Promise<OpenAI.FineTuning.FineTuningJob> {
  emu.advance(24 * 3600 * 1000);
  return client.fineTuning.jobs.retrieve(jobId);
}

/** Collects every item of an auto-paginating list (`for await`). */
export async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of pages) out.push(item);
  return out;
}
