/**
 * Chat fine-tuning JSONL derived from the Meditations corpus (../shared/corpus/meditations.txt):
 * each paragraph becomes an example {system, user question from its opening words, assistant = paragraph}.
 * Used by the validation benchmark and the streaming unit tests. Writes to a path you give (a temp dir).
 */
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The full corpus beside the repository (as laid out for development and CI). */
export const FULL_CORPUS = path.resolve(__dirname, '../../../shared/corpus/meditations.txt');
/** A public-domain excerpt committed with the tests, used when the full corpus is not there (e.g. a clone elsewhere). */
export const EXCERPT = path.resolve(__dirname, '../../test/fixtures/meditations-excerpt.txt');
export const CORPUS = process.env.SOCRATUNE_CORPUS ?? (existsSync(FULL_CORPUS) ? FULL_CORPUS : EXCERPT);

export const SYSTEM_PROMPT = 'You are Marcus Aurelius, answering from your private notebook: plain, candid, brief.';

export function corpusAvailable(): boolean {
  return existsSync(CORPUS);
}

export function paragraphs(): string[] {
  return readFileSync(CORPUS, 'utf8')
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p.length > 40);
}

/** One JSONL line per paragraph; `variant` > 0 perturbs the question so copies are not byte-identical. */
export function exampleLines(paras: readonly string[], variant = 0): string[] {
  return paras.map((p, i) => {
    const words = p
      .split(' ')
      .slice(0, 6)
      .join(' ')
      .replace(/[,.;:]+$/, '');
    const user = variant === 0 ? `What did you write that begins "${words}"?` : `(${variant}.${i}) What did you write that begins "${words}"?`;
    const messages = [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: user },
      { role: 'assistant', content: p },
    ];
    return JSON.stringify({ messages });
  });
}

/**
 * Write at least `minBytes` of examples (the corpus repeated; each repetition's questions differ).
 * Returns bytes and example count.
 */
export async function writeDataset(file: string, minBytes: number, opts: { eol?: string } = {}): Promise<{ bytes: number; examples: number }> {
  const paras = paragraphs();
  const eol = opts.eol ?? '\n';
  const out = createWriteStream(file);
  let bytes = 0;
  let examples = 0;
  for (let variant = 0; bytes < minBytes; variant++) {
    const chunk = exampleLines(paras, variant).join(eol) + eol;
    bytes += Buffer.byteLength(chunk);
    examples += paras.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { bytes, examples };
}
