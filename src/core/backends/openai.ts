/**
 * OpenAI (api.openai.com). Full fine-tuning API, but new jobs are being refused in stages
 * (2026-05-07 / 2026-07-02 / 2027-01-06): a 403 on create is explained as the wind-down (see errors.ts).
 */
import { OPENAI_TUNABLE, catalogModel, isPast } from './catalog';
import { normalizeModel } from './normalize';
import { OPENAI_API_CAPABILITIES, OpenAIShapeBackend, OpenAIShapeOptions } from './openaiShape';
import { OPENAI_RULES, type LaunchRules } from './rules';
import type { BackendCapabilities, ChatTarget, TunableModel } from './types';

export class OpenAIBackend extends OpenAIShapeBackend {
  readonly kind = 'openai' as const;
  readonly capabilities: BackendCapabilities = OPENAI_API_CAPABILITIES;
  readonly launchRules: LaunchRules = OPENAI_RULES;

  constructor(
    opts: OpenAIShapeOptions,
    private readonly now: () => number = Date.now,
  ) {
    super(opts, 'OpenAI');
  }

  /** Catalog models the account can see (when the list works), minus those past their shutdown date. */
  async tunableModels(signal?: AbortSignal): Promise<TunableModel[]> {
    const listed = await this.rawModels(signal);
    const byId = new Map((listed ?? []).map((m) => normalizeModel(m)).map((m) => [m.id, m]));
    return OPENAI_TUNABLE.filter((e) => !listed || byId.has(e.id))
      .map((e) => catalogModel(e, byId.has(e.id), byId.get(e.id)?.shutdownDate))
      .filter((m) => !isPast(m.shutdownDate, this.now()));
  }

  /** The account's list also has embeddings, audio, image and moderation models: chat offers only chat models. */
  protected override isChatBaseModel(id: string): boolean {
    return (
      /^(gpt-|o\d|chatgpt-)/.test(id) &&
      !/(embedding|audio|realtime|tts|transcribe|whisper|dall-e|image|search|moderation|davinci|babbage|computer-use)/.test(id)
    );
  }

  chatTarget(modelId: string): ChatTarget {
    return { ok: true, model: modelId };
  }
}
