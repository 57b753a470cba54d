import { BackendProfile } from '../core/config/profile';

/** "OpenAI", "Emulator · 127.0.0.1:8787", "OpenAI-compatible · 127.0.0.1:11434", "Azure · my-resource…". */
export function describeProfile(p: BackendProfile): string {
  const host = (u: string): string => {
    try {
      return new URL(u).host;
    } catch {
      return u || 'no URL set';
    }
  };
  switch (p.provider) {
    case 'openai':
      return p.baseUrl ? `OpenAI · ${host(p.baseUrl)}` : 'OpenAI';
    case 'azure':
      return `Azure OpenAI · ${host(p.azureEndpoint)}`;
    case 'openai-compatible':
      return `OpenAI-compatible · ${host(p.baseUrl)}`;
    case 'emulator':
      return `Emulator · ${host(p.baseUrl)}`;
    case 'together':
      return p.baseUrl ? `Together AI · ${host(p.baseUrl)}` : 'Together AI';
    case 'nebius':
      return p.baseUrl ? `Nebius Token Factory · ${host(p.baseUrl)}` : 'Nebius Token Factory';
    case 'fireworks':
      return p.baseUrl ? `Fireworks AI · ${host(p.baseUrl)}` : 'Fireworks AI';
  }
}
