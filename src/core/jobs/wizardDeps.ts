/**
 * The wizard's non-UI dependencies, host-independent: dataset discovery (./datasets), validation through
 * src/core/validation (preference sets through the DPO check), the cost estimate from the validator's price table,
 * and manifest storage. The wizard loads this on first use; what runs at activation imports ./datasets directly.
 */
import type { FineTuneBackend, HyperparameterValue } from '../backends/types';
import { estimateCost, resolveModel, validateJsonlFile } from '../validation';
import type { ValidationResult } from '../validation';
import { ManifestStore } from './manifest';
import { checkPreferenceFile, isPreferenceFile } from './preference';
import type { CheckIssue, CostInfo, DatasetCheck, DatasetRef, PrivacyReport, WizardDeps } from './wizard';
import { listDatasets } from './datasets';

function sum(counts: Partial<Record<string, number>>): number {
  return Object.values(counts).reduce<number>((a, n) => a + (n ?? 0), 0);
}

function issues(r: ValidationResult, file: 'train' | 'validation'): { errors: CheckIssue[]; warnings: CheckIssue[]; errorCount: number; warningCount: number } {
  return {
    errors: r.errors.map((e) => ({ line: e.line, message: e.message, file })),
    warnings: r.warnings.map((w) => ({ line: w.line, message: w.message, file })),
    errorCount: Math.max(r.errors.length, sum(r.stats.errorCounts)),
    warningCount: Math.max(r.warnings.length, sum(r.stats.warningCounts)),
  };
}

export async function checkDataset(ds: DatasetRef, model: string, preference: boolean, signal?: AbortSignal): Promise<DatasetCheck> {
  if (preference) {
    const t = await checkPreferenceFile(ds.trainPath, { purpose: 'train', signal });
    const v = ds.validationPath ? await checkPreferenceFile(ds.validationPath, { purpose: 'validation', signal }) : undefined;
    const errors: CheckIssue[] = [
      ...t.errors.map((e) => ({ ...e, file: 'train' as const })),
      ...(v?.errors ?? []).map((e) => ({ ...e, file: 'validation' as const })),
    ];
    return {
      model,
      preference,
      examples: t.examples,
      validationExamples: v?.examples,
      errors,
      errorCount: t.errorCount + (v?.errorCount ?? 0),
      warnings: [],
      warningCount: 0,
    };
  }
  const t = await validateJsonlFile(ds.trainPath, { model, purpose: 'train', signal });
  const v = ds.validationPath ? await validateJsonlFile(ds.validationPath, { model, purpose: 'validation', signal }) : undefined;
  const ti = issues(t, 'train');
  const vi = v ? issues(v, 'validation') : undefined;
  return {
    model,
    preference,
    examples: t.examples,
    validationExamples: v?.examples,
    errors: [...ti.errors, ...(vi?.errors ?? [])],
    errorCount: ti.errorCount + (vi?.errorCount ?? 0),
    warnings: [...ti.warnings, ...(vi?.warnings ?? [])],
    warningCount: ti.warningCount + (vi?.warningCount ?? 0),
    billableTokens: t.tokens.billable,
  };
}

export function costFor(model: string, check: DatasetCheck, epochs: HyperparameterValue | undefined): CostInfo | null {
  if (check.billableTokens === undefined) return null;
  const e = estimateCost(resolveModel(model), check.examples, check.billableTokens, typeof epochs === 'number' ? epochs : undefined);
  return e ? { usd: e.usd, epochs: e.epochs, defaultEpochs: e.defaultEpochs, trainedTokens: e.trainedTokens, usdPer1MTokens: e.usdPer1MTokens } : null;
}

export interface CoreWizardDepsOptions {
  readonly backend: FineTuneBackend;
  readonly roots: readonly string[];
  readonly activeFolder?: string;
  readonly manifests: ManifestStore;
  readonly defaultBaseModel?: string;
  readonly privacyScan?: (ds: DatasetRef, signal?: AbortSignal) => Promise<PrivacyReport>;
  readonly toolVersion?: string;
  readonly now?: () => Date;
}

export function coreWizardDeps(o: CoreWizardDepsOptions): WizardDeps {
  return {
    backend: o.backend,
    listDatasets: () => listDatasets(o.roots, o.activeFolder),
    checkDataset,
    isPreference: (ds) => isPreferenceFile(ds.trainPath),
    privacyScan: o.privacyScan,
    estimateCost: costFor,
    saveManifest: async (m) => {
      await o.manifests.save(m);
    },
    defaultBaseModel: o.defaultBaseModel,
    toolVersion: o.toolVersion,
    now: o.now,
  };
}
