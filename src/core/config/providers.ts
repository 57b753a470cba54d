/**
 * One line per backend on what differs (price model, serving, deploy step), shown by "Choose Backend" and
 * "Re-run on…" so the choice can be made without reading the docs.
 */
import type { ProviderKind } from './profile';

export const PROVIDER_DETAILS: Readonly<Record<ProviderKind, string>> = {
  openai: 'Per-token training prices; the result answers at once. New self-serve fine-tuning jobs stop on 2027-01-06.',
  azure: 'Azure’s per-token prices by training type; the result answers only once deployed (hourly hosting), a step you do in Azure.',
  'openai-compatible': 'Any server speaking the OpenAI API at socratune.baseUrl (Nebius, gateways, local servers); its prices are its own.',
  emulator: 'Local stand-in on 127.0.0.1: free, no account, answers from your training data. Not a model.',
  together: 'Open models, LoRA or full; per-token training; LoRA results answer serverless on some bases, else a dedicated endpoint billed per minute.',
  fireworks: 'Open models, LoRA; per-token training; results answer once deployed (Socratune asks, billed per GPU-hour) or serverless on a few bases.',
};
