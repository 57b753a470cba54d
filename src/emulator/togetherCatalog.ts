/**
 * Base models of the emulator's Together AI flavor. These are the emulator's own choice of a few real Together
 * fine-tuning bases, with plausible limits (shapes of `/fine-tunes/models/limits`, Together's published OpenAPI
 * description). `serverlessLora` is the emulator's serving rule: a LoRA fine-tune of such a base answers at once;
 * any other fine-tune answers only through a dedicated endpoint (billed per minute on Together), which chat reports.
 */
export interface TogetherBase {
  readonly id: string;
  readonly displayName: string;
  readonly organization: string;
  readonly contextLength: number;
  readonly serverlessLora: boolean;
  readonly dpo: boolean;
  /** Full fine-tuning offered (`full_training` in its limits). */
  readonly full: boolean;
  readonly maxEpochs: number;
  readonly maxRank: number;
  readonly maxBatch: number;
  readonly minBatch: number;
  /** Emulated training price, USD per 1M trained tokens (LoRA). */
  readonly usdPer1M: number;
}

export const TOGETHER_BASES: readonly TogetherBase[] = [
  {
    id: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
    displayName: 'Meta Llama 3.1 8B Instruct Reference',
    organization: 'Meta',
    contextLength: 131072,
    serverlessLora: true,
    dpo: true,
    full: true,
    maxEpochs: 20,
    maxRank: 64,
    maxBatch: 32,
    minBatch: 8,
    usdPer1M: 0.48,
  },
  {
    id: 'Qwen/Qwen3-8B',
    displayName: 'Qwen3 8B',
    organization: 'Qwen',
    contextLength: 32768,
    serverlessLora: false,
    dpo: true,
    full: true,
    maxEpochs: 20,
    maxRank: 64,
    maxBatch: 32,
    minBatch: 8,
    usdPer1M: 0.48,
  },
  {
    id: 'meta-llama/Llama-3.3-70B-Instruct-Reference',
    displayName: 'Meta Llama 3.3 70B Instruct Reference',
    organization: 'Meta',
    contextLength: 131072,
    serverlessLora: false,
    dpo: false,
    full: false,
    maxEpochs: 20,
    maxRank: 64,
    maxBatch: 16,
    minBatch: 8,
    usdPer1M: 2.9,
  },
];

const BY_ID = new Map(TOGETHER_BASES.map((b) => [b.id, b]));

export function togetherBase(id: string): TogetherBase | undefined {
  return BY_ID.get(id);
}

export const TOGETHER_LR = { min: 1e-6, max: 1e-2 } as const;
