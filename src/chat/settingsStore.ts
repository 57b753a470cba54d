import * as vscode from 'vscode';
import { newId } from '../core/chat/conversation';
import { PromptSource, ReplySetup, SamplingParams } from '../core/chat/types';
import { BoundPrompt, ModelPrompts } from '../platform/modelPrompts';
import { ActivePrompt, ChatSettings, CompareSettings, PromptChoice, PromptPreset, SettingsPayload } from '../shared/protocol';

const SETTINGS_KEY = 'socratune.chat.settings';

/** A model chosen for the user when none was picked, and why (e.g. "the newest fine-tuned model"). */
export interface DefaultModel {
  readonly model: string;
  readonly why: string;
}
const PRESETS_KEY = 'socratune.chat.presets';

/**
 * Chat settings (model, system prompt choice, sampling parameters, compare column) and the system prompt
 * presets, both stored per workspace (workspaceState). Resolves which system prompt is actually sent:
 * `bound` = the prompt the selected fine-tuned model was trained with (services.modelPrompts).
 */
export class ChatSettingsStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly state: vscode.Memento,
    private readonly prompts: ModelPrompts,
    private readonly defaultModel: () => DefaultModel | undefined,
    /** The base model a fine-tune was trained from (compare's column B starts there). */
    private readonly baseOf: (model: string) => string | undefined = () => undefined,
  ) {
    this.subs.push(prompts.onDidChange(() => this.changed.fire()));
  }

  get settings(): ChatSettings {
    const s = this.state.get<Partial<ChatSettings>>(SETTINGS_KEY, {});
    const compare: CompareSettings = { enabled: false, model: '', prompt: { mode: 'bound' }, ...(s.compare ?? {}) };
    return { model: s.model || this.defaultModel()?.model || '', prompt: s.prompt ?? { mode: 'bound' }, params: s.params ?? {}, compare };
  }

  get presets(): PromptPreset[] {
    return this.state.get<PromptPreset[]>(PRESETS_KEY, []);
  }

  async update(patch: Partial<ChatSettings>): Promise<void> {
    await this.state.update(SETTINGS_KEY, { ...this.settings, ...patch });
    this.changed.fire();
  }

  /** The training prompt bound to `model`; a checkpoint inherits its fine-tune's (same training run). */
  boundPrompt(model: string): BoundPrompt | undefined {
    if (!model) return undefined;
    return this.prompts.get(model) ?? (/:ckpt-step-\d+$/.test(model) ? this.prompts.get(model.replace(/:ckpt-step-\d+$/, '')) : undefined);
  }

  /** Select a model. A model with a bound training prompt switches the prompt back to it automatically. */
  async setModel(model: string, side?: 'b'): Promise<void> {
    const bound = this.boundPrompt(model) !== undefined;
    if (side === 'b') {
      const c = this.settings.compare;
      await this.update({ compare: { ...c, model, prompt: bound ? { mode: 'bound' } : c.prompt } });
    } else {
      await this.update({ model, ...(bound ? { prompt: { mode: 'bound' } as PromptChoice } : {}) });
    }
  }

  async setPrompt(choice: PromptChoice, side?: 'b'): Promise<void> {
    if (choice.mode === 'preset' && !this.presets.some((p) => p.id === choice.presetId)) throw new Error('That preset no longer exists.');
    if (side === 'b') await this.update({ compare: { ...this.settings.compare, prompt: choice } });
    else await this.update({ prompt: choice });
  }

  async setParams(params: SamplingParams): Promise<void> {
    await this.update({ params });
  }

  /** Compare on or off. Column B keeps a model picked for it; otherwise it starts at A's base model (else A's model). */
  async setCompare(enabled: boolean): Promise<void> {
    const s = this.settings;
    const c = s.compare;
    const model = c.model && c.model !== s.model ? c.model : (this.baseOf(s.model) ?? s.model);
    const prompt = model !== c.model && this.boundPrompt(model) !== undefined ? ({ mode: 'bound' } as PromptChoice) : c.prompt;
    await this.update({ compare: { ...c, enabled, model, prompt } });
  }

  async savePreset(p: { id?: string; name: string; text: string }): Promise<PromptPreset> {
    const list = this.presets;
    const preset: PromptPreset = { id: p.id && list.some((x) => x.id === p.id) ? p.id : newId('preset'), name: p.name.trim(), text: p.text };
    const next = list.some((x) => x.id === preset.id) ? list.map((x) => (x.id === preset.id ? preset : x)) : [...list, preset];
    await this.state.update(PRESETS_KEY, next);
    this.changed.fire();
    return preset;
  }

  async deletePreset(id: string): Promise<void> {
    await this.state.update(
      PRESETS_KEY,
      this.presets.filter((p) => p.id !== id),
    );
    // A side that used the deleted preset falls back to the model's bound prompt.
    const s = this.settings;
    const fix = (c: PromptChoice): PromptChoice => (c.mode === 'preset' && c.presetId === id ? { mode: 'bound' } : c);
    await this.update({ prompt: fix(s.prompt), compare: { ...s.compare, prompt: fix(s.compare.prompt) } });
  }

  /** The system prompt a request to `model` with `choice` sends, described for the view. */
  resolve(model: string, choice: PromptChoice): ActivePrompt {
    const bound = this.boundPrompt(model);
    const make = (source: PromptSource, label: string, text: string): ActivePrompt => ({
      source,
      label,
      text,
      differsFromBound: bound !== undefined && text !== bound.systemPrompt,
    });
    switch (choice.mode) {
      case 'bound':
        return bound
          ? make('bound', `Trained prompt${bound.datasetName ? ` · ${bound.datasetName}` : ''}`, bound.systemPrompt)
          : make('none', 'No system prompt', '');
      case 'preset': {
        const p = this.presets.find((x) => x.id === choice.presetId);
        return p ? make('preset', `Preset · ${p.name}`, p.text) : make('none', 'No system prompt', '');
      }
      case 'custom':
        return make('custom', 'Custom prompt', choice.text);
      case 'none':
        return make('none', 'No system prompt', '');
    }
  }

  payload(): SettingsPayload {
    const settings = this.settings;
    const picked = this.state.get<Partial<ChatSettings>>(SETTINGS_KEY, {}).model;
    const d = picked ? undefined : this.defaultModel();
    return {
      settings,
      activePrompt: this.resolve(settings.model, settings.prompt),
      activePromptB: this.resolve(settings.compare.model, settings.compare.prompt),
      presets: this.presets,
      ...(d ? { modelNote: `Chosen for you: ${d.model}, ${d.why}.` } : {}),
    };
  }

  /** What a request for column A (or B) is sent with. */
  setup(side: 'a' | 'b' = 'a'): ReplySetup {
    const s = this.settings;
    const model = side === 'b' ? s.compare.model : s.model;
    const p = this.resolve(model, side === 'b' ? s.compare.prompt : s.prompt);
    return { model, systemPrompt: p.text, promptSource: p.source, promptLabel: p.label, params: s.params };
  }

  dispose(): void {
    for (const d of this.subs.splice(0)) d.dispose();
    this.changed.dispose();
  }
}
