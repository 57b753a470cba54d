import { strict as assert } from 'node:assert';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportResult } from '../../../src/dataset/importJournal';
import type { SocratuneApi } from '../../../src/extension';
import { activateSocratune, flushedLog, useEmulatorBackend, workspaceRoot } from '../support/host';

/** Two dated passages: their headings give no question, so only the model can propose one. */
const JOURNAL = [
  '# Suggestions',
  '',
  '## 2026-05-03',
  '',
  'I walked to the river before work and left my phone at home. The hour felt twice as long, and the day after it was calmer.',
  '',
  '## 2026-05-10',
  '',
  'When a meeting goes badly I now write down one thing I could change, then close the notebook until morning.',
  '',
].join('\n');

/** Issue 15 #7: "Ask the Model" during journal import says why when the model could not suggest questions. */
describe('dataset: Ask the Model says why suggestions failed', function () {
  this.timeout(60_000);
  let api: SocratuneApi;
  let dsUri: vscode.Uri;
  let previousActive: vscode.Uri | undefined;
  const file = path.join(workspaceRoot().fsPath, 'suggest-itest.md');
  const importWithModel = () =>
    vscode.commands.executeCommand<ImportResult>('socratune.importJournal', { uris: [vscode.Uri.file(file).toString()], useModel: true, accept: [] });

  before(async () => {
    api = await activateSocratune();
    await useEmulatorBackend(api);
    previousActive = api.services.activeDataset.uri;
    writeFileSync(file, JOURNAL);
    dsUri = (await vscode.commands.executeCommand<vscode.Uri>('socratune.createDataset', { name: `suggest-${Date.now().toString(36)}` })) as vscode.Uri;
  });

  after(async () => {
    api.dataset.service.suggestionHeaders = {};
    await api.services.activeDataset.set(previousActive);
    rmSync(dsUri.fsPath, { recursive: true, force: true });
    rmSync(file, { force: true });
    const config = vscode.workspace.getConfiguration('socratune');
    await config.update('provider', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('the emulator answers: every passage gets a question and nothing is reported', async () => {
    const r = await importWithModel();
    assert.equal(r.candidates.length, 2);
    assert.deepEqual(
      { asked: r.suggestions?.asked, got: r.suggestions?.got, failed: r.suggestions?.failed },
      { asked: 2, got: 2, failed: 0 },
      JSON.stringify(r.suggestions),
    );
    assert.ok(
      r.candidates.every((c) => c.prompt?.endsWith('?')),
      JSON.stringify(r.candidates),
    );
    assert.equal(r.suggestionNote, undefined);
  });

  it('a server error (503 from the emulator) is told with its status and what to do; no passage gets a made-up prompt', async () => {
    api.dataset.service.suggestionHeaders = { 'x-emulator-fault': '503' };
    const r = await importWithModel();
    assert.equal(r.suggestions?.failed, 2, JSON.stringify(r.suggestions));
    assert.equal(r.suggestions?.got, 0);
    assert.ok(r.candidates.every((c) => c.prompt === undefined));
    assert.match(r.suggestionNote ?? '', /could not suggest a question for 2 of 2 passages: .*server error \(503\).*retry/);
    assert.match(r.suggestionNote ?? '', /They wait for your question in the review\./);
    assert.match(await flushedLog(api), /Question suggestion failed for suggest-itest\.md:3: .*\(503\)/);
  });

  it('a rejected key (401) says to replace the key', async () => {
    api.dataset.service.suggestionHeaders = { 'x-emulator-fault': '401' };
    const r = await importWithModel();
    assert.equal(r.suggestions?.failed, 2);
    assert.match(r.suggestionNote ?? '', /API key was rejected \(401\).*Set API Key/);
  });
});
