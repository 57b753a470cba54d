import * as path from 'node:path';
import { datasetFolders } from '../core/dataset/repository';
import * as vscode from 'vscode';
import { appendLines, readTextOrEmpty, writeAtomic } from '../core/dataset/fsutil';
import { assistantText, exampleKey, passageHash } from '../core/dataset/hash';
import { JsonlFinding, PII_KINDS, PII_LABELS, PiiKind, redactJsonl, scanJsonl } from '../core/dataset/pii';
import { DatasetStore } from '../core/dataset/store';
import { FILES, fileForSplit, ProvenanceRecord } from '../core/dataset/types';
import { DatasetService, messageOf, OpenDataset } from './service';

export interface ScanArgs {
  /** Write a redacted copy without asking: the kinds to redact (default all found) and the new dataset name. */
  redact?: { kinds?: PiiKind[]; name?: string };
  /** Don't show notifications (tests). */
  quiet?: boolean;
}

export interface ScanResult {
  datasetUri: string;
  findings: { file: string; line: number; column: number; endColumn: number; kind: PiiKind }[];
  redactedCopy?: { uri: string; replacements: number };
}

/** "a.b@…" — enough to recognize, not enough to leak into notifications and logs. */
export function mask(text: string): string {
  if (text.length <= 6) return '•'.repeat(text.length);
  return `${text.slice(0, 3)}…${text.slice(-2)} (${text.length} chars)`;
}

async function writeRedactedCopy(svc: DatasetService, ds: OpenDataset, kinds: PiiKind[], name: string): Promise<{ uri: vscode.Uri; replacements: number }> {
  const parent = path.dirname(ds.store.dir);
  const copy = await DatasetStore.create(parent, name, { systemPrompt: ds.store.settings.systemPrompt, format: ds.store.settings.format });
  let replacements = 0;
  const snap = await ds.store.snapshot();
  const records: ProvenanceRecord[] = [];
  for (const split of ['train', 'validation'] as const) {
    const text = await readTextOrEmpty(ds.store.file(split));
    if (!text) continue;
    const r = redactJsonl(text, kinds);
    replacements += r.count;
    await writeAtomic(copy.file(split), r.text);
    // Provenance of the copy: same sources, re-keyed to the redacted content.
    const out = r.text.split('\n');
    for (const ex of snap.examples.filter((e) => e.split === split && e.record)) {
      try {
        const v: unknown = JSON.parse(out[ex.line - 1]);
        records.push({ ...(ex.record as ProvenanceRecord), hash: exampleKey(v), passageHash: passageHash(assistantText(v)), lineHint: ex.line });
      } catch {
        // a corrupt line stays corrupt in the copy; it has no provenance to carry
      }
    }
  }
  if (records.length)
    await appendLines(
      copy.file('provenance'),
      records.map((r) => JSON.stringify(r)),
    );
  svc.s.log.info(`Wrote redacted copy ${copy.dir} (${replacements} replacements; kinds ${kinds.join(', ')})`);
  return { uri: vscode.Uri.file(copy.dir), replacements };
}

type Finding = JsonlFinding & { file: string; uri: vscode.Uri };

function diagnosticOf(f: Finding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(
    new vscode.Range(f.jsonlLine - 1, f.column, f.jsonlLine - 1, f.endColumn),
    `Possible ${PII_LABELS[f.kind]}: ${mask(f.text)}. Remove it or write a redacted copy ("Socratune: Scan Dataset for Personal Data").`,
    vscode.DiagnosticSeverity.Warning,
  );
  d.source = 'Socratune privacy';
  d.code = f.kind;
  return d;
}

/** Scan both splits; the findings replace the splits' diagnostics in the Problems panel. */
async function findPersonalData(ds: OpenDataset, diags: vscode.DiagnosticCollection): Promise<Finding[]> {
  const all: Finding[] = [];
  for (const split of ['train', 'validation'] as const) {
    const file = ds.store.file(split);
    const text = await readTextOrEmpty(file);
    const uri = vscode.Uri.file(file);
    const found = scanJsonl(text).map((f) => ({ ...f, file: fileForSplit(split), uri }));
    diags.set(uri, found.map(diagnosticOf));
    all.push(...found);
  }
  return all;
}

/** Let the user pick a finding and select it in its file. */
async function goToFinding(all: Finding[]): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    all.map((f) => ({ label: `$(warning) ${PII_LABELS[f.kind]}`, description: `${f.file}:${f.jsonlLine}:${f.column + 1}`, detail: mask(f.text), f })),
    { title: 'Socratune: personal data findings', matchOnDescription: true },
  );
  if (!pick) return;
  const doc = await vscode.workspace.openTextDocument(pick.f.uri);
  const ed = await vscode.window.showTextDocument(doc);
  const range = new vscode.Range(pick.f.jsonlLine - 1, pick.f.column, pick.f.jsonlLine - 1, pick.f.endColumn);
  ed.selection = new vscode.Selection(range.start, range.end);
  ed.revealRange(range, vscode.TextEditorRevealType.InCenter);
}

/** Ask which kinds to redact, write the copy under a free name next to the dataset, and offer to use or open it. */
async function offerRedactedCopy(svc: DatasetService, ds: OpenDataset, all: Finding[], kindsFound: PiiKind[], result: ScanResult): Promise<void> {
  const kindItems: (vscode.QuickPickItem & { piiKind: PiiKind })[] = kindsFound.map((k) => ({
    label: PII_LABELS[k],
    description: `${all.filter((f) => f.kind === k).length} found`,
    picked: true,
    piiKind: k,
  }));
  const kinds = await vscode.window.showQuickPick(kindItems, {
    canPickMany: true,
    title: 'Socratune: redact which kinds? (the journal and this dataset stay unchanged)',
  });
  if (!kinds?.length) return;
  const existing = new Set((await datasetFolders(path.dirname(ds.store.dir))).map((d) => d.name));
  let name = `${ds.store.name}-redacted`;
  for (let i = 2; existing.has(name); i++) name = `${ds.store.name}-redacted-${i}`;
  try {
    const r = await writeRedactedCopy(
      svc,
      ds,
      kinds.map((k) => k.piiKind),
      name,
    );
    result.redactedCopy = { uri: r.uri.toString(), replacements: r.replacements };
    const c = await vscode.window.showInformationMessage(
      `Socratune: wrote the redacted copy “${name}” (${r.replacements} replacement(s)). The journal and “${ds.store.name}” are unchanged.`,
      'Make It Active',
      'Open',
    );
    if (c === 'Make It Active') await svc.s.activeDataset.set(r.uri);
    if (c === 'Open') await vscode.window.showTextDocument(vscode.Uri.joinPath(r.uri, FILES.train));
  } catch (err) {
    void vscode.window.showErrorMessage(`Socratune: ${messageOf(err)}`);
  }
}

export async function scanDataset(svc: DatasetService, diags: vscode.DiagnosticCollection, args?: ScanArgs): Promise<ScanResult | undefined> {
  const ds = await svc.ensureActive(!args);
  if (!ds) return undefined;
  const all = await findPersonalData(ds, diags);
  const result: ScanResult = {
    datasetUri: ds.uri.toString(),
    findings: all.map((f) => ({ file: f.file, line: f.jsonlLine, column: f.column, endColumn: f.endColumn, kind: f.kind })),
  };
  const kindsFound = PII_KINDS.filter((k) => all.some((f) => f.kind === k));
  if (args?.redact) {
    const kinds = args.redact.kinds ?? kindsFound;
    const r = await writeRedactedCopy(svc, ds, kinds, args.redact.name ?? `${ds.store.name}-redacted`);
    result.redactedCopy = { uri: r.uri.toString(), replacements: r.replacements };
    return result;
  }
  if (args?.quiet) return result;
  if (!all.length) {
    void vscode.window.showInformationMessage(
      `Socratune: no personal data or secrets found in “${ds.store.name}” (${ds.catalog.size} examples). The scan looks for emails, phone numbers, street addresses, IBANs, card numbers, API keys and high-entropy strings — names and places in prose are not detected.`,
    );
    return result;
  }
  const lines = new Set(all.map((f) => `${f.file}:${f.jsonlLine}`)).size;
  const summary = kindsFound.map((k) => `${all.filter((f) => f.kind === k).length} ${PII_LABELS[k]}`).join(', ');
  const choice = await vscode.window.showWarningMessage(
    `Socratune: found ${all.length} possible personal data item(s) in ${lines} example(s) of “${ds.store.name}”: ${summary}. They are listed in the Problems panel.`,
    'Go to Findings',
    'Write Redacted Copy…',
  );
  if (choice === 'Go to Findings') await goToFinding(all);
  else if (choice === 'Write Redacted Copy…') await offerRedactedCopy(svc, ds, all, kindsFound, result);
  return result;
}
