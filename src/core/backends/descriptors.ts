/**
 * The backend catalog: one descriptor per backend, saying what "Choose Backend" and "Re-run on…" show (its name and one
 * line on what differs — price model, serving, deploy step), what its launch asks (its launch rules), the absolute
 * learning rate its `auto` means (to translate OpenAI's multiplier) and which setting it needs besides a key. Pickers
 * list `BACKEND_DESCRIPTORS` as they are: a new backend appears everywhere once it has a descriptor here.
 */
import type { ProviderKind } from '../config/profile';
import { NEBIUS_DEFAULT_LEARNING_RATE, NEBIUS_RULES } from './nebius';
import { AZURE_RULES, COMPATIBLE_RULES, EMULATOR_RULES, OPENAI_RULES, type LaunchRules } from './rules';
import { FIREWORKS_RULES } from './fireworksShape';
import { TOGETHER_RULES } from './togetherShape';

export interface BackendDescriptor {
  readonly kind: ProviderKind;
  readonly label: string;
  /** One line on what differs from the others: price model, how the result is served, any deploy step. */
  readonly differs: string;
  readonly launchRules: LaunchRules;
  /** The absolute learning rate the backend uses for `auto` (the "1×" of OpenAI's multiplier), when it takes one and it is known. */
  readonly defaultLearningRate?: number;
  /** The setting (under `socratune.`) to fill in before the backend can be used, besides the API key. */
  readonly setting?: 'azure.endpoint' | 'baseUrl' | 'fireworks.accountId';
}

const CATALOG: Readonly<Record<ProviderKind, BackendDescriptor>> = {
  openai: {
    kind: 'openai',
    label: 'OpenAI',
    differs: 'Per-token training prices; the result answers at once, no deploy step. New self-serve fine-tuning jobs stop on 2027-01-06.',
    launchRules: OPENAI_RULES,
  },
  azure: {
    kind: 'azure',
    label: 'Azure OpenAI',
    differs: 'Per-token training prices by training type (Standard, Global, Developer); the result answers only once you deploy it in Azure (hourly hosting).',
    launchRules: AZURE_RULES,
    setting: 'azure.endpoint',
  },
  together: {
    kind: 'together',
    label: 'Together AI',
    differs: 'Open models, LoRA or full; per-token training; LoRA results answer serverless on some bases, else a dedicated endpoint billed per minute.',
    launchRules: TOGETHER_RULES,
    defaultLearningRate: 1e-5,
  },
  fireworks: {
    kind: 'fireworks',
    label: 'Fireworks AI',
    differs: 'Open models, LoRA; per-token training; results answer once deployed (Socratune asks, billed per GPU-hour) or serverless on a few bases.',
    launchRules: FIREWORKS_RULES,
    setting: 'fireworks.accountId',
  },
  nebius: {
    kind: 'nebius',
    label: 'Nebius Token Factory',
    differs:
      'Open models (Llama 3.1 8B, 3.3 70B), LoRA or full; per-token training; the result answers once deployed as a custom model, served serverless per token.',
    launchRules: NEBIUS_RULES,
    defaultLearningRate: NEBIUS_DEFAULT_LEARNING_RATE,
  },
  'openai-compatible': {
    kind: 'openai-compatible',
    label: 'OpenAI-compatible or local server',
    differs: 'Any server speaking the OpenAI API at socratune.baseUrl (vLLM, Ollama, LM Studio, gateways); its prices and serving are its own.',
    launchRules: COMPATIBLE_RULES,
    setting: 'baseUrl',
  },
  emulator: {
    kind: 'emulator',
    label: 'Local emulator',
    differs: 'Local stand-in on 127.0.0.1: free, no account, answers from your training data at once. Not a model.',
    launchRules: EMULATOR_RULES,
    setting: 'baseUrl',
  },
};

/** Every backend, in the order the pickers offer them. */
export const BACKEND_DESCRIPTORS: readonly BackendDescriptor[] = Object.values(CATALOG);

export function backendDescriptor(kind: ProviderKind): BackendDescriptor {
  return CATALOG[kind];
}
