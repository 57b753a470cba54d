/**
 * "Start Fine-tune…" as one function with an injected UI, so the command, "Re-run on…" and the tests
 * all drive the same steps:
 *
 *   dataset → validation (errors block, warnings ask) → privacy scan → base model (tunable ones) →
 *   method (supervised, DPO for preference sets) → hyperparameters, suffix, seed → confirmation (what is
 *   sent, to which backend, the cost) → upload (cancellable, identical files reused) → create → manifest.
 *
 * Consent before upload: nothing leaves the machine until the final confirmation was accepted (issue 15).
 * Rules live here, not in the UI: an invalid answer from any UI stops the wizard with a message, and
 * nothing is created or written unless every step passed. The local dataset is only ever read. An upload
 * made for a job that then could not be created is deleted again (or reported when it cannot be).
 */
import type { BackendErrorInfo } from '../backends/errors';
import type { FineTuneBackend, FineTuneJob, Hyperparameters, HyperparameterValue, JobCreateSpec, TrainingMethod, TunableModel } from '../backends/types';
import type { ChoiceRule, HyperparameterRule, SuffixRule } from '../backends/rules';
import { askSettings, modelLimitError } from './wizardAsk';
import { JobManifest, buildJobMetadata, datasetContentHash, sha256Hex } from './manifest';
import { buildManifest, createFailed, infoOf, isAbort, outgoingFiles, serverPrice, uploadFiles } from './wizardSend';

/** The dataset repository's description of a dataset folder (one definition, in src/core/dataset/repository.ts). */
export type { DatasetRef } from '../dataset/repository';
import type { DatasetRef } from '../dataset/repository';

export interface CheckIssue {
  readonly line: number;
  readonly message: string;
  readonly file: 'train' | 'validation';
}

export interface CostInfo {
  readonly usd: number;
  readonly epochs: number;
  readonly defaultEpochs: boolean;
  readonly trainedTokens: number;
  readonly usdPer1MTokens: number;
}

/** What the validation step found (from src/core/validation, or the preference check). */
export interface DatasetCheck {
  readonly model: string;
  readonly preference: boolean;
  readonly examples: number;
  readonly validationExamples?: number;
  readonly errors: readonly CheckIssue[];
  readonly errorCount: number;
  readonly warnings: readonly CheckIssue[];
  readonly warningCount: number;
  /** Tokens billed per epoch (sum of min(limit, tokens per example)). */
  readonly billableTokens?: number;
  /** Tokens of the longest training example (OpenAI's tokenizer: approximate for other model families). */
  readonly maxExampleTokens?: number;
}

export interface PrivacyReport {
  /** Number of findings (emails, phone numbers, names…); 0 = nothing found. */
  readonly findings: number;
  readonly summary: string;
  readonly details: readonly string[];
}

/** A local file the launch will send, as the confirmation shows it (nothing is uploaded before consent). */
export interface OutgoingFile {
  readonly path: string;
  readonly bytes: number;
  readonly examples: number;
}

export interface LaunchSummary {
  readonly backend: string;
  /** Where the files and the job go. */
  readonly baseURL: string;
  readonly dataset: DatasetRef;
  readonly check: DatasetCheck;
  /** What will be uploaded when the user confirms. */
  readonly files: { readonly training: OutgoingFile; readonly validation?: OutgoingFile };
  readonly baseModel: string;
  readonly method: TrainingMethod;
  readonly hyperparameters: Hyperparameters;
  readonly suffix?: string;
  readonly seed?: number;
  /** The backend's own choices (e.g. Azure `trainingType`), as sent. */
  readonly choices: Readonly<Record<string, string>>;
  readonly cost: CostInfo | null;
  readonly costNote?: string;
  /** What "Re-run on…" changed in the original recipe for this backend (empty for a new launch). */
  readonly recipeChanges: readonly string[];
}

export type ProgressReport = (message: string, increment?: number) => void;

export interface WizardUi {
  pickDataset(choices: readonly DatasetRef[]): Promise<DatasetRef | undefined>;
  /** Runs `task` with a (cancellable) progress display; cancelling aborts the signal. */
  withProgress<T>(title: string, task: (report: ProgressReport, signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Errors: shown, the wizard stops. */
  showBlocked(ds: DatasetRef, check: DatasetCheck): Promise<void>;
  /** Warnings only: continue? */
  confirmWarnings(ds: DatasetRef, check: DatasetCheck): Promise<boolean>;
  /** Privacy scan result: continue? (Called with findings = 0 too, so the result is always shown.) */
  confirmPrivacy(ds: DatasetRef, report: PrivacyReport): Promise<boolean>;
  pickBaseModel(models: readonly TunableModel[], suggested: string | undefined): Promise<TunableModel | undefined>;
  /** Raw input, `auto` or a number; the wizard parses and range-checks it against the backend's rule. */
  inputHyperparameter(rule: HyperparameterRule, initial: string): Promise<string | undefined>;
  /** A choice the backend needs (e.g. Azure's training type). */
  pickChoice(rule: ChoiceRule): Promise<string | undefined>;
  inputSuffix(initial: string, rule: SuffixRule, backend: string): Promise<string | undefined>;
  inputSeed(initial: string): Promise<string | undefined>;
  confirmLaunch(summary: LaunchSummary): Promise<boolean>;
  showError(info: BackendErrorInfo): Promise<void>;
  showMessage(message: string): Promise<void>;
}

export interface WizardDeps {
  readonly backend: FineTuneBackend;
  listDatasets(): Promise<DatasetRef[]>;
  checkDataset(ds: DatasetRef, model: string, preference: boolean, signal?: AbortSignal): Promise<DatasetCheck>;
  isPreference(ds: DatasetRef): Promise<boolean>;
  /** Absent when no privacy scanner is available. */
  privacyScan?(ds: DatasetRef, signal?: AbortSignal): Promise<PrivacyReport>;
  estimateCost(model: string, check: DatasetCheck, epochs: HyperparameterValue | undefined): CostInfo | null;
  saveManifest(m: JobManifest): Promise<void>;
  readonly defaultBaseModel?: string;
  readonly now?: () => Date;
  readonly toolVersion?: string;
}

/** Answers given up front (command arguments, "Re-run on…"); the UI is asked only for the rest. */
export interface WizardPreset {
  readonly datasetFolder?: string;
  readonly baseModel?: string;
  readonly hyperparameters?: Hyperparameters;
  readonly suffix?: string;
  readonly seed?: number;
  /** Answers to the backend's own choices, by body field (e.g. `{ trainingType: 'GlobalStandard' }`). */
  readonly choices?: Readonly<Record<string, string>>;
  /**
   * Non-interactive: skip the warning/privacy/launch confirmations and take defaults for anything not
   * preset (active or only dataset, default base model, `auto` hyperparameters, suffix from the dataset
   * name, random seed). Every value is still validated.
   */
  readonly assumeYes?: boolean;
  readonly rerunOf?: { readonly jobId: string; readonly backend: FineTuneBackend['kind'] };
  /** What "Re-run on…" changed in the recipe for this backend, one sentence each: shown in the consent step. */
  readonly recipeChanges?: readonly string[];
  /**
   * Answers the final (consent) confirmation without showing it, even with `assumeYes` (tests and automation):
   * `false` stops there, having sent nothing.
   */
  readonly answerLaunch?: boolean;
}

export type WizardStep = 'dataset' | 'validation' | 'privacy' | 'upload' | 'model' | 'hyperparameters' | 'choices' | 'suffix' | 'seed' | 'confirm' | 'create';

export type WizardResult =
  | { readonly status: 'created'; readonly job: FineTuneJob; readonly manifest: JobManifest }
  | { readonly status: 'cancelled'; readonly step: WizardStep; readonly summary?: LaunchSummary }
  | { readonly status: 'blocked'; readonly step: WizardStep; readonly message: string }
  | { readonly status: 'failed'; readonly step: WizardStep; readonly error: BackendErrorInfo };

export async function runStartFineTune(deps: WizardDeps, ui: WizardUi, preset: WizardPreset = {}): Promise<WizardResult> {
  const { backend } = deps;

  // 1. Dataset
  const datasets = await deps.listDatasets();
  let ds: DatasetRef | undefined;
  if (preset.datasetFolder) {
    ds = datasets.find((d) => d.folder === preset.datasetFolder);
    if (!ds) return blocked(ui, 'dataset', `No dataset with a train.jsonl at ${preset.datasetFolder}.`);
  } else if (datasets.length === 0) {
    return blocked(
      ui,
      'dataset',
      'There is no dataset yet. Create one from your journal ("Socratune: Select Dataset…" / "Add Selection to Training Set"), then start the fine-tune.',
    );
  } else if (preset.assumeYes && (datasets.length === 1 || datasets.some((d) => d.active))) {
    ds = datasets.find((d) => d.active) ?? datasets[0];
  } else {
    ds = await ui.pickDataset([...datasets].sort((a, b) => Number(b.active ?? false) - Number(a.active ?? false)));
    if (!ds) return { status: 'cancelled', step: 'dataset' };
  }
  const dataset = ds;

  // 2. Validation (errors block, warnings ask)
  const preference = await deps.isPreference(dataset);
  const method: TrainingMethod = preference ? 'dpo' : 'supervised';
  if (method === 'dpo' && !backend.capabilities.dpo)
    return blocked(ui, 'validation', `${dataset.name} is a preference (DPO) dataset, and ${backend.label} does not offer DPO.`);
  const firstModel = preset.baseModel ?? deps.defaultBaseModel ?? 'gpt-4.1-mini-2025-04-14';
  let check: DatasetCheck;
  try {
    check = await ui.withProgress(`Validating ${dataset.name}…`, (_r, signal) => deps.checkDataset(dataset, firstModel, preference, signal));
  } catch (err) {
    if (isAbort(err)) return { status: 'cancelled', step: 'validation' };
    return blocked(ui, 'validation', `Could not read the dataset: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (check.errorCount > 0) {
    await ui.showBlocked(dataset, check);
    return { status: 'blocked', step: 'validation', message: `${check.errorCount} validation error(s) in ${dataset.name}.` };
  }
  if (check.warningCount > 0 && !preset.assumeYes && !(await ui.confirmWarnings(dataset, check))) return { status: 'cancelled', step: 'validation' };

  // 3. Privacy scan (the result is always shown when a scanner exists)
  if (deps.privacyScan) {
    const scan = deps.privacyScan;
    let report: PrivacyReport;
    try {
      report = await ui.withProgress(`Scanning ${dataset.name} for personal data…`, (_r, signal) => scan(dataset, signal));
    } catch (err) {
      if (isAbort(err)) return { status: 'cancelled', step: 'privacy' };
      return blocked(ui, 'privacy', `The privacy scan failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!preset.assumeYes && !(await ui.confirmPrivacy(dataset, report))) return { status: 'cancelled', step: 'privacy' };
  }

  // 4. Base model (only the backend's tunable ones that support the method)
  let models: TunableModel[];
  try {
    models = (await backend.tunableModels()).filter((m) => m.methods.includes(method));
  } catch (err) {
    const info = infoOf(err);
    await ui.showError(info);
    return { status: 'failed', step: 'model', error: info };
  }
  if (models.length === 0)
    return blocked(ui, 'model', `${backend.label} lists no base model that supports ${method === 'dpo' ? 'DPO' : 'supervised'} fine-tuning.`);
  let model: TunableModel | undefined;
  if (preset.baseModel) {
    model = models.find((m) => m.id === preset.baseModel);
    if (!model) return blocked(ui, 'model', `${preset.baseModel} cannot be fine-tuned on ${backend.label}. Tunable: ${models.map((m) => m.id).join(', ')}.`);
  } else {
    const suggested = models.some((m) => m.id === deps.defaultBaseModel) ? deps.defaultBaseModel : models[0]?.id;
    model = preset.assumeYes ? models.find((m) => m.id === suggested) : await ui.pickBaseModel(models, suggested);
    if (!model) return { status: 'cancelled', step: 'model' };
    if (!models.some((m) => m.id === model?.id)) return blocked(ui, 'model', `${model.id} is not a tunable model of ${backend.label}.`);
  }
  if (model.id !== check.model) {
    // Token limits and prices are per model: recount for the chosen one.
    try {
      const chosen = model.id;
      check = await ui.withProgress(`Counting tokens for ${chosen}…`, (_r, signal) => deps.checkDataset(dataset, chosen, preference, signal));
    } catch (err) {
      if (isAbort(err)) return { status: 'cancelled', step: 'model' };
      return blocked(ui, 'model', `Could not read the dataset: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (check.errorCount > 0) {
      await ui.showBlocked(dataset, check);
      return { status: 'blocked', step: 'model', message: `${check.errorCount} validation error(s) for ${model.id}.` };
    }
  }

  const limits = modelLimitError(backend, model, check);
  if (limits) return blocked(ui, 'model', limits);

  // 5. Hyperparameters, the backend's own choices, suffix and seed: all from the backend's launch rules
  // The chosen model's own limits where the backend states them per model (Together), else the backend's.
  const rules = model.launchRules ?? backend.launchRules;
  const asked = await askSettings(backend, ui, preset, method, dataset.name, rules);
  if ('status' in asked) return asked;
  const { hp, suffix, seed, extraBody } = asked;

  // 7. Consent: what is sent, to which backend, and the cost. Nothing has left the machine yet.
  const cost = rules.cost.kind === 'token-table' ? deps.estimateCost(model.id, check, hp.nEpochs) : null;
  const costNote =
    rules.cost.kind === 'none'
      ? rules.cost.message
      : (rules.cost.note ?? (cost ? undefined : `No training price is known for ${model.id}; check ${backend.label}'s pricing.`));
  const summary: LaunchSummary = {
    backend: backend.label,
    baseURL: backend.baseURL,
    dataset,
    check,
    files: await outgoingFiles(dataset, check),
    baseModel: model.id,
    method,
    hyperparameters: hp,
    suffix,
    seed,
    choices: extraBody,
    cost,
    costNote,
    recipeChanges: preset.recipeChanges ?? [],
  };
  const consent = preset.answerLaunch ?? (preset.assumeYes ? true : await ui.confirmLaunch(summary));
  if (!consent) return { status: 'cancelled', step: 'confirm', summary };

  // 8. Upload (identical files already on the server are reused)
  const uploaded = await uploadFiles(backend, ui, dataset);
  if (!('training' in uploaded)) return uploaded;
  const files = uploaded;
  const spec: JobCreateSpec = {
    baseModel: model.id,
    trainingFileId: files.training.id,
    validationFileId: files.validation?.id,
    method,
    hyperparameters: hp,
    suffix,
    seed,
    extraBody: Object.keys(extraBody).length > 0 ? extraBody : undefined,
  };
  const priced = await serverPrice(backend, ui, spec, files);
  if ('status' in priced) return priced;

  // 9. Create (an upload the job did not get is deleted again), then record the manifest
  const dsHash = datasetContentHash(files.training.sha256, files.validation?.sha256);
  const promptHash = dataset.systemPrompt !== undefined ? sha256Hex(dataset.systemPrompt) : undefined;
  const metadata = buildJobMetadata({ datasetName: dataset.name, datasetSha256: dsHash, promptSha256: promptHash, toolVersion: deps.toolVersion });
  let job: FineTuneJob;
  try {
    job = await backend.createJob({ ...spec, metadata });
  } catch (err) {
    return createFailed(backend, files, ui, err);
  }
  const manifest = buildManifest({
    deps,
    job,
    dataset,
    check,
    files,
    model: model.id,
    method,
    hp,
    suffix,
    seed,
    choices: extraBody,
    metadata,
    dsHash,
    promptHash,
    cost: cost ?? (priced.usd !== undefined ? { usd: priced.usd, epochs: 0, defaultEpochs: false, trainedTokens: 0, usdPer1MTokens: 0 } : null),
    preset,
  });
  await deps.saveManifest(manifest);
  return { status: 'created', job, manifest };
}

async function blocked(ui: WizardUi, step: WizardStep, message: string): Promise<WizardResult> {
  await ui.showMessage(message);
  return { status: 'blocked', step, message };
}
