/**
 * Any server that implements OpenAI's fine-tuning API at a base URL: Nebius Token Factory, LLMariner,
 * OPEA, LiteLLM/Portkey gateways, and Socratune's own emulator. Endpoints some of them lack (events,
 * checkpoints, pause) surface as an "unsupported" error on that call only.
 */
import { OPENAI_TUNABLE, catalogEntry, catalogModel, isPast } from './catalog';
import { normalizeModel } from './normalize';
import { OPENAI_API_CAPABILITIES, OpenAIShapeBackend, OpenAIShapeOptions } from './openaiShape';
import { COMPATIBLE_RULES, EMULATOR_RULES, type LaunchRules } from './rules';
import type { BackendCapabilities, BackendKind, ChatTarget, TrainingMethod, TunableModel } from './types';

export class CompatibleBackend extends OpenAIShapeBackend {
  readonly capabilities: BackendCapabilities = OPENAI_API_CAPABILITIES;
  readonly launchRules: LaunchRules;

  constructor(
    readonly kind: BackendKind & ('openai-compatible' | 'emulator'),
    opts: OpenAIShapeOptions,
    private readonly now: () => number = Date.now,
  ) {
    super(opts, kind === 'emulator' ? 'Socratune emulator' : 'OpenAI-compatible server');
    this.launchRules = kind === 'emulator' ? EMULATOR_RULES : COMPATIBLE_RULES;
  }

  /**
   * The server's own models (not fine-tunes), honouring a `capabilities.fine_tune` flag when the server
   * sends one; catalog models first. If the server cannot list models, the OpenAI catalog is offered.
   */
  async tunableModels(signal?: AbortSignal): Promise<TunableModel[]> {
    const raw = await this.rawModels(signal);
    if (!raw) return OPENAI_TUNABLE.map((e) => catalogModel(e, false)).filter((m) => !isPast(m.shutdownDate, this.now()));
    const models = raw.map((r) => ({ r: r as { capabilities?: { fine_tune?: unknown }; fine_tunable?: unknown }, m: normalizeModel(r) }));
    const anyFlag = models.some(({ r }) => r.capabilities?.fine_tune !== undefined || r.fine_tunable !== undefined);
    const out: TunableModel[] = [];
    for (const { r, m } of models) {
      if (m.fineTuned || isPast(m.shutdownDate, this.now())) continue;
      if (anyFlag && !(r.capabilities?.fine_tune === true || r.fine_tunable === true)) continue;
      const e = catalogEntry(OPENAI_TUNABLE, m.id);
      const methods: readonly TrainingMethod[] = e?.methods ?? ['supervised', 'dpo'];
      out.push(e ? catalogModel(e, true, m.shutdownDate) : { id: m.id, label: m.id, methods, shutdownDate: m.shutdownDate, listed: true });
    }
    const rank = (id: string) => {
      const i = OPENAI_TUNABLE.findIndex((e) => e.id === id);
      return i < 0 ? OPENAI_TUNABLE.length : i;
    };
    return out.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  }

  chatTarget(modelId: string): ChatTarget {
    return { ok: true, model: modelId };
  }
}
