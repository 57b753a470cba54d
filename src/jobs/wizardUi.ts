import * as vscode from 'vscode';
import type { BackendErrorInfo } from '../core/backends/errors';
import { daysUntil } from '../core/backends/catalog';
import type { TunableModel } from '../core/backends/types';
import { parseRuled, suffixError, type ChoiceRule, type HyperparameterRule, type SuffixRule } from '../core/backends/rules';
import { describeHyperparameters, parseSeed } from '../core/jobs/hyperparameters';
import type { DatasetCheck, DatasetRef, LaunchSummary, OutgoingFile, PrivacyReport, ProgressReport, WizardUi } from '../core/jobs/wizard';
import type { EntrySlot, ValidationEntry } from '../platform/services';
import { showBackendError } from './errorActions';

const TITLE = 'Socratune: Start Fine-tune';

function issueLines(check: DatasetCheck, which: 'errors' | 'warnings', max = 5): string {
  const list = check[which];
  const shown = list.slice(0, max).map((i) => `${i.file}${i.line > 0 ? `:${i.line}` : ''} — ${i.message}`);
  const total = which === 'errors' ? check.errorCount : check.warningCount;
  if (total > shown.length) shown.push(`…and ${total - shown.length} more`);
  return shown.join('\n');
}

function outgoing(f: OutgoingFile): string {
  const kb = f.bytes < 1024 ? `${f.bytes} bytes` : `${(f.bytes / 1024).toFixed(1)} KB`;
  return `${vscode.workspace.asRelativePath(f.path)} (${kb}, ${f.examples} example(s))`;
}

function usd(n: number): string {
  return n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

/** The wizard's questions as VS Code quick picks, input boxes and (modal) messages. */
export class VsCodeWizardUi implements WizardUi {
  /** `validation` offers "Validate Dataset" on a blocked dataset when the validation capability is there. */
  constructor(private readonly validation: EntrySlot<ValidationEntry>) {}

  async pickDataset(choices: readonly DatasetRef[]): Promise<DatasetRef | undefined> {
    const items = choices.map((d) => ({
      label: d.name,
      description: d.active ? 'active dataset' : undefined,
      detail: `${vscode.workspace.asRelativePath(d.folder)}${d.validationPath ? ' · train + validation' : ' · train only'}${d.systemPrompt ? '' : ' · no system prompt'}`,
      d,
    }));
    const pick = await vscode.window.showQuickPick(items, {
      title: `${TITLE} (1/6): dataset`,
      placeHolder: 'Which dataset should the model learn from?',
      ignoreFocusOut: true,
    });
    return pick?.d;
  }

  withProgress<T>(title: string, task: (report: ProgressReport, signal: AbortSignal) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        return task((message, increment) => progress.report({ message, increment }), ac.signal).finally(() => sub.dispose());
      }),
    );
  }

  async showBlocked(ds: DatasetRef, check: DatasetCheck): Promise<void> {
    const open = 'Open train.jsonl';
    const validate = 'Validate Dataset';
    const validation = this.validation.current;
    const buttons = [open, ...(validation ? [validate] : [])];
    const choice = await vscode.window.showErrorMessage(
      `${ds.name} has ${check.errorCount} error(s) that OpenAI-style servers reject; nothing was uploaded.`,
      { modal: true, detail: issueLines(check, 'errors') },
      ...buttons,
    );
    if (choice === open) {
      const first = check.errors.find((e) => e.file === 'train' && e.line > 0);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(ds.trainPath));
      const line = Math.max(0, (first?.line ?? 1) - 1);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, 0) });
    } else if (choice === validate) {
      await validation?.showReport(vscode.Uri.file(ds.folder));
    }
  }

  async confirmWarnings(ds: DatasetRef, check: DatasetCheck): Promise<boolean> {
    const go = 'Continue';
    const choice = await vscode.window.showWarningMessage(
      `${ds.name}: ${check.warningCount} warning(s). Continue anyway?`,
      { modal: true, detail: issueLines(check, 'warnings') },
      go,
    );
    return choice === go;
  }

  async confirmPrivacy(ds: DatasetRef, report: PrivacyReport): Promise<boolean> {
    if (report.findings === 0) {
      void vscode.window.showInformationMessage(`Privacy scan of ${ds.name}: ${report.summary}`);
      return true;
    }
    const go = 'Continue Anyway';
    const choice = await vscode.window.showWarningMessage(
      `Privacy scan of ${ds.name}: ${report.summary}. The training data leaves this machine if you confirm the launch at the last step.`,
      { modal: true, detail: report.details.slice(0, 12).join('\n') },
      go,
    );
    return choice === go;
  }

  async pickBaseModel(models: readonly TunableModel[], suggested: string | undefined): Promise<TunableModel | undefined> {
    const now = Date.now();
    const items = models.map((m) => ({
      label: m.id,
      description: m.id === suggested ? `${m.label} · suggested` : m.label,
      detail: [
        m.methods.map((x) => (x === 'dpo' ? 'DPO' : 'supervised')).join(', '),
        m.maxExampleTokens ? `≤ ${m.maxExampleTokens.toLocaleString('en-US')} tokens per example` : undefined,
        m.trainingEnds ? `training until ${m.trainingEnds} (${daysUntil(m.trainingEnds, now)} days)` : undefined,
        m.shutdownDate ? `$(warning) shuts down ${m.shutdownDate} (${daysUntil(m.shutdownDate, now)} days), with its fine-tunes` : undefined,
      ]
        .filter(Boolean)
        .join(' · '),
      m,
    }));
    const qp = vscode.window.createQuickPick<(typeof items)[number]>();
    qp.title = `${TITLE} (2/6): base model`;
    qp.placeholder = 'Base model to fine-tune';
    qp.items = items;
    qp.ignoreFocusOut = true;
    const active = items.find((i) => i.m.id === suggested);
    if (active) qp.activeItems = [active];
    const picked = await new Promise<TunableModel | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0]?.m));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    return picked;
  }

  async inputHyperparameter(rule: HyperparameterRule, initial: string): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: `${TITLE} (3/6): ${rule.label}`,
      prompt: `${rule.hint}. "auto" lets the server choose from the dataset size.`,
      value: initial,
      ignoreFocusOut: true,
      validateInput: (v) => {
        const p = parseRuled(rule, v);
        return p.ok ? undefined : p.message;
      },
    });
  }

  async pickChoice(rule: ChoiceRule): Promise<string | undefined> {
    const items = rule.options.map((o) => ({ label: o.value, description: o.value === rule.default ? 'default' : undefined, detail: o.detail }));
    const pick = await vscode.window.showQuickPick(items, { title: `${TITLE} (3/6): ${rule.label}`, placeHolder: rule.label, ignoreFocusOut: true });
    return pick?.label;
  }

  async inputSuffix(initial: string, rule: SuffixRule, backend: string): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: `${TITLE} (4/6): model suffix`,
      prompt: `Becomes part of the model ID (${rule.modelIdShape}). Up to ${rule.maxLength} ${rule.characters}; empty for none.`,
      value: initial,
      ignoreFocusOut: true,
      validateInput: (v) => suffixError(rule, v.trim(), backend),
    });
  }

  async inputSeed(initial: string): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: `${TITLE} (5/6): seed`,
      prompt: 'A whole number makes the run reproducible; leave empty for a random seed.',
      value: initial,
      ignoreFocusOut: true,
      validateInput: (v) => {
        const p = parseSeed(v);
        return p.ok ? undefined : p.message;
      },
    });
  }

  async confirmLaunch(s: LaunchSummary): Promise<boolean> {
    const h = s.hyperparameters;
    const lines = [
      `Dataset: ${s.dataset.name} — ${s.check.examples} training example(s)${s.check.validationExamples !== undefined ? `, ${s.check.validationExamples} validation` : ''}`,
      `Sends: ${outgoing(s.files.training)}${s.files.validation ? ` and ${outgoing(s.files.validation)}` : ''}, then the job settings below`,
      `To: ${s.backend} (${s.baseURL}) — nothing has been uploaded yet`,
      `Base model: ${s.baseModel}`,
      `Method: ${s.method === 'dpo' ? 'DPO (preference pairs)' : 'supervised'}`,
      `Hyperparameters: ${describeHyperparameters(h)}`,
      `Suffix: ${s.suffix ?? '—'} · Seed: ${s.seed ?? 'random'}`,
      ...Object.entries(s.choices).map(([k, v]) => `${k}: ${v}`),
      ...(s.recipeChanges.length > 0 ? [`Changed from the original job for ${s.backend}: ${s.recipeChanges.join('; ')}`] : []),
      s.dataset.systemPrompt !== undefined ? `System prompt: bound to the model for chat (${s.dataset.systemPrompt.length} characters)` : 'System prompt: none',
      s.cost
        ? `Estimated cost: ≈ ${usd(s.cost.usd)} (${s.cost.trainedTokens.toLocaleString('en-US')} trained tokens = ${s.cost.epochs} epoch(s)${s.cost.defaultEpochs ? ' [auto]' : ''} × billable tokens, at $${s.cost.usdPer1MTokens}/1M)`
        : 'Estimated cost: unknown',
      ...(s.costNote ? [s.costNote] : []),
    ];
    const go = 'Upload and Start';
    const choice = await vscode.window.showInformationMessage(
      `${TITLE} (6/6): start training ${s.baseModel} on ${s.dataset.name}?`,
      { modal: true, detail: lines.join('\n') },
      go,
    );
    return choice === go;
  }

  async showError(info: BackendErrorInfo): Promise<void> {
    // Not awaited: the buttons stay available without holding the command open.
    void showBackendError(info, 'Fine-tune not started. ');
  }

  async showMessage(message: string): Promise<void> {
    void vscode.window.showWarningMessage(message);
  }
}
