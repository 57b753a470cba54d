import { strict as assert } from 'node:assert';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SocratuneApi } from '../../../src/extension';
import { activateSocratune, nextEvent, waitFor, workspaceRoot } from '../support/host';

const good = (i: number) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `What did entry ${i} say?` },
      { role: 'assistant', content: `Entry ${i} said something worth keeping.` },
    ],
  });

/** Issue 15 #10: the invalid-JSON diagnostic in plain words; the few-examples warning said once in the report. */
describe('validation speaks plainly (real VS Code)', function () {
  this.timeout(90_000);
  let api: SocratuneApi;
  const folder = () => path.join(workspaceRoot().fsPath, '.socratune', 'datasets', 'it-plain');

  before(async () => {
    api = await activateSocratune();
    await mkdir(folder(), { recursive: true });
    await writeFile(path.join(folder(), 'train.jsonl'), [...Array.from({ length: 12 }, (_, i) => good(i)), 'this line is not json'].join('\n') + '\n');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await rm(folder(), { recursive: true, force: true });
  });

  it('says what is wrong with a non-JSON line, not V8’s raw parser text', async () => {
    const uri = vscode.Uri.file(path.join(folder(), 'train.jsonl'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const d = await waitFor(
      'the invalid_json diagnostic',
      () => vscode.languages.getDiagnostics(uri).find((x) => x.source === 'Socratune' && x.code === 'invalid_json'),
      30_000,
    );
    assert.equal(d.range.start.line, 12);
    assert.equal(d.message, 'This line is not JSON: each line must be one example written as {"messages": [...]}, but it starts with “this line is not json”.');
  });

  it('gives the few-examples warning once in the report, with this file’s figures', async () => {
    await writeFile(path.join(folder(), 'train.jsonl'), Array.from({ length: 12 }, (_, i) => good(i)).join('\n') + '\n');
    const shown = nextEvent('the report panel', api.validation.command.onDidShowReport, () => true, 60_000);
    await vscode.commands.executeCommand('socratune.validateDataset', { uri: vscode.Uri.file(folder()) });
    const panel = await shown;
    const file = panel.current?.files[0];
    assert.ok(file);
    const rows = file.warningCounts.filter((c) => c.code === 'few_examples');
    assert.equal(rows.length, 1);
    assert.equal(rows[0].description, '12 examples: OpenAI reports clear improvements from 50–100 well-crafted examples.');
    assert.deepEqual(
      file.warnings.filter((w) => w.code === 'few_examples'),
      [],
      'not listed a second time',
    );
  });

  it('Validate Dataset flags an exact duplicate with both line numbers (issue 15 #3)', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => good(i));
    lines.push(good(4));
    await writeFile(path.join(folder(), 'train.jsonl'), lines.join('\n') + '\n');
    const r = await vscode.commands.executeCommand<{ accepted: boolean; report: { files: { warnings: { line: number; code: string; message: string }[] }[] } }>(
      'socratune.validateDataset',
      { uri: vscode.Uri.file(folder()), report: false },
    );
    assert.equal(r.accepted, true, 'a duplicate is a warning, not a blocking error');
    const dups = r.report.files[0].warnings.filter((w) => w.code === 'duplicate_example');
    assert.deepEqual(
      dups.map((w) => [w.line, w.message]),
      [[13, 'Line 13 is an exact duplicate of line 5: the same example twice weighs it double in training.']],
    );
  });

  it('shows the report of the dataset it is given through services.validationEntry (the launch wizard’s Validate button), not the active one', async () => {
    await writeFile(path.join(folder(), 'train.jsonl'), Array.from({ length: 12 }, (_, i) => good(i)).join('\n') + '\n');
    const entry = api.services.validationEntry.current;
    assert.ok(entry, 'the validation capability provides its entry point');
    const shown = nextEvent('the report panel', api.validation.command.onDidShowReport, () => true, 60_000);
    await entry.showReport(vscode.Uri.file(folder()));
    const panel = await shown;
    assert.equal(panel.current?.files[0]?.examples, 12);
    assert.equal(panel.current?.dataset, 'it-plain');
  });
});
