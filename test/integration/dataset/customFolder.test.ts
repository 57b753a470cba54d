import { strict as assert } from 'node:assert';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FineTuneJob } from '../../../src/core/backends/types';
import { METADATA_KEYS, sha256Hex } from '../../../src/core/jobs/manifest';
import type { WizardResult } from '../../../src/core/jobs/wizard';
import type { SocratuneApi } from '../../../src/extension';
import { activateSocratune, useEmulatorBackend, workspaceRoot } from '../support/host';

const FOLDER = 'my-training-data';
const PROMPT = 'Answer as the author of this custom-folder journal.';

function examples(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++)
    lines.push(
      JSON.stringify({
        messages: [
          { role: 'system', content: PROMPT },
          { role: 'user', content: `What did custom entry ${i} say?` },
          { role: 'assistant', content: `Custom entry ${i} said: the obstacle is the way, number ${i}.` },
        ],
      }),
    );
  return lines.join('\n') + '\n';
}

/** Issue 10 bug 1: a dataset under a custom `socratune.dataset.folder` is seen by every capability. */
describe('dataset: custom socratune.dataset.folder is honoured everywhere', function () {
  this.timeout(120_000);
  let api: SocratuneApi;
  let previousActive: vscode.Uri | undefined;
  const config = () => vscode.workspace.getConfiguration('socratune');
  const root = () => workspaceRoot().fsPath;
  const folder = () => path.join(root(), FOLDER, 'custom-journal');

  before(async () => {
    api = await activateSocratune();
    previousActive = api.services.activeDataset.uri;
    await useEmulatorBackend(api);
    await config().update('dataset.folder', FOLDER, vscode.ConfigurationTarget.Workspace);
    await mkdir(folder(), { recursive: true });
    await writeFile(path.join(folder(), 'train.jsonl'), examples(12));
    await writeFile(path.join(folder(), 'dataset.json'), JSON.stringify({ name: 'custom-journal', systemPrompt: PROMPT, format: 'markdown', version: 1 }));
    // Not the active dataset: only the folder setting can lead the wizard and the binder to it.
    await api.services.activeDataset.set(undefined);
  });

  after(async () => {
    await api.services.activeDataset.set(previousActive);
    for (const k of ['dataset.folder', 'provider', 'baseUrl']) await config().update(k, undefined, vscode.ConfigurationTarget.Workspace);
    await rm(path.join(root(), FOLDER), { recursive: true, force: true });
  });

  it('services.datasets lists it, with its name and training system prompt', async () => {
    const all = await api.services.datasets.list();
    const ds = all.find((d) => d.folder === folder());
    assert.ok(ds, `listed: ${JSON.stringify(all.map((d) => d.folder))}`);
    assert.equal(ds.name, 'custom-journal');
    assert.equal(ds.systemPrompt, PROMPT);
  });

  it('the fine-tune wizard finds it by folder (Start Fine-tune command arguments) and creates the job', async () => {
    const result = await vscode.commands.executeCommand<WizardResult>('socratune.startFineTune', {
      dataset: folder(),
      baseModel: 'gpt-4.1-mini-2025-04-14',
      hyperparameters: { nEpochs: 1, batchSize: 'auto', learningRateMultiplier: 'auto' },
      suffix: 'custom-folder',
      seed: 3,
      yes: true,
    });
    assert.equal(result.status, 'created', JSON.stringify(result));
    if (result.status === 'created') assert.equal(result.manifest.dataset.name, 'custom-journal');
  });

  it('the prompt binder matches a job trained on it by prompt hash', async () => {
    const job = {
      id: 'ftjob-custom-folder-no-manifest',
      metadata: { [METADATA_KEYS.promptHash]: sha256Hex(PROMPT) },
    } as unknown as FineTuneJob;
    const bound = await api.jobs.prompts.promptForJob(job);
    assert.deepEqual(bound, { systemPrompt: PROMPT, datasetName: 'custom-journal' });
  });

  it('services.datasets.add writes there, and findDuplicate finds exactly that prompt and answer again', async () => {
    const ex = { user: 'What is the custom folder for?', assistant: 'For datasets kept where I choose, not in .socratune.' };
    const added = await api.services.datasets.add({ ...ex, origin: 'chat', datasetFolder: folder() });
    assert.ok(added);
    assert.equal(added.datasetName, 'custom-journal');
    assert.equal(added.line, 13);
    const dup = await api.services.datasets.findDuplicate({ ...ex, datasetFolder: folder() });
    assert.deepEqual(dup && [dup.kind, dup.split, dup.line, dup.id], ['exact', 'train', 13, added.id]);
    assert.equal(await api.services.datasets.findDuplicate({ user: 'Another question?', assistant: ex.assistant, datasetFolder: folder() }), undefined);
  });
});
