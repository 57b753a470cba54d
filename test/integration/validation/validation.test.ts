import { strict as assert } from 'node:assert';
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SocratuneApi } from '../../../src/extension';
import { activateSocratune, nextEvent, waitFor, workspaceRoot } from '../support/host';

const good = (i: number): string =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'You answer as the journal’s author.' },
      { role: 'user', content: `What did entry ${i} teach you?` },
      { role: 'assistant', content: `Entry ${i}: that what is in my power is my own judgement, nothing else.` },
    ],
  });

const BAD_WEIGHT = JSON.stringify({
  messages: [
    { role: 'user', content: 'q' },
    { role: 'assistant', content: 'a', weight: 2 },
  ],
});

async function makeDataset(name: string, train: string[], validation?: string[]): Promise<vscode.Uri> {
  const folder = path.join(workspaceRoot().fsPath, '.socratune', 'datasets', name);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'train.jsonl'), train.join('\n') + '\n');
  if (validation) await writeFile(path.join(folder, 'validation.jsonl'), validation.join('\n') + '\n');
  await writeFile(path.join(folder, 'dataset.json'), JSON.stringify({ name, format: 'markdown', createdAt: new Date().toISOString() }));
  return vscode.Uri.file(folder);
}

const socratuneDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Socratune');

describe('dataset validation in VS Code', function () {
  this.timeout(90_000);
  let api: SocratuneApi;
  const made: vscode.Uri[] = [];
  let previousActive: vscode.Uri | undefined;

  before(async () => {
    api = await activateSocratune();
    previousActive = api.services.activeDataset.uri;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.services.activeDataset.set(previousActive);
    for (const u of made) await rm(u.fsPath, { recursive: true, force: true });
  });

  it('shows diagnostics at the right lines for a bad train.jsonl, updates them on edit and clears them on close', async () => {
    const lines = [good(1), good(2), BAD_WEIGHT, good(4), '{"messages": [', ...Array.from({ length: 8 }, (_, i) => good(i + 6))];
    const folder = await makeDataset('it-bad', lines);
    made.push(folder);
    const uri = vscode.Uri.joinPath(folder, 'train.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);

    const diags = await waitFor(
      'Socratune diagnostics on train.jsonl',
      () => {
        const d = socratuneDiagnostics(uri);
        return d.length >= 2 ? d : undefined;
      },
      30_000,
    );
    const weight = diags.find((d) => d.code === 'invalid_weight');
    const json = diags.find((d) => d.code === 'invalid_json');
    assert.ok(weight, `invalid_weight in ${JSON.stringify(diags.map((d) => d.code))}`);
    assert.ok(json, 'invalid_json reported');
    assert.equal(weight.range.start.line, 2, 'line 3 (0-based 2)');
    assert.equal(weight.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(doc.getText(weight.range), '"weight":2', 'the squiggle covers the offending key and value');
    assert.equal(json.range.start.line, 4, 'line 5');

    // Fix line 3 in the editor: the diagnostics follow the edit (debounced).
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, doc.lineAt(2).range, good(3));
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor(
      'invalid_weight to disappear after the edit',
      () => !socratuneDiagnostics(uri).some((d) => d.code === 'invalid_weight') && socratuneDiagnostics(uri).some((d) => d.code === 'invalid_json'),
      30_000,
    );

    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor('diagnostics cleared on close', () => socratuneDiagnostics(uri).length === 0, 30_000);
  });

  it('also checks a .jsonl outside dataset folders when it looks like chat examples, and ignores other JSONL', async () => {
    const dir = path.join(workspaceRoot().fsPath, 'it-exports');
    await mkdir(dir, { recursive: true });
    made.push(vscode.Uri.file(dir));
    const chat = vscode.Uri.file(path.join(dir, 'mine.jsonl'));
    const other = vscode.Uri.file(path.join(dir, 'events.jsonl'));
    await writeFile(chat.fsPath, [good(1), '{"messages": "oops"}'].join('\n') + '\n');
    await writeFile(other.fsPath, ['{"event": "a"}', 'not json'].join('\n') + '\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(chat));
    const d = await waitFor('diagnostics on mine.jsonl', () => socratuneDiagnostics(chat).find((x) => x.code === 'missing_messages_list'), 30_000);
    assert.equal(d.range.start.line, 1);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(other));
    const otherDoc = vscode.workspace.textDocuments.find((x) => x.uri.toString() === other.toString())!;
    assert.equal(api.validation.diagnostics.isTrainingDocument(otherDoc), false);
    assert.deepEqual(socratuneDiagnostics(other), []);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('"Validate Dataset" on a good dataset opens the report with the histogram and no blocking errors', async () => {
    const folder = await makeDataset(
      'it-good',
      Array.from({ length: 12 }, (_, i) => good(i)),
      [good(100), good(101)],
    );
    made.push(folder);
    const shown = nextEvent('the report panel', api.validation.command.onDidShowReport, () => true, 60_000);
    const result = await vscode.commands.executeCommand<{
      accepted: boolean;
      dataset: string;
      files: { role: string; result: { examples: number; tokens: { total: number }; estimatedCost: { usd: number } | null } }[];
    }>('socratune.validateDataset', { uri: folder });
    assert.ok(result, 'the command returns its result');
    assert.equal(result.accepted, true);
    assert.equal(result.dataset, 'it-good');
    assert.deepEqual(
      result.files.map((f) => [f.role, f.result.examples]),
      [
        ['train', 12],
        ['validation', 2],
      ],
    );
    assert.ok(result.files[0]!.result.tokens.total > 12 * 20);
    assert.ok(result.files[0]!.result.estimatedCost && result.files[0]!.result.estimatedCost.usd > 0);
    const panel = await shown;
    const rendered = panel.lastRendered ?? (await nextEvent('the report to render', panel.onDidRender, () => true, 60_000));
    assert.equal(rendered.files, 2);
    assert.equal(rendered.blocking, 0);
    assert.ok(rendered.bins > 0, 'a token-length histogram was drawn');
    assert.equal(panel.current?.files[0]?.accepted, true);
  });

  it('"Validate Dataset" reports blocking errors for a bad dataset and puts them in the Problems panel', async () => {
    const folder = await makeDataset('it-blocked', [good(1), BAD_WEIGHT, good(3)]);
    made.push(folder);
    const result = await vscode.commands.executeCommand<{ accepted: boolean; report: { files: { errorCounts: { code: string; count: number }[] }[] } }>(
      'socratune.validateDataset',
      { uri: folder, report: false },
    );
    assert.equal(result?.accepted, false);
    assert.deepEqual(result.report.files[0]!.errorCounts.map((c) => c.code).sort(), ['invalid_weight', 'too_few_examples']);
    const uri = vscode.Uri.joinPath(folder, 'train.jsonl');
    const d = socratuneDiagnostics(uri).find((x) => x.code === 'invalid_weight');
    assert.equal(d?.range.start.line, 1);
  });

  it('the status bar shows the active dataset as "$(database) name · N examples · T tokens · ≈$C" and follows file changes', async () => {
    const folder = await makeDataset(
      'it-status',
      Array.from({ length: 12 }, (_, i) => good(i)),
    );
    made.push(folder);
    const bar = api.validation.statusBar;
    // The price line is the OpenAI table's: shown for a backend whose launch estimates that way (earlier tests may
    // have left another backend set).
    const config = vscode.workspace.getConfiguration('socratune');
    const savedProvider = config.inspect('provider')?.workspaceValue;
    await config.update('provider', 'openai', vscode.ConfigurationTarget.Workspace);
    const first = nextEvent('status bar count', bar.onDidUpdate, (t) => t.includes('12 examples'), 30_000);
    await api.services.activeDataset.set(folder);
    const text = await first.finally(() => config.update('provider', savedProvider, vscode.ConfigurationTarget.Workspace));
    assert.match(text, /^\$\(database\) it-status · 12 examples · [\d,.]+k? tokens · ≈\$\d+\.\d\d$/);
    assert.equal(bar.item.command, 'socratune.selectDataset');

    const next = nextEvent('status bar recount after a file change', bar.onDidUpdate, (t) => t.includes('13 examples'), 30_000);
    await appendFile(vscode.Uri.joinPath(folder, 'train.jsonl').fsPath, good(13) + '\n');
    assert.match(await next, /^\$\(database\) it-status · 13 examples · /);
  });
});
