/**
 * Backend construction from a profile and an `openai` client made by src/core/config/client.ts
 * (the only place clients are built).
 */
import type OpenAI from 'openai';
import type { BackendProfile } from '../config/profile';
import { AzureBackend } from './azure';
import { CompatibleBackend } from './compatible';
import { FireworksBackend } from './fireworks';
import { OpenAIBackend } from './openai';
import { NebiusBackend } from './nebius';
import { TogetherBackend } from './together';
import type { FineTuneBackend, UploadCache } from './types';

export interface BackendOptions {
  readonly uploadCache?: UploadCache;
  /** Azure: fine-tuned model → deployment name. */
  readonly azureDeployments?: Readonly<Record<string, string>>;
  /** Fireworks account ID (setting `socratune.fireworks.accountId`). */
  readonly fireworksAccount?: string;
  readonly now?: () => number;
}

export function createBackend(profile: BackendProfile, client: OpenAI, baseURL: string, opts: BackendOptions = {}): FineTuneBackend {
  const common = { client, baseURL, uploadCache: opts.uploadCache };
  switch (profile.provider) {
    case 'openai':
      return new OpenAIBackend(common, opts.now);
    case 'azure':
      return new AzureBackend({ ...common, deployments: opts.azureDeployments }, opts.now);
    case 'openai-compatible':
    case 'emulator':
      return new CompatibleBackend(profile.provider, common, opts.now);
    case 'together':
      return new TogetherBackend({ client, baseURL });
    case 'nebius':
      return new NebiusBackend(common);
    case 'fireworks':
      return new FireworksBackend({ client, baseURL, account: opts.fireworksAccount ?? '' });
  }
}

export { BackendError } from './openaiShape';
export type * from './types';
