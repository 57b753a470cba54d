import * as vscode from 'vscode';
import { checkLeakage, planSplit } from '../core/dataset/split';
import { SplitName } from '../core/dataset/types';
import { DatasetService, UserError } from './service';

export interface SplitArgs {
  ratio: number;
  seed?: number;
}

export interface SplitCommandResult {
  train: number;
  validation: number;
  groups: number;
  leakageBefore: number;
  leakageAfter: number;
}

function parseRatio(v: string): number | undefined {
  const t = v.trim();
  const n = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
  return Number.isFinite(n) && n > 0 && n <= 0.5 ? n : undefined;
}

export async function splitDataset(svc: DatasetService, args?: SplitArgs): Promise<SplitCommandResult | undefined> {
  const ds = await svc.ensureActive(!args);
  if (!ds) return undefined;
  const snap = await ds.store.snapshot();
  const bad = snap.issues.filter((i) => i.split === 'train' || i.split === 'validation').filter((i) => i.problem !== 'bom');
  if (bad.length)
    throw new UserError(
      `“${ds.store.name}” has ${bad.length} line(s) that are not valid examples (first: ${bad[0].message}). Fix them or move them to quarantine before splitting. Nothing was written.`,
    );
  if (snap.examples.length < 2)
    throw new UserError(`“${ds.store.name}” has ${snap.examples.length} example(s); a split needs at least 2. Nothing was written.`);
  let ratio = args?.ratio;
  let seed = args?.seed ?? snap.settings.split?.seed ?? 42;
  if (!args) {
    const r = await vscode.window.showInputBox({
      title: `Socratune: split “${ds.store.name}” (${snap.examples.length} examples)`,
      prompt: 'Share of examples for validation.jsonl (e.g. 10% or 0.2). Near-duplicates always stay on the same side.',
      value: `${Math.round((snap.settings.split?.ratio ?? 0.1) * 100)}%`,
      validateInput: (v) => (parseRatio(v) ? undefined : 'A share between 1% and 50%.'),
    });
    if (r === undefined) return undefined;
    ratio = parseRatio(r);
    const s = await vscode.window.showInputBox({
      title: 'Socratune: split seed',
      prompt: 'The same seed and examples always give the same split.',
      value: String(seed),
      validateInput: (v) => (/^-?\d+$/.test(v.trim()) ? undefined : 'An integer.'),
    });
    if (s === undefined) return undefined;
    seed = Number(s.trim());
  }
  if (ratio === undefined || !(ratio > 0 && ratio <= 0.5)) throw new UserError('The validation share must be between 0 and 50%.');
  const items = snap.examples.map((e) => ({ key: e.key, text: e.assistant || e.user }));
  const threshold = snap.settings.nearDuplicateThreshold;
  const before = checkLeakage(
    items.filter((_, i) => snap.examples[i].split === 'train'),
    items.filter((_, i) => snap.examples[i].split === 'validation'),
    threshold,
  );
  const plan = planSplit(items, { ratio, seed, threshold });
  const after = checkLeakage(
    items.filter((_, i) => plan.assignment[i] === 'train'),
    items.filter((_, i) => plan.assignment[i] === 'validation'),
    threshold,
  );
  if (!args) {
    const go = await vscode.window.showInformationMessage(
      `Split “${ds.store.name}”: ${plan.train} training / ${plan.validation} validation examples (seed ${seed}).`,
      {
        modal: true,
        detail: [
          plan.groups.length ? `${plan.groups.length} group(s) of near-duplicates are kept together.` : 'No near-duplicates found.',
          before.length
            ? `The current split leaks ${before.length} near-identical pair(s) across train/validation; the new one leaks ${after.length}.`
            : `Leakage check: ${after.length} near-identical pair(s) across the split.`,
          plan.train < 10 ? `Warning: OpenAI needs at least 10 training examples; this leaves ${plan.train}.` : '',
          'train.jsonl and validation.jsonl are rewritten; every example is kept.',
        ]
          .filter(Boolean)
          .join('\n'),
      },
      'Split',
    );
    if (go !== 'Split') return undefined;
  }
  // Assign by content (the store re-reads the files under its lock; identical lines are assigned in order).
  const byKey = new Map<string, SplitName[]>();
  snap.examples.forEach((e, i) => byKey.set(e.key, [...(byKey.get(e.key) ?? []), plan.assignment[i]]));
  svc.assertNoUnsavedEdits(ds);
  const res = await ds.store.writeSplit((e) => byKey.get(e.key)?.shift() ?? 'train');
  await ds.store.updateSettings({ split: { ratio, seed, at: new Date().toISOString() } });
  svc.invalidate(ds.uri);
  if (!args)
    void vscode.window.showInformationMessage(`Socratune: “${ds.store.name}” now has ${res.train} training and ${res.validation} validation examples.`);
  return { train: res.train, validation: res.validation, groups: plan.groups.length, leakageBefore: before.length, leakageAfter: after.length };
}
