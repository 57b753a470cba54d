/** A WizardUi that answers from a script and records what it was shown (unit and integration tests). */
import type { BackendErrorInfo } from '../../../src/core/backends/errors';
import type { TunableModel } from '../../../src/core/backends/types';
import type { HyperparameterName } from '../../../src/core/jobs/hyperparameters';
import type { ChoiceRule, HyperparameterRule } from '../../../src/core/backends/rules';
import type { DatasetCheck, DatasetRef, LaunchSummary, PrivacyReport, ProgressReport, WizardUi } from '../../../src/core/jobs/wizard';

export interface Script {
  dataset?: (choices: readonly DatasetRef[]) => DatasetRef | undefined;
  acceptWarnings?: boolean;
  acceptPrivacy?: boolean;
  model?: string | ((models: readonly TunableModel[]) => string | undefined);
  hyperparameters?: Partial<Record<HyperparameterName, string | undefined>>;
  suffix?: string | undefined;
  seed?: string | undefined;
  launch?: boolean;
  /** Answers to the backend's own choices, by field (default: the rule's default). */
  choices?: Record<string, string | undefined>;
  /** Abort the progress task whose title matches. */
  cancelProgress?: RegExp;
}

export class ScriptedUi implements WizardUi {
  readonly shown: { kind: string; detail: unknown }[] = [];
  readonly progress: string[] = [];
  constructor(private readonly script: Script = {}) {}

  private record(kind: string, detail: unknown) {
    this.shown.push({ kind, detail });
  }

  kinds(): string[] {
    return this.shown.map((s) => s.kind);
  }

  async pickDataset(choices: readonly DatasetRef[]) {
    this.record(
      'pickDataset',
      choices.map((c) => c.name),
    );
    return this.script.dataset ? this.script.dataset(choices) : choices[0];
  }
  async withProgress<T>(title: string, task: (report: ProgressReport, signal: AbortSignal) => Promise<T>): Promise<T> {
    this.record('progress', title);
    const ac = new AbortController();
    if (this.script.cancelProgress?.test(title)) ac.abort();
    return task((m) => this.progress.push(m), ac.signal);
  }
  async showBlocked(_ds: DatasetRef, check: DatasetCheck) {
    this.record('blocked', check);
  }
  async confirmWarnings(_ds: DatasetRef, check: DatasetCheck) {
    this.record('warnings', check);
    return this.script.acceptWarnings ?? true;
  }
  async confirmPrivacy(_ds: DatasetRef, report: PrivacyReport) {
    this.record('privacy', report);
    return this.script.acceptPrivacy ?? true;
  }
  async pickBaseModel(models: readonly TunableModel[], suggested: string | undefined) {
    this.record('pickBaseModel', { models: models.map((m) => m.id), suggested });
    const m = this.script.model;
    const id = typeof m === 'function' ? m(models) : (m ?? suggested);
    return models.find((x) => x.id === id) ?? (id ? { id, label: id, methods: ['supervised' as const], listed: false } : undefined);
  }
  async inputHyperparameter(rule: HyperparameterRule, initial: string) {
    const name = rule.name;
    this.record('hyperparameter', name);
    const hp = this.script.hyperparameters;
    return hp && name in hp ? hp[name] : initial;
  }
  async pickChoice(rule: ChoiceRule) {
    this.record('choice', rule.field);
    const c = this.script.choices;
    return c && rule.field in c ? c[rule.field] : rule.default;
  }
  async inputSuffix(initial: string) {
    this.record('suffix', initial);
    return 'suffix' in this.script ? this.script.suffix : initial;
  }
  async inputSeed(initial: string) {
    this.record('seed', initial);
    return 'seed' in this.script ? this.script.seed : initial;
  }
  async confirmLaunch(summary: LaunchSummary) {
    this.record('confirm', summary);
    return this.script.launch ?? true;
  }
  async showError(info: BackendErrorInfo) {
    this.record('error', info);
  }
  async showMessage(message: string) {
    this.record('message', message);
  }
}
