import * as vscode from 'vscode';
import { PROVIDER_KINDS, type ProviderKind } from '../core/config/profile';
import { hashFile } from '../core/backends/upload';
import type { ManifestStore } from '../core/jobs/manifest';
import type { WizardPreset, WizardResult, WizardUi } from '../core/jobs/wizard';
import { SECTION, readProfile } from '../platform/settings';
import { VsCodeWizardUi } from './wizardUi';

const LABELS: Record<ProviderKind, string> = {
  openai: 'OpenAI',
  azure: 'Azure OpenAI',
  'openai-compatible': 'OpenAI-compatible server',
  emulator: 'Local emulator',
};

/**
 * "Re-run on…": repeat a job from its local manifest (same dataset, base model, method,
 * hyperparameters, suffix, seed) on a backend the user picks. Choosing another backend switches
 * `socratune.provider`, since jobs are watched on the active backend.
 */
export async function rerunJob(
  jobId: string,
  manifests: ManifestStore,
  start: (ui: WizardUi, preset: WizardPreset) => Promise<WizardResult>,
): Promise<WizardResult | undefined> {
  const m = await manifests.load(jobId);
  if (!m) {
    void vscode.window.showWarningMessage(`There is no local manifest for ${jobId}: it was not started by Socratune on this machine, so its dataset and settings are unknown.`);
    return undefined;
  }
  const current = readProfile().provider;
  const items: (vscode.QuickPickItem & { provider: ProviderKind })[] = PROVIDER_KINDS.map((k) => ({ label: LABELS[k], description: [k === current ? 'current' : '', k === m.backend.kind ? 'original' : ''].filter(Boolean).join(', ') || undefined, provider: k }));
  const pick = await vscode.window.showQuickPick(items, { title: `Re-run ${jobId} (${m.baseModel} on ${m.dataset.name}) on…` });
  if (!pick) return undefined;
  if (pick.provider !== current) {
    await vscode.workspace.getConfiguration(SECTION).update('provider', pick.provider, vscode.ConfigurationTarget.Global);
  }
  try {
    const now = await hashFile(m.files.training.path);
    if (now.sha256 !== m.files.training.sha256) {
      const go = 'Use Current Version';
      const c = await vscode.window.showWarningMessage(`${m.dataset.name}'s training file changed since ${jobId} was started. Re-run with the current version?`, { modal: true }, go);
      if (c !== go) return undefined;
    }
  } catch {
    void vscode.window.showErrorMessage(`The dataset of ${jobId} is no longer at ${m.files.training.path}.`);
    return undefined;
  }
  return start(new VsCodeWizardUi(), {
    datasetFolder: m.dataset.folder,
    baseModel: m.baseModel,
    hyperparameters: m.hyperparameters,
    suffix: m.suffix ?? '',
    seed: m.seed,
    rerunOf: { jobId: m.jobId, backend: m.backend.kind },
  });
}
