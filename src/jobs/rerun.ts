import * as path from 'node:path';
import * as vscode from 'vscode';
import { PROVIDER_KINDS, isProviderKind, type ProviderKind } from '../core/config/profile';
import { mapRecipe } from '../core/backends/mapRecipe';
import { BACKEND_DESCRIPTORS, backendDescriptor } from '../core/backends/descriptors';
import { hashFile } from '../core/backends/upload';
import type { JobManifest, ManifestStore } from '../core/jobs/manifest';
import type { WizardPreset, WizardResult, WizardUi } from '../core/jobs/wizard';
import type { Log } from '../platform/log';
import { SECTION, effectiveTarget, readProfile } from '../platform/settings';

const label = (k: ProviderKind): string => backendDescriptor(k).label;

/** Arguments of `socratune.jobs.rerun` for tests and automation (the Jobs tree passes its job node instead). */
export interface RerunArgs {
  readonly jobId: string;
  /** The backend to re-run on; without it the user picks one. */
  readonly provider?: ProviderKind;
  /**
   * Skip the confirmations: dataset files that changed since the job are re-run in their current version,
   * and the wizard runs non-interactively (its answers are still validated).
   */
  readonly yes?: boolean;
}

/** What a command argument asks for; `provider` is checked by `rerunJob`. */
export interface RerunOptions {
  readonly provider?: unknown;
  readonly yes?: boolean;
}

/** Options from a `RerunArgs`-shaped argument; a tree node (or a bare job ID) asks for nothing. */
export function rerunOptions(arg: unknown): RerunOptions {
  if (!arg || typeof arg !== 'object' || 'kind' in arg) return {};
  const a = arg as { provider?: unknown; yes?: unknown };
  return { provider: a.provider, yes: a.yes === true };
}

/** The wizard's result, or why "Re-run on…" stopped before it (each `refused` message is also shown). */
export type RerunResult =
  WizardResult | { readonly status: 'refused'; readonly message: string } | { readonly status: 'cancelled'; readonly step: 'backend' | 'changed-dataset' };

/**
 * "Re-run on…": repeat a job from its local manifest (same dataset, base model, method,
 * hyperparameters, suffix, seed) on a backend the user picks. Choosing another backend switches
 * `socratune.provider`, since jobs are watched on the active backend.
 */
export async function rerunJob(
  jobId: string,
  manifests: ManifestStore,
  start: (ui: WizardUi | undefined, preset: WizardPreset) => Promise<WizardResult>,
  log: Log,
  opts: RerunOptions = {},
): Promise<RerunResult> {
  const refuse = (message: string, level: 'warning' | 'error' = 'warning'): RerunResult => {
    void (level === 'error' ? vscode.window.showErrorMessage(message) : vscode.window.showWarningMessage(message));
    return { status: 'refused', message };
  };
  if (opts.provider !== undefined && !isProviderKind(opts.provider)) {
    return refuse(`Cannot re-run ${jobId} on "${String(opts.provider).slice(0, 40)}": the backend must be one of ${PROVIDER_KINDS.join(', ')}.`);
  }
  const m = await manifests.load(jobId);
  if (!m) return refuse(`There is no local manifest for ${jobId}: it was not started by Socratune on this machine, so its dataset and settings are unknown.`);
  const current = readProfile().provider;
  let provider = opts.provider;
  if (provider === undefined) {
    const items: (vscode.QuickPickItem & { provider: ProviderKind })[] = BACKEND_DESCRIPTORS.map((d) => ({
      label: d.label,
      description: [d.kind === current ? 'current' : '', d.kind === m.backend.kind ? 'original' : ''].filter(Boolean).join(', ') || undefined,
      detail: d.differs,
      provider: d.kind,
    }));
    const pick = await vscode.window.showQuickPick(items, { title: `Re-run ${jobId} (${m.baseModel} on ${m.dataset.name}) on…` });
    if (!pick) return { status: 'cancelled', step: 'backend' };
    provider = pick.provider;
  }
  // Everything that can stop the re-run is settled before the backend is switched: a refusal writes nothing.
  let now: string;
  try {
    now = (await hashFile(m.files.training.path)).sha256;
  } catch {
    return refuse(`The dataset of ${jobId} is no longer at ${m.files.training.path}.`, 'error');
  }
  const changes = await datasetChanges(m, now);
  if (changes.length > 0) {
    const go = 'Use Current Version';
    const what = changes.map((c) => c.replace(/ since.*$/, '')).join(' and ');
    const c = opts.yes
      ? go
      : await vscode.window.showWarningMessage(
          `${m.dataset.name}: its ${what} since ${jobId} was started. Re-run with the current version?`,
          { modal: true },
          go,
        );
    if (c !== go) return { status: 'cancelled', step: 'changed-dataset' };
    log.warn(`Re-running ${jobId} with the current version of ${m.dataset.name}: its ${changes.join('; its ')}.`);
  }
  if (provider !== current) {
    // Written where it takes effect: a workspace value would shadow a user-settings write.
    await vscode.workspace.getConfiguration(SECTION).update('provider', provider, effectiveTarget('provider'));
  }
  // Hyperparameters and suffix as the target backend takes them (OpenAI's LR multiplier ↔ an absolute rate…), said aloud.
  const mapped = mapRecipe({ hyperparameters: m.hyperparameters, suffix: m.suffix, method: m.method, choices: m.choices }, m.backend.kind, provider);
  if (mapped.changes.length > 0) {
    log.info(`Re-running ${jobId} on ${label(provider)} changed its recipe: ${mapped.changes.join('; ')}.`);
    void vscode.window.showInformationMessage(`Re-run on ${label(provider)}: ${mapped.changes.join('; ')}.`);
  }
  return start(undefined, {
    datasetFolder: m.dataset.folder,
    baseModel: m.baseModel,
    hyperparameters: mapped.hyperparameters,
    suffix: mapped.suffix ?? '',
    seed: m.seed,
    // The backend's own choices that carry over (Azure's training type on Azure, LoRA or full between Together and Nebius).
    choices: mapped.choices,
    recipeChanges: mapped.changes,
    assumeYes: opts.yes === true,
    rerunOf: { jobId: m.jobId, backend: m.backend.kind },
  });
}

/** What differs between the job's files and the dataset's now (the wizard uploads them as they are now). */
async function datasetChanges(m: JobManifest, trainingNow: string): Promise<string[]> {
  const now = trainingNow;
  const changes: string[] = [];
  const short = (h: string): string => `${h.slice(0, 12)}…`;
  if (now !== m.files.training.sha256) changes.push(`training file changed since (sha256 ${short(m.files.training.sha256)} → ${short(now)})`);
  const validationPath = m.files.validation?.path ?? path.join(m.dataset.folder, 'validation.jsonl');
  const validationNow = await hashFile(validationPath).then(
    (h) => h.sha256,
    () => undefined,
  );
  if (m.files.validation && validationNow === undefined) changes.push('validation file was removed since');
  else if (!m.files.validation && validationNow !== undefined) changes.push(`validation file was added since (sha256 ${short(validationNow)})`);
  else if (m.files.validation && validationNow !== m.files.validation.sha256)
    changes.push(`validation file changed since (sha256 ${short(m.files.validation.sha256)} → ${short(validationNow ?? '')})`);
  return changes;
}
