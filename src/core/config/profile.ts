/**
 * A backend profile: where Socratune sends API requests. Pure data, read from settings by the host.
 * The API key is never part of a profile; it lives only in VS Code SecretStorage.
 */
export type ProviderKind = 'openai' | 'azure' | 'openai-compatible' | 'emulator' | 'together' | 'fireworks' | 'nebius';

export const PROVIDER_KINDS: readonly ProviderKind[] = ['openai', 'azure', 'openai-compatible', 'emulator', 'together', 'fireworks', 'nebius'];

export interface BackendProfile {
  readonly provider: ProviderKind;
  /** Base URL for `openai-compatible` and `emulator` (…/v1); optional override for `openai`. */
  readonly baseUrl: string;
  /** Azure resource endpoint, e.g. https://my-resource.openai.azure.com */
  readonly azureEndpoint: string;
  /** Azure api-version query sent with every v1 request (`preview` for preview features); empty sends none. */
  readonly azureApiVersion: string;
  readonly defaultChatModel: string;
  readonly defaultBaseModel: string;
}

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const TOGETHER_BASE_URL = 'https://api.together.ai/v1';
/** Nebius Token Factory (formerly AI Studio, api.studio.nebius.com): OpenAI-shaped training and inference. */
export const NEBIUS_BASE_URL = 'https://api.tokenfactory.nebius.com/v1';
/** Fireworks' control plane (`/v1/accounts/<account>/…`); its OpenAI-compatible inference API is at `/inference/v1` beside it. */
export const FIREWORKS_BASE_URL = 'https://api.fireworks.ai/v1';

/** Fireworks: the inference base for a control-plane base (`…/v1` → `…/inference/v1`), and back. */
export function fireworksInferenceUrl(controlPlane: string): string {
  return `${controlPlane.replace(/\/v1$/, '')}/inference/v1`;
}
export function fireworksControlPlaneUrl(inference: string): string {
  return inference.replace(/\/inference\/v1$/, '/v1');
}

export function isProviderKind(value: unknown): value is ProviderKind {
  return typeof value === 'string' && (PROVIDER_KINDS as readonly string[]).includes(value);
}

/** The base URL the `openai` SDK should use for this profile, or an error message saying what is missing. */
export function resolveBaseUrl(profile: BackendProfile): { ok: true; baseURL: string } | { ok: false; message: string } {
  switch (profile.provider) {
    case 'openai':
      return { ok: true, baseURL: trimSlash(profile.baseUrl) || OPENAI_BASE_URL };
    case 'together':
      return { ok: true, baseURL: trimSlash(profile.baseUrl) || TOGETHER_BASE_URL };
    case 'nebius':
      return { ok: true, baseURL: trimSlash(profile.baseUrl) || NEBIUS_BASE_URL };
    case 'fireworks': {
      // The client talks to the inference API (chat); the backend reaches the control plane beside it.
      const base = trimSlash(profile.baseUrl) || FIREWORKS_BASE_URL;
      if (!/^https?:\/\/.+\/v1$/i.test(base))
        return { ok: false, message: `The Fireworks base URL "${base}" must be the control plane's, ending in /v1 (https://api.fireworks.ai/v1).` };
      return { ok: true, baseURL: fireworksInferenceUrl(base) };
    }
    case 'azure': {
      const endpoint = trimSlash(profile.azureEndpoint);
      if (!endpoint)
        return { ok: false, message: 'Set "socratune.azure.endpoint" to your Azure OpenAI resource endpoint (https://<resource>.openai.azure.com).' };
      if (!/^https?:\/\//i.test(endpoint)) return { ok: false, message: `The Azure endpoint "${endpoint}" must start with https://.` };
      return { ok: true, baseURL: `${endpoint.replace(/\/openai(\/v1)?$/i, '')}/openai/v1` };
    }
    case 'openai-compatible':
    case 'emulator': {
      const base = trimSlash(profile.baseUrl);
      if (!base) return { ok: false, message: `Set "socratune.baseUrl" to the server's OpenAI-compatible base URL (for example http://127.0.0.1:11434/v1).` };
      if (!/^https?:\/\//i.test(base)) return { ok: false, message: `The base URL "${base}" must start with http:// or https://.` };
      return { ok: true, baseURL: base };
    }
  }
}

/** Whether requests to this profile may be sent without an API key (local servers often need none). */
export function keyOptional(profile: BackendProfile): boolean {
  return profile.provider === 'openai-compatible';
}

function trimSlash(s: string): string {
  return s.trim().replace(/\/+$/, '');
}
