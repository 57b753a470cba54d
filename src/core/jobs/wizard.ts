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
import type { ChoiceRule, HyperparameterRule, LaunchRules, SuffixRule } from '../backends/rules';
import { askSettings, modelLimitError, type Settings } from './wizardAsk';
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

/** A step's outcome: its value, or the result the wizard ends with (cancelled, blocked, failed). */
type Step<T> = { readonly value: T } | { readonly end: WizardResult };

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** 1. Dataset: the preset's, the only or active one when answering yes, else the user's pick. */
async function chooseDataset(deps: WizardDeps, ui: WizardUi, preset: WizardPreset): Promise<Step<DatasetRef>> {
  const datasets = await deps.listDatasets();
  if (preset.datasetFolder) {
    const ds = datasets.find((d) => d.folder === preset.datasetFolder);
    return ds ? { value: ds } : { end: await blocked(ui, 'dataset', `No dataset with a train.jsonl at ${preset.datasetFolder}.`) };
  }
  if (datasets.length === 0)
    return {
      end: await blocked(
        ui,
        'dataset',
        'There is no dataset yet. Create one from your journal ("Socratune: Select Dataset…" / "Add Selection to Training Set"), then start the fine-tune.',
      ),
    };
  if (preset.assumeYes && (datasets.length === 1 || datasets.some((d) => d.active))) return { value: datasets.find((d) => d.active) ?? datasets[0] };
  const ds = await ui.pickDataset([...datasets].sort((a, b) => Number(b.active ?? false) - Number(a.active ?? false)));
  return ds ? { value: ds } : { end: { status: 'cancelled', step: 'dataset' } };
}

/** The dataset checked as the backend checks it for `model`: errors block, `warnings` (when asked) need a yes. */
async function checkFor(
  deps: WizardDeps,
  ui: WizardUi,
  step: 'validation' | 'model',
  dataset: DatasetRef,
  model: string,
  preference: boolean,
  warnings: boolean,
): Promise<Step<DatasetCheck>> {
  let check: DatasetCheck;
  try {
    const title = step === 'validation' ? `Validating ${dataset.name}…` : `Counting tokens for ${model}…`;
    check = await ui.withProgress(title, (_r, signal) => deps.checkDataset(dataset, model, preference, signal));
  } catch (err) {
    if (isAbort(err)) return { end: { status: 'cancelled', step } };
    return { end: await blocked(ui, step, `Could not read the dataset: ${errorText(err)}`) };
  }
  if (check.errorCount > 0) {
    await ui.showBlocked(dataset, check);
    const where = step === 'validation' ? dataset.name : model;
    return { end: { status: 'blocked', step, message: `${check.errorCount} validation error(s) ${step === 'validation' ? 'in' : 'for'} ${where}.` } };
  }
  if (warnings && check.warningCount > 0 && !(await ui.confirmWarnings(dataset, check))) return { end: { status: 'cancelled', step } };
  return { value: check };
}

/** 3. Privacy scan: the result is always shown when a scanner exists. Undefined = go on. */
async function privacyStep(deps: WizardDeps, ui: WizardUi, preset: WizardPreset, dataset: DatasetRef): Promise<WizardResult | undefined> {
  const scan = deps.privacyScan;
  if (!scan) return undefined;
  let report: PrivacyReport;
  try {
    report = await ui.withProgress(`Scanning ${dataset.name} for personal data…`, (_r, signal) => scan(dataset, signal));
  } catch (err) {
    if (isAbort(err)) return { status: 'cancelled', step: 'privacy' };
    return blocked(ui, 'privacy', `The privacy scan failed: ${errorText(err)}`);
  }
  if (!preset.assumeYes && !(await ui.confirmPrivacy(dataset, report))) return { status: 'cancelled', step: 'privacy' };
  return undefined;
}

/** 4. Base model: only the backend's tunable ones that support the method. */
async function chooseModel(deps: WizardDeps, ui: WizardUi, preset: WizardPreset, method: TrainingMethod): Promise<Step<TunableModel>> {
  const { backend } = deps;
  let models: TunableModel[];
  try {
    models = (await backend.tunableModels()).filter((m) => m.methods.includes(method));
  } catch (err) {
    const info = infoOf(err);
    await ui.showError(info);
    return { end: { status: 'failed', step: 'model', error: info } };
  }
  if (models.length === 0)
    return { end: await blocked(ui, 'model', `${backend.label} lists no base model that supports ${method === 'dpo' ? 'DPO' : 'supervised'} fine-tuning.`) };
  if (preset.baseModel) {
    const model = models.find((m) => m.id === preset.baseModel);
    if (model) return { value: model };
    return { end: await blocked(ui, 'model', `${preset.baseModel} cannot be fine-tuned on ${backend.label}. Tunable: ${models.map((m) => m.id).join(', ')}.`) };
  }
  const suggested = models.some((m) => m.id === deps.defaultBaseModel) ? deps.defaultBaseModel : models[0]?.id;
  const model = preset.assumeYes ? models.find((m) => m.id === suggested) : await ui.pickBaseModel(models, suggested);
  if (!model) return { end: { status: 'cancelled', step: 'model' } };
  if (!models.some((m) => m.id === model.id)) return { end: await blocked(ui, 'model', `${model.id} is not a tunable model of ${backend.label}.`) };
  return { value: model };
}

/** 7. What the final confirmation shows: what is sent, to which backend, and the cost. */
async function launchSummary(
  deps: WizardDeps,
  preset: WizardPreset,
  rules: LaunchRules,
  a: { dataset: DatasetRef; check: DatasetCheck; model: TunableModel; method: TrainingMethod; settings: Settings },
): Promise<LaunchSummary> {
  const { backend } = deps;
  const { hp, suffix, seed, extraBody } = a.settings;
  const cost = rules.cost.kind === 'token-table' ? deps.estimateCost(a.model.id, a.check, hp.nEpochs) : null;
  const costNote =
    rules.cost.kind === 'none'
      ? rules.cost.message
      : (rules.cost.note ?? (cost ? undefined : `No training price is known for ${a.model.id}; check ${backend.label}'s pricing.`));
  return {
    backend: backend.label,
    baseURL: backend.baseURL,
    dataset: a.dataset,
    check: a.check,
    files: await outgoingFiles(a.dataset, a.check),
    baseModel: a.model.id,
    method: a.method,
    hyperparameters: hp,
    suffix,
    seed,
    choices: extraBody,
    cost,
    costNote,
    recipeChanges: preset.recipeChanges ?? [],
  };
}

/** 8–9. Upload (identical files already on the server are reused), create (an unused upload is deleted), record. */
async function uploadAndCreate(deps: WizardDeps, ui: WizardUi, preset: WizardPreset, summary: LaunchSummary): Promise<WizardResult> {
  const { backend } = deps;
  const { dataset, check, method, suffix, seed } = summary;
  const hp = summary.hyperparameters;
  const extraBody = summary.choices;
  const uploaded = await uploadFiles(backend, ui, dataset);
  if (!('training' in uploaded)) return uploaded;
  const files = uploaded;
  const spec: JobCreateSpec = {
    baseModel: summary.baseModel,
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
  const dsHash = datasetContentHash(files.training.sha256, files.validation?.sha256);
  const promptHash = dataset.systemPrompt !== undefined ? sha256Hex(dataset.systemPrompt) : undefined;
  const metadata = buildJobMetadata({ datasetName: dataset.name, datasetSha256: dsHash, promptSha256: promptHash, toolVersion: deps.toolVersion });
  let job: FineTuneJob;
  try {
    job = await backend.createJob({ ...spec, metadata });
  } catch (err) {
    return createFailed(backend, files, ui, err);
  }
  const cost = summary.cost ?? (priced.usd !== undefined ? { usd: priced.usd, epochs: 0, defaultEpochs: false, trainedTokens: 0, usdPer1MTokens: 0 } : null);
  const manifest = buildManifest({
    deps,
    job,
    dataset,
    check,
    files,
    model: summary.baseModel,
    method,
    hp,
    suffix,
    seed,
    choices: extraBody,
    metadata,
    dsHash,
    promptHash,
    cost,
    preset,
  });
  await deps.saveManifest(manifest);
  return { status: 'created', job, manifest };
}

/**
 * Start Fine-tune: dataset → validation → privacy → base model → settings → consent → upload → create. Nothing leaves
 * the machine before the consent step.
 */
export async function runStartFineTune(deps: WizardDeps, ui: WizardUi, preset: WizardPreset = {}): Promise<WizardResult> {
  const { backend } = deps;
  const picked = await chooseDataset(deps, ui, preset);
  if ('end' in picked) return picked.end;
  const dataset = picked.value;
  // 2. Validation (errors block, warnings ask)
  const preference = await deps.isPreference(dataset);
  const method: TrainingMethod = preference ? 'dpo' : 'supervised';
  if (method === 'dpo' && !backend.capabilities.dpo)
    return blocked(ui, 'validation', `${dataset.name} is a preference (DPO) dataset, and ${backend.label} does not offer DPO.`);
  const firstModel = preset.baseModel ?? deps.defaultBaseModel ?? 'gpt-4.1-mini-2025-04-14';
  const checked = await checkFor(deps, ui, 'validation', dataset, firstModel, preference, !preset.assumeYes);
  if ('end' in checked) return checked.end;
  let check = checked.value;
  const privacy = await privacyStep(deps, ui, preset, dataset);
  if (privacy) return privacy;
  const chosen = await chooseModel(deps, ui, preset, method);
  if ('end' in chosen) return chosen.end;
  const model = chosen.value;
  if (model.id !== check.model) {
    // Token limits and prices are per model: recount for the chosen one.
    const rechecked = await checkFor(deps, ui, 'model', dataset, model.id, preference, false);
    if ('end' in rechecked) return rechecked.end;
    check = rechecked.value;
  }
  const limits = modelLimitError(backend, model, check);
  if (limits) return blocked(ui, 'model', limits);
  // 5–6. Hyperparameters, the backend's own choices, suffix and seed: from the chosen model's own launch rules where
  // the backend states them per model (Together), else the backend's.
  const rules = model.launchRules ?? backend.launchRules;
  const settings = await askSettings(backend, ui, preset, method, dataset.name, rules);
  if ('status' in settings) return settings;
  // 7. Consent: what is sent, to which backend, and the cost. Nothing has left the machine yet.
  const summary = await launchSummary(deps, preset, rules, { dataset, check, model, method, settings });
  const consent = preset.answerLaunch ?? (preset.assumeYes ? true : await ui.confirmLaunch(summary));
  if (!consent) return { status: 'cancelled', step: 'confirm', summary };
  return uploadAndCreate(deps, ui, preset, summary);
}

async function blocked(ui: WizardUi, step: WizardStep, message: string): Promise<WizardResult> {
  await ui.showMessage(message);
  return { status: 'blocked', step, message };
}
