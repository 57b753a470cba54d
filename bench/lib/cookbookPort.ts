/**
 * BASELINE for the validation benchmark: a straightforward TypeScript port of the OpenAI cookbook's
 * Chat_finetuning_data_prep.ipynb (format checks, num_tokens_from_messages, distributions, epochs),
 * counting with the `tiktoken` WASM package (dev dependency, benchmark only). Lines are streamed with
 * readline (the notebook loads the whole file into a list; we don't, to compare algorithms, not I/O).
 * The one fix applied is the documented crash: non-string values (weight) are skipped, not encoded.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { get_encoding, type TiktokenEncoding } from 'tiktoken';

export interface CookbookReport {
  examples: number;
  formatErrors: Record<string, number>;
  missingSystem: number;
  missingUser: number;
  totalTokens: number;
  assistantTokens: number;
  tooLong: number;
  billingTokens: number;
  epochs: number;
  distributions: Record<string, { min: number; max: number; mean: number; median: number; p5: number; p95: number }>;
}

function quantile(sorted: number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function distribution(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  // The notebook prints p5/p95 but computes the 0.1/0.9 quantiles.
  return { min: s[0]!, max: s[s.length - 1]!, mean, median: quantile(s, 0.5), p5: quantile(s, 0.1), p95: quantile(s, 0.9) };
}

export async function cookbookValidate(file: string, encodingName: TiktokenEncoding = 'cl100k_base', maxTokensPerExample = 16385): Promise<CookbookReport> {
  const encoding = get_encoding(encodingName);
  try {
    const formatErrors: Record<string, number> = {};
    const bump = (k: string): void => {
      formatErrors[k] = (formatErrors[k] ?? 0) + 1;
    };
    const numTokensFromMessages = (messages: Record<string, unknown>[], tokensPerMessage = 3, tokensPerName = 1): number => {
      let numTokens = 0;
      for (const message of messages) {
        numTokens += tokensPerMessage;
        for (const [key, value] of Object.entries(message)) {
          if (typeof value === 'string') numTokens += encoding.encode(value).length;
          if (key === 'name') numTokens += tokensPerName;
        }
      }
      return numTokens + 3;
    };
    const numAssistantTokensFromMessages = (messages: Record<string, unknown>[]): number => {
      let n = 0;
      for (const m of messages) if (m.role === 'assistant' && typeof m.content === 'string') n += encoding.encode(m.content).length;
      return n;
    };
    let examples = 0;
    let missingSystem = 0;
    let missingUser = 0;
    const nMessages: number[] = [];
    const convoLens: number[] = [];
    const assistantLens: number[] = [];
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of rl) {
      examples++;
      let ex: unknown;
      try {
        ex = JSON.parse(line);
      } catch {
        bump('invalid_json');
        continue;
      }
      // Format validation (notebook cell "Format error checks")
      if (typeof ex !== 'object' || ex === null || Array.isArray(ex)) {
        bump('data_type');
        continue;
      }
      const messages = (ex as { messages?: unknown }).messages;
      if (!messages || !Array.isArray(messages)) {
        bump('missing_messages_list');
        continue;
      }
      for (const message of messages as Record<string, unknown>[]) {
        if (!('role' in message) || !('content' in message)) bump('message_missing_key');
        if (Object.keys(message).some((k) => !['role', 'content', 'name', 'function_call', 'weight'].includes(k))) bump('message_unrecognized_key');
        if (!['system', 'user', 'assistant', 'function'].includes(message.role as string)) bump('unrecognized_role');
        const content = message.content;
        const functionCall = message.function_call;
        if ((!content && !functionCall) || typeof content !== 'string') bump('missing_content');
      }
      if (!messages.some((m: Record<string, unknown>) => m.role === 'assistant')) bump('example_missing_assistant_message');
      // Warnings and token counts
      if (!messages.some((m: Record<string, unknown>) => m.role === 'system')) missingSystem++;
      if (!messages.some((m: Record<string, unknown>) => m.role === 'user')) missingUser++;
      nMessages.push(messages.length);
      convoLens.push(numTokensFromMessages(messages));
      assistantLens.push(numAssistantTokensFromMessages(messages));
    }
    const tooLong = convoLens.filter((l) => l > maxTokensPerExample).length;
    // Cost estimate (notebook constants)
    const TARGET_EPOCHS = 3,
      MIN_TARGET_EXAMPLES = 100,
      MAX_TARGET_EXAMPLES = 25000,
      MIN_DEFAULT_EPOCHS = 1,
      MAX_DEFAULT_EPOCHS = 25;
    let nEpochs = TARGET_EPOCHS;
    const nTrain = examples;
    if (nTrain * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) nEpochs = Math.min(MAX_DEFAULT_EPOCHS, Math.floor(MIN_TARGET_EXAMPLES / nTrain));
    else if (nTrain * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) nEpochs = Math.max(MIN_DEFAULT_EPOCHS, Math.floor(MAX_TARGET_EXAMPLES / nTrain));
    const billingTokens = convoLens.reduce((a, l) => a + Math.min(maxTokensPerExample, l), 0);
    return {
      examples,
      formatErrors,
      missingSystem,
      missingUser,
      totalTokens: convoLens.reduce((a, b) => a + b, 0),
      assistantTokens: assistantLens.reduce((a, b) => a + b, 0),
      tooLong,
      billingTokens,
      epochs: nEpochs,
      distributions: {
        num_messages_per_example: distribution(nMessages),
        num_total_tokens_per_example: distribution(convoLens),
        num_assistant_tokens_per_example: distribution(assistantLens),
      },
    };
  } finally {
    encoding.free();
  }
}
