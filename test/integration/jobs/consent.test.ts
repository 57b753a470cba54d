import { strict as assert } from 'node:assert';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WizardResult } from '../../../src/core/jobs/wizard';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import type { SocratuneApi } from '../../../src/extension';
import { activateSocratune, waitFor, workspaceRoot } from '../support/host';

/**
 * Issue 15 item 2: Start Fine-tune sends nothing before its final confirmation. A second emulator runs in-process
 * so the test can read the server's own request log.
 */
describe('fine-tune consent: nothing is uploaded before the final confirmation (real VS Code, emulator request log)', function () {
  this.timeout(60_000);
  let api: SocratuneApi;
  let emu: EmulatorHandle;
  let folder: string;
  const config = () => vscode.workspace.getConfiguration('socratune');
  const saved: Record<string, unknown> = {};
  const uploads = (from: number) => emu.requests.slice(from).filter((r) => r.method === 'POST' && /^\/v1\/(files|uploads)/.test(r.path));

  before(async () => {
    api = await activateSocratune();
    emu = await startEmulator({ timeScale: 10_000, tokensPerSecond: 0 });
    for (const k of ['provider', 'baseUrl']) saved[k] = config().inspect(k)?.workspaceValue;
    await config().update('provider', 'emulator', vscode.ConfigurationTarget.Workspace);
    await config().update('baseUrl', emu.url, vscode.ConfigurationTarget.Workspace);
    await api.demoKey.syncNow();
    await waitFor('the emulator key in SecretStorage', () => api.services.keys.get('emulator'));
    folder = path.join(workspaceRoot().fsPath, '.socratune', 'datasets', 'consent-journal');
    await mkdir(folder, { recursive: true });
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'system', content: 'You are the journal.' },
          { role: 'user', content: `What did day ${i} of the consent test teach?` },
          { role: 'assistant', content: `Day ${i} taught that nothing leaves without asking.` },
        ],
      }),
    );
    await writeFile(path.join(folder, 'train.jsonl'), lines.join('\n') + '\n');
  });

  after(async () => {
    await rm(folder, { recursive: true, force: true });
    for (const k of ['provider', 'baseUrl']) await config().update(k, saved[k], vscode.ConfigurationTarget.Workspace);
    await emu?.close();
  });

  const args = { dataset: '', baseModel: 'gpt-4.1-mini-2025-04-14', hyperparameters: { nEpochs: 2 }, suffix: 'consent', seed: 3, yes: true };

  it('declining the final confirmation sends no file to the backend; the summary names files, sizes, examples, backend and cost', async () => {
    const from = emu.requests.length;
    const r = await vscode.commands.executeCommand<WizardResult>('socratune.startFineTune', { ...args, dataset: folder, launch: false });
    assert.equal(r.status, 'cancelled', JSON.stringify(r));
    if (r.status !== 'cancelled') return;
    assert.equal(r.step, 'confirm');
    assert.deepEqual(uploads(from), [], 'no upload request reached the emulator');
    assert.ok(r.summary, 'the confirmation summary');
    const train = path.join(folder, 'train.jsonl');
    assert.equal(r.summary?.files.training.path, train);
    assert.equal(r.summary?.files.training.bytes, (await stat(train)).size);
    assert.equal(r.summary?.files.training.examples, 12);
    assert.equal(r.summary?.backend, 'Socratune emulator');
    assert.equal(r.summary?.baseURL, emu.url);
    assert.ok(r.summary?.cost && r.summary.cost.usd > 0, 'a cost estimate');
  });

  it('accepting it uploads, then creates the job', async () => {
    const from = emu.requests.length;
    const r = await vscode.commands.executeCommand<WizardResult>('socratune.startFineTune', { ...args, dataset: folder, launch: true });
    assert.equal(r.status, 'created', JSON.stringify(r));
    const sent = emu.requests.slice(from).map((x) => `${x.method} ${x.path}`);
    const up = sent.findIndex((x) => /^POST \/v1\/(files|uploads)/.test(x));
    const create = sent.indexOf('POST /v1/fine_tuning/jobs');
    assert.ok(up >= 0 && create > up, sent.join('\n'));
  });
});
