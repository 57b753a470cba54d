/**
 * Fine-tuned model ID shapes:
 * - OpenAI (and most OpenAI-shape servers): `ft:<base>:<org>:<suffix>:<id>`; a checkpoint appends `:ckpt-step-<N>`.
 * - Azure OpenAI: `<base>.ft-<32 hex>`; checkpoints `ftchkpt-<hex>` (the base is not in the ID).
 */
export interface ParsedModelId {
  readonly fineTuned: boolean;
  readonly checkpoint: boolean;
  /** Base model, when the ID names it. */
  readonly base?: string;
  readonly suffix?: string;
  readonly step?: number;
}

const AZURE_FT = /^(.+)\.ft-([0-9a-f]{8,})(?:[-_.].*)?$/i;
const AZURE_CKPT = /^ftchkpt-[0-9a-z]+/i;

export function parseModelId(id: string): ParsedModelId {
  if (id.startsWith('ft:')) {
    const parts = id.split(':');
    const last = parts[parts.length - 1] ?? '';
    const ck = /^ckpt-step-(\d+)$/.exec(last);
    return {
      fineTuned: true,
      checkpoint: Boolean(ck),
      base: parts[1] || undefined,
      suffix: parts[3] || undefined,
      step: ck ? Number(ck[1]) : undefined,
    };
  }
  if (AZURE_CKPT.test(id)) return { fineTuned: true, checkpoint: true };
  const az = AZURE_FT.exec(id);
  if (az) return { fineTuned: true, checkpoint: /ckpt|chkpt/i.test(id.slice(az[1].length)), base: az[1] };
  return { fineTuned: false, checkpoint: false };
}

export function isFineTunedModelId(id: string): boolean {
  return parseModelId(id).fineTuned;
}
