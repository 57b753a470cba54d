/**
 * The wizard's non-UI dependencies, host-independent: dataset discovery under `.socratune/datasets/`,
 * validation through src/core/validation (preference sets through the DPO check), the cost estimate
 * from the validator's price table, and manifest storage.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { FineTuneBackend, HyperparameterValue } from '../backends/types';
import { estimateCost, resolveModel, validateJsonlFile } from '../validation';
import type { ValidationResult } from '../validation';
import { ManifestStore } from './manifest';
import { checkPreferenceFile, isPreferenceFile } from './preference';
import type { CheckIssue, CostInfo, DatasetCheck, DatasetRef, PrivacyReport, WizardDeps } from './wizard';

export const DATASETS_DIR = path.join('.socratune', 'datasets');

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** The training system prompt: dataset.json's, else the first example's own system message. */
export async function readSystemPrompt(folder: string, trainPath: string): Promise<string | undefined> {
  try {
    const settings = JSON.parse(await readFile(path.join(folder, 'dataset.json'), 'utf8')) as { systemPrompt?: unknown };
    if (typeof settings.systemPrompt === 'string') return settings.systemPrompt;
  } catch {
    // No or unreadable dataset.json: fall back to the examples.
  }
  try {
    const text = await readFile(trainPath, 'utf8');
    const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
    if (!first) return undefined;
    const ex = JSON.parse(first) as { messages?: { role?: unknown; content?: unknown }[] };
    const sys = ex.messages?.find((m) => m.role === 'system');
    return typeof sys?.content === 'string' ? sys.content : undefined;
  } catch {
    return undefined;
  }
}

export async function datasetAt(folder: string, active = false): Promise<DatasetRef | undefined> {
  const trainPath = path.join(folder, 'train.jsonl');
  if (!(await isFile(trainPath))) return undefined;
  const validationPath = path.join(folder, 'validation.jsonl');
  let name = path.basename(folder);
  try {
    const s = JSON.parse(await readFile(path.join(folder, 'dataset.json'), 'utf8')) as { name?: unknown };
    if (typeof s.name === 'string' && s.name.trim()) name = s.name.trim();
  } catch {
    // The folder name is the dataset name.
  }
  return {
    name,
    folder,
    trainPath,
    validationPath: (await isFile(validationPath)) ? validationPath : undefined,
    systemPrompt: await readSystemPrompt(folder, trainPath),
    active,
  };
}

/** Datasets under `<root>/.socratune/datasets/*` of each workspace root, plus the active one wherever it is. */
export async function listDatasets(roots: readonly string[], activeFolder?: string): Promise<DatasetRef[]> {
  const out: DatasetRef[] = [];
  const seen = new Set<string>();
  if (activeFolder) {
    const d = await datasetAt(activeFolder, true);
    if (d) {
      out.push(d);
      seen.add(path.resolve(activeFolder));
    }
  }
  for (const root of roots) {
    const dir = path.join(root, DATASETS_DIR);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const n of names.sort()) {
      const folder = path.join(dir, n);
      if (seen.has(path.resolve(folder))) continue;
      const d = await datasetAt(folder);
      if (d) {
        out.push(d);
        seen.add(path.resolve(folder));
      }
    }
  }
  return out;
}

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
    const errors: CheckIssue[] = [...t.errors.map((e) => ({ ...e, file: 'train' as const })), ...(v?.errors ?? []).map((e) => ({ ...e, file: 'validation' as const }))];
    return { model, preference, examples: t.examples, validationExamples: v?.examples, errors, errorCount: t.errorCount + (v?.errorCount ?? 0), warnings: [], warningCount: 0 };
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
