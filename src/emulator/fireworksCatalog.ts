/**
 * Base models of the emulator's Fireworks AI flavor, Fireworks-owned and named `accounts/fireworks/models/<id>`.
 * The emulator's own choice of a few real Fireworks bases with plausible limits. `serverlessLora` is the serving
 * rule: Fireworks serves LoRA adapters on its shared serverless pool only for a few bases (its preview docs list
 * glm-5p3-flash); a fine-tune of any other base answers only through a deployment (billed per GPU-hour).
 * `tunable: false` is a base the account may chat with but not fine-tune.
 */
export interface FireworksBase {
  /** Full resource name, e.g. `accounts/fireworks/models/qwen3-8b`. */
  readonly name: string;
  readonly displayName: string;
  readonly contextLength: number;
  readonly maxLoraRank: number;
  readonly serverlessLora: boolean;
  readonly tunable: boolean;
}

const base = (id: string, displayName: string, contextLength: number, serverlessLora: boolean, tunable = true): FireworksBase => ({
  name: `accounts/fireworks/models/${id}`,
  displayName,
  contextLength,
  maxLoraRank: 64,
  serverlessLora,
  tunable,
});

export const FIREWORKS_BASES: readonly FireworksBase[] = [
  base('qwen3-8b', 'Qwen3 8B', 40_960, false),
  base('llama-v3p1-8b-instruct', 'Llama 3.1 8B Instruct', 131_072, false),
  base('glm-5p3-flash', 'GLM-5.3 Flash', 131_072, true),
  base('kimi-k2-instruct-0905', 'Kimi K2 Instruct 0905', 262_144, false, false),
];

const BY_NAME = new Map(FIREWORKS_BASES.map((b) => [b.name, b]));

export function fireworksBase(name: string): FireworksBase | undefined {
  return BY_NAME.get(name);
}

/** Fireworks resource IDs: lowercase letters, digits and "-", starting with a letter (at most 63 characters). */
export const FIREWORKS_ID = /^[a-z][a-z0-9-]{0,62}$/;
