import type { ActivePrompt, ChatSettings, ModelEntry, ModelKind, ModelsState, PromptChoice, PromptPreset, SettingsPayload } from '../../shared/protocol';
import { h, icon, iconButton, textButton } from './dom';
import { post } from './vscodeApi';

const OTHER = '__other__';
const GROUPS: [ModelKind, string][] = [
  ['fine-tuned', 'Fine-tuned'],
  ['checkpoint', 'Checkpoints'],
  ['server', 'Server models'],
  ['base', 'Base models'],
  ['custom', 'Typed by hand'],
];

/** A model <select> grouped by kind, with "Other model ID…" revealing a text field for any ID. */
class ModelPicker {
  readonly el: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly custom: HTMLInputElement;
  private models: readonly ModelEntry[] = [];
  private value = '';

  constructor(
    label: string,
    private readonly side: 'b' | undefined,
  ) {
    this.select = h('select', { class: 'model-select', 'aria-label': label, title: label });
    this.custom = h('input', {
      class: 'model-custom',
      type: 'text',
      placeholder: 'Type a model ID and press Enter',
      'aria-label': `${label}: model ID`,
      hidden: true,
      spellcheck: 'false',
    });
    this.el = h('div', { class: 'model-picker' }, this.select, this.custom);
    this.select.addEventListener('change', () => {
      if (this.select.value === OTHER) {
        this.custom.hidden = false;
        this.custom.value = this.value;
        this.custom.focus();
        return;
      }
      this.custom.hidden = true;
      this.choose(this.select.value);
    });
    const commit = (): void => {
      const v = this.custom.value.trim();
      if (v && v !== this.value) this.choose(v);
    };
    this.custom.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        commit();
      } else if (e.key === 'Escape') {
        this.custom.hidden = true;
        this.render();
      }
    });
    this.custom.addEventListener('change', commit);
  }

  private choose(model: string): void {
    this.value = model;
    this.custom.hidden = true;
    post({ type: 'chat/setModel', model, ...(this.side ? { side: this.side } : {}) });
  }

  set(models: readonly ModelEntry[], value: string): void {
    this.models = models;
    this.value = value;
    this.render();
  }

  private render(): void {
    const known = new Set(this.models.map((m) => m.id));
    const entries = [...this.models];
    if (this.value && !known.has(this.value)) entries.push({ id: this.value, kind: 'custom', hasBoundPrompt: false });
    const groups = GROUPS.map(([kind, label]) => {
      const items = entries.filter((m) => m.kind === kind);
      if (!items.length) return null;
      return h(
        'optgroup',
        { label },
        ...items.map((m) =>
          h('option', { value: m.id, title: m.detail ?? m.id, text: `${m.hasBoundPrompt ? '★ ' : ''}${m.id}${m.detail ? ` — ${m.detail}` : ''}` }),
        ),
      );
    }).filter((g): g is HTMLOptGroupElement => g !== null);
    this.select.replaceChildren(
      ...(this.value ? [] : [h('option', { value: '', text: 'Choose a model…', disabled: true })]),
      ...groups,
      h('option', { value: OTHER, text: 'Other model ID…' }),
    );
    this.select.value = this.value;
  }
}

/** A prompt <select>: the model's trained prompt, the presets, custom, none. */
function promptSelect(label: string, choice: PromptChoice, presets: readonly PromptPreset[], active: ActivePrompt): HTMLSelectElement {
  const sel = h('select', { class: 'prompt-select', 'aria-label': label, title: label });
  const opt = (value: string, text: string): HTMLOptionElement => h('option', { value, text });
  sel.append(
    // Says what the chip says: a model without a trained prompt sends none.
    opt('bound', choice.mode === 'bound' && active.source !== 'bound' ? 'No trained prompt for this model' : 'Trained prompt (bound to the model)'),
    ...(presets.length ? [h('optgroup', { label: 'Presets' }, ...presets.map((p) => opt(`preset:${p.id}`, p.name)))] : []),
    opt('custom', 'Custom…'),
    opt('none', 'No system prompt'),
  );
  sel.value = choice.mode === 'preset' ? `preset:${choice.presetId}` : choice.mode;
  return sel;
}

function choiceFrom(value: string, customText: string): PromptChoice {
  if (value.startsWith('preset:')) return { mode: 'preset', presetId: value.slice('preset:'.length) };
  if (value === 'custom') return { mode: 'custom', text: customText };
  return value === 'none' ? { mode: 'none' } : { mode: 'bound' };
}

/**
 * Everything above the transcript: model picker, compare toggle, history/new/open-in-editor buttons, the
 * active system prompt at a glance (click to edit), sampling parameters, and compare column B.
 */
export class Toolbar {
  readonly el: HTMLElement;
  private readonly pickerA = new ModelPicker('Model', undefined);
  private readonly pickerB = new ModelPicker('Model B', 'b');
  private readonly compareBtn: HTMLButtonElement;
  readonly historyBtn: HTMLButtonElement;
  private readonly backend = h('span', { class: 'backend' });
  private readonly modelsNote = h('div', { class: 'models-note', role: 'status' });
  private readonly promptBar = h('div', { class: 'prompt-bar' });
  private readonly promptEditor = h('section', { class: 'prompt-editor', 'aria-label': 'System prompt', hidden: true });
  private readonly params = h('details', { class: 'params' });
  private readonly compareRow = h('div', { class: 'compare-row', hidden: true });
  private payload: SettingsPayload | undefined;
  private models: ModelsState = { entries: [], loading: false, backend: '' };
  private editorOpen = false;

  constructor() {
    this.compareBtn = iconButton('split-horizontal', 'Compare two models side by side', 'toggle-compare', { 'aria-pressed': 'false' });
    this.historyBtn = iconButton('history', 'Conversations', 'toggle-history', { 'aria-expanded': 'false' });
    const top = h(
      'div',
      { class: 'toolbar-row' },
      this.pickerA.el,
      iconButton('refresh', 'Refresh model list', 'refresh-models'),
      this.compareBtn,
      this.historyBtn,
      iconButton('add', 'New conversation', 'new-conversation'),
      iconButton('link-external', 'Open chat in editor', 'run-command', { 'data-command': 'openInEditor' }),
    );
    this.el = h(
      'header',
      { class: 'toolbar' },
      top,
      h('div', { class: 'toolbar-sub' }, this.backend, this.modelsNote),
      this.compareRow,
      this.promptBar,
      this.promptEditor,
      this.params,
    );
    this.el.addEventListener('click', (e) => this.onClick(e));
  }

  setModels(m: ModelsState): void {
    this.models = m;
    this.backend.textContent = m.backend ? `Backend: ${m.backend}` : '';
    this.modelsNote.textContent = m.loading ? 'Loading models…' : (m.error ?? '');
    this.modelsNote.classList.toggle('error', !!m.error && !m.loading);
    if (this.payload) this.render(this.payload);
  }

  setSettings(p: SettingsPayload): void {
    this.payload = p;
    this.render(p);
  }

  private render(p: SettingsPayload): void {
    const s = p.settings;
    this.pickerA.set(this.models.entries, s.model);
    this.compareBtn.setAttribute('aria-pressed', String(s.compare.enabled));
    this.compareBtn.classList.toggle('active', s.compare.enabled);
    this.renderCompare(p);
    this.renderPromptBar(p.activePrompt, s.compare.enabled ? p.activePromptB : undefined);
    if (this.editorOpen) this.renderPromptEditor(p);
    this.renderParams(s);
  }

  private renderCompare(p: SettingsPayload): void {
    const c = p.settings.compare;
    this.compareRow.hidden = !c.enabled;
    if (!c.enabled) return;
    this.pickerB.set(this.models.entries, c.model);
    const sel = promptSelect('System prompt for B', c.prompt, p.presets, p.activePromptB);
    sel.addEventListener('change', () =>
      post({ type: 'chat/setPrompt', side: 'b', choice: choiceFrom(sel.value, c.prompt.mode === 'custom' ? c.prompt.text : p.activePromptB.text) }),
    );
    this.compareRow.replaceChildren(h('span', { class: 'col-label', text: 'B' }), this.pickerB.el, sel);
  }

  private renderPromptBar(a: ActivePrompt, b: ActivePrompt | undefined): void {
    const chip = (label: string, pr: ActivePrompt): HTMLElement =>
      h(
        'button',
        {
          type: 'button',
          class: `prompt-chip prompt-${pr.source}`,
          'data-action': 'toggle-prompt',
          'aria-expanded': String(this.editorOpen),
          title: pr.text ? `System prompt:\n${pr.text}` : 'No system prompt is sent',
        },
        icon('quote'),
        h('span', { class: 'chip-label', text: `${label}${pr.label}` }),
        pr.differsFromBound
          ? h(
              'span',
              { class: 'chip-warning', title: 'This model was trained with a different system prompt: replies may be worse than in training.' },
              icon('warning'),
            )
          : null,
      );
    this.promptBar.replaceChildren(chip(b ? 'A: ' : 'System: ', a), ...(b ? [chip('B: ', b)] : []));
  }

  private renderPromptEditor(p: SettingsPayload): void {
    const s = p.settings;
    const sel = promptSelect('System prompt', s.prompt, p.presets, p.activePrompt);
    const text = h('textarea', { class: 'prompt-text', rows: 4, 'aria-label': 'System prompt text' });
    text.value = p.activePrompt.text;
    const bound = s.prompt.mode === 'bound' || s.prompt.mode === 'none';
    text.readOnly = bound;
    const name = h('input', { class: 'preset-name', type: 'text', placeholder: 'Preset name', 'aria-label': 'Preset name', maxlength: 80 });
    const preset = s.prompt.mode === 'preset' ? p.presets.find((x) => x.id === (s.prompt as { presetId: string }).presetId) : undefined;
    if (preset) name.value = preset.name;
    sel.addEventListener('change', () => post({ type: 'chat/setPrompt', choice: choiceFrom(sel.value, p.activePrompt.text) }));
    const apply = textButton('Use this text', 'noop', { title: 'Send this text as the system prompt (custom)' }, 'check');
    apply.addEventListener('click', () => post({ type: 'chat/setPrompt', choice: { mode: 'custom', text: text.value } }));
    const save = textButton(preset ? 'Update preset' : 'Save as preset', 'noop', {}, 'save');
    save.addEventListener('click', () => {
      const n = name.value.trim();
      if (!n) {
        name.focus();
        name.classList.add('invalid');
        return;
      }
      post({ type: 'chat/savePreset', name: n, text: text.value, ...(preset ? { id: preset.id } : {}) });
    });
    const del = preset ? textButton('Delete preset', 'noop', {}, 'trash') : null;
    del?.addEventListener('click', () => post({ type: 'chat/deletePreset', id: preset!.id }));
    const hint = bound
      ? p.activePrompt.source === 'bound'
        ? 'This is the prompt the model was trained with; it is sent automatically. Edit a copy by choosing Custom or saving a preset.'
        : 'Nothing is sent as system prompt.'
      : 'Presets are saved in this workspace.';
    this.promptEditor.replaceChildren(
      h('div', { class: 'prompt-editor-row' }, h('label', { text: 'System prompt' }), sel),
      text,
      h('div', { class: 'prompt-editor-row' }, name, save, del, apply),
      h('p', { class: 'hint', text: hint }),
    );
  }

  private renderParams(s: ChatSettings): void {
    const field = (label: string, key: 'temperature' | 'topP' | 'maxTokens', min: number, max: number, step: number): HTMLElement => {
      const input = h('input', { type: 'number', min, max, step, placeholder: 'default', 'aria-label': label, class: 'param-input' });
      const v = s.params[key];
      if (v !== undefined) input.value = String(v);
      input.addEventListener('change', () => {
        const raw = input.value.trim();
        const n = Number(raw);
        const ok = raw === '' || (Number.isFinite(n) && n >= min && n <= max && (key !== 'maxTokens' || Number.isInteger(n)));
        input.classList.toggle('invalid', !ok);
        input.setAttribute('aria-invalid', String(!ok));
        if (!ok) return;
        const params = { ...s.params };
        if (raw === '') delete params[key];
        else params[key] = n;
        post({ type: 'chat/setParams', params });
      });
      return h('label', { class: 'param' }, h('span', { text: label }), input);
    };
    const summary = [
      s.params.temperature !== undefined ? `temp ${s.params.temperature}` : '',
      s.params.topP !== undefined ? `top_p ${s.params.topP}` : '',
      s.params.maxTokens !== undefined ? `max ${s.params.maxTokens}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const open = this.params.open;
    this.params.replaceChildren(
      h('summary', {}, icon('settings'), ` Parameters${summary ? `: ${summary}` : ' (server defaults)'}`),
      h(
        'div',
        { class: 'params-grid' },
        field('Temperature', 'temperature', 0, 2, 0.1),
        field('Top P', 'topP', 0, 1, 0.05),
        field('Max tokens', 'maxTokens', 1, 1_000_000, 1),
      ),
    );
    this.params.open = open;
  }

  private onClick(e: MouseEvent): void {
    const btn = (e.target as Element).closest<HTMLElement>('[data-action]');
    const action = btn?.dataset.action;
    if (!btn || !action || !this.el.contains(btn)) return;
    switch (action) {
      case 'toggle-prompt':
        this.editorOpen = !this.editorOpen;
        this.promptEditor.hidden = !this.editorOpen;
        if (this.payload) this.render(this.payload);
        break;
      case 'toggle-compare':
        post({ type: 'chat/setCompare', enabled: !(this.payload?.settings.compare.enabled ?? false) });
        break;
      case 'refresh-models':
        post({ type: 'chat/refreshModels' });
        break;
      case 'new-conversation':
        post({ type: 'conversation/new' });
        break;
    }
  }
}
